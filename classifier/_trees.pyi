import numpy as np

def raw_predict(X: np.ndarray, feature: np.ndarray, threshold: np.ndarray,
                missing_left: np.ndarray, left: np.ndarray, right: np.ndarray,
                is_leaf: np.ndarray, value: np.ndarray, roots: np.ndarray, column: np.ndarray,
                baseline: np.ndarray) -> np.ndarray: ...
