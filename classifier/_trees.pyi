import numpy as np

def raw_predict(X: np.ndarray, nodes: np.ndarray, value: np.ndarray, roots: np.ndarray,
                steps: np.ndarray, column: np.ndarray, baseline: np.ndarray) -> np.ndarray: ...
