"""Fine-tuning: more gradient-boosting rounds on top of a fitted :class:`TreeEnsemble`.

scikit-learn's ``HistGradientBoostingClassifier`` cannot continue from trees it did not fit
(``warm_start`` needs the original estimator, which a saved model no longer holds). So the
added rounds are grown here the way its ``fit`` grows them, with the same parts: the data
binned once (``_BinMapper``), then per round and class a ``TreeGrower`` on the softmax loss's
gradient ``p - y`` and hessian ``p (1 - p)`` (times the row weights), shrunk by the learning
rate. The base trees are kept as they are, so a page the new rounds have nothing to say about
keeps its base prediction: retraining for one template leaves the others where they were.
These are scikit-learn internals; ``load_model`` already ties a model to one scikit-learn
minor version, and the tests fit through them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.ensemble._hist_gradient_boosting._gradient_boosting import _update_raw_predictions
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
from sklearn.ensemble._hist_gradient_boosting.common import G_H_DTYPE
from sklearn.ensemble._hist_gradient_boosting.grower import TreeGrower
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

from classifier.model import TreeEnsemble, raw_to_proba

__all__ = ["more_rounds"]


def more_rounds(forest: TreeEnsemble, X: np.ndarray, targets: np.ndarray,
                weights: np.ndarray, *, rounds: int, learning_rate: float,
                max_leaf_nodes: int | None, max_depth: int | None, min_samples_leaf: int,
                l2_regularization: float, random_state: int = 0,
                on_round: Callable[[], object] | None = None) -> TreeEnsemble:
    """``forest`` with ``rounds`` more boosting rounds fitted to ``X`` (rows), ``targets``
    (rows x ``forest.classes``: one-hot labels, or soft ones such as the forest's own
    probabilities, which hold a row where it is) and per-row ``weights``; ``forest`` itself
    is unchanged. ``on_round`` is called after each round (a progress bar's ``update``).
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    if X.shape[0] == 0:
        raise ValueError("no training rows")
    raw = np.asfortranarray(forest.raw_predict(X))  # columns updated in place, as in sklearn
    n_outputs = raw.shape[1]
    if n_outputs == 1:  # binary: the positive class's target
        targets = targets[:, 1:]
    binner = _BinMapper(random_state=random_state)
    X_binned = binner.fit_transform(X)
    has_missing = (X_binned == binner.missing_values_bin_idx_).any(axis=0).astype(np.uint8)
    rng = np.random.default_rng(random_state)
    threads = _openmp_effective_n_threads()
    trees: list[tuple[np.ndarray, int]] = []
    for _ in range(rounds):
        probs = raw_to_proba(raw)
        if n_outputs == 1:  # binary: the positive class's column, as the one logit
            probs = probs[:, 1:]
        for k in range(n_outputs):
            gradient = ((probs[:, k] - targets[:, k]) * weights).astype(G_H_DTYPE)
            hessian = (probs[:, k] * (1.0 - probs[:, k]) * weights).astype(G_H_DTYPE)
            grower = TreeGrower(
                X_binned, gradient, hessian, max_leaf_nodes=max_leaf_nodes,
                max_depth=max_depth, min_samples_leaf=min_samples_leaf,
                l2_regularization=l2_regularization, shrinkage=learning_rate,
                n_bins_non_missing=binner.n_bins_non_missing_,
                has_missing_values=has_missing, rng=rng)
            grower.grow()
            predictor = grower.make_predictor(binning_thresholds=binner.bin_thresholds_)
            trees.append((predictor.nodes, k))
            _update_raw_predictions(raw[:, k], grower, threads)
        if on_round is not None:
            on_round()
    return forest.with_trees(trees)
