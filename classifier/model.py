"""The block model (two-stage gradient boosting) and its safe saving and loading.

Stage 1 labels each block from its own features (which already include its neighbours' basic
statistics). Stage 2 sees stage 1's probabilities of the neighbours, of the container siblings
and of the ancestors' other blocks, so a lone "content-looking" teaser inside a related-links
list, or a short sentence inside the article, gets the label of its surroundings.

Models are stored with skops next to a JSON sidecar holding the file's SHA-256 and library
versions; :func:`load_model` checks both and loads with an explicit trusted-type list.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from classifier.constants import (
    ANCHOR_WEIGHT,
    DEFAULT_MODEL_FILENAME,
    MAX_MODEL_BYTES,
    MODEL_ENV_VAR,
)
from classifier.features import FEATURE_VERSION, PageFeatures, groups_of
from classifier.kernels import load_kernel
from classifier.types import LABELS

_c_trees: Any = load_kernel("_trees")

__all__ = ["BlockModel", "ModelError", "default_model", "default_model_path", "load_model",
           "model_version", "save_model", "sidecar_path"]

#: Types a model file may contain; anything else makes ``load_model`` refuse the file.
TRUSTED_TYPES: tuple[str, ...] = (
    "classifier.model.BlockModel",
    "classifier.model.TreeEnsemble",
)

_CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
_WINDOWS = (2, 5)
_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
_DEFAULT_LOCK = threading.Lock()
_DEFAULT: dict[str, BlockModel] = {}


class ModelError(Exception):
    """A model file that cannot be used: the message names the file and the reason."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


class BlockModel(ClassifierMixin, BaseEstimator):
    """Two-stage block classifier over :class:`~classifier.features.PageFeatures`.

    ``fit(pages, labels, groups=None)`` takes one ``PageFeatures`` and one label sequence per
    page; ``groups`` (site / template per page) keeps a site's pages in one fold when stage 2
    is trained on out-of-fold stage 1 probabilities. ``max_depth`` limits the trees' depth
    (fewer levels to walk at prediction). ``n_members`` > 1 fits that many such models, the
    k-th with ``random_state + k`` (its own navigation sample), and averages their
    probabilities: the sample alone moves held-out F1 by up to 0.004. Three members beat each of
    them on dragnet, l3s-gn1 and held-out pages, not on scrapinghub, and walk three times the
    trees (docs/benchmarks.md, session 8).
    """

    #: Models saved before ``max_depth`` existed have no such attribute: unlimited.
    max_depth: int | None = None
    #: The other members of an ensemble (``n_members`` - 1 fitted models; this one is the
    #: first). Models saved before ensembles existed have none.
    members_: tuple[BlockModel, ...] = ()

    def __init__(self, *, max_iter: int = 60, learning_rate: float = 0.2,
                 max_leaf_nodes: int = 31, max_depth: int | None = 6,
                 min_samples_leaf: int = 20,
                 l2_regularization: float = 1.0, second_stage: bool = True, n_folds: int = 2,
                 class_weight: str | None = "sqrt", length_weight: bool = True,
                 navigation_sample: float = 0.3, stage2_max_iter: int | None = 40,
                 n_members: int = 1, random_state: int = 0) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.second_stage = second_stage
        self.n_folds = n_folds
        self.class_weight = class_weight
        self.length_weight = length_weight
        self.navigation_sample = navigation_sample
        self.stage2_max_iter = stage2_max_iter
        self.n_members = n_members
        self.random_state = random_state

    # --- training ----------------------------------------------------------------------------
    def _booster(self, max_iter: int | None = None) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=max_iter or self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes, max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization, early_stopping=False,
            random_state=self.random_state)

    def _fit_booster(self, X: np.ndarray, y: np.ndarray, weights: np.ndarray,
                     max_iter: int | None = None) -> TreeEnsemble:
        return TreeEnsemble(self._booster(max_iter).fit(X, y, sample_weight=weights))

    def _weights(self, y: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        counts = np.bincount(y, minlength=len(LABELS)).astype(float)
        counts[counts == 0] = 1.0
        if self.class_weight == "balanced":
            per_class = counts.sum() / (len(LABELS) * counts)
        elif self.class_weight == "sqrt":
            per_class = np.sqrt(counts.max() / counts)
        else:
            per_class = np.ones(len(LABELS))
        weights = per_class[y]
        if self.navigation_sample < 1.0:
            weights = np.where(y == LABELS.index("navigation"),
                               weights / max(self.navigation_sample, 1e-3), weights)
        if self.length_weight:
            weights = weights * (0.5 + np.log1p(lengths) / 4.0)
        return weights

    def _training_rows(self, pages: Sequence[PageFeatures], labels: Sequence[Sequence[str]],
                       page_weights: Sequence[float] | None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Stacked features, label indices, row weights and the rows to fit on."""
        if len(pages) != len(labels):
            raise ValueError("pages and labels differ in length")
        index = {label: i for i, label in enumerate(LABELS)}
        ys = [np.array([index[label] for label in page_labels], dtype=np.int64)
              for page_labels in labels]
        for page, y in zip(pages, ys, strict=True):
            if page.X.shape[0] != y.shape[0]:
                raise ValueError("a page's labels do not match its blocks")
        X = np.vstack([p.X for p in pages])
        y = np.concatenate(ys)
        lengths = np.concatenate([p.lengths for p in pages])
        weights = self._weights(y, lengths)
        if page_weights is not None:
            weights = weights * np.repeat(np.asarray(page_weights, dtype=float),
                                          [p.X.shape[0] for p in pages])
        return X, y, weights, self._sample_rows(y)

    def fit(self, pages: Sequence[PageFeatures], labels: Sequence[Sequence[str]],
            groups: Sequence[str] | None = None,
            page_weights: Sequence[float] | None = None) -> BlockModel:
        """``page_weights`` multiply the weights of a page's blocks (hand labels > weak)."""
        X, y, weights, rows = self._training_rows(pages, labels, page_weights)
        self.classes_ = np.array(LABELS)
        self.n_features_in_ = X.shape[1]
        self.stage1_ = self._fit_booster(X[rows], y[rows], weights[rows])
        self.stage2_: TreeEnsemble | None = None
        if self.second_stage:
            oof = self._out_of_fold(pages, X, y, weights, groups, rows)
            context = np.vstack([np.hstack([p.X, _context_features(p, probs)])
                                 for p, probs in zip(pages, oof, strict=True)])
            self.stage2_ = self._fit_booster(context[rows], y[rows], weights[rows],
                                             self.stage2_max_iter)
        self.members_ = tuple(
            clone(self).set_params(n_members=1, random_state=self.random_state + k)
            .fit(pages, labels, groups, page_weights) for k in range(1, self.n_members))
        return self

    def fine_tuned(self, pages: Sequence[PageFeatures], labels: Sequence[Sequence[str]], *,
                   rounds: int, page_weights: Sequence[float] | None = None,
                   anchors: Sequence[PageFeatures] = (),
                   on_round: Callable[[], object] | None = None) -> BlockModel:
        """A copy of this fitted model with ``rounds`` more boosting rounds in each stage
        (see :mod:`classifier.boosting`), fitted to the labelled ``pages``; this model is
        unchanged.

        ``anchors`` are pages (no labels needed: the base model's training pages, or any pages
        it handles well) whose blocks keep this model's own probabilities as their targets:
        the added trees must move the model where ``pages`` say it is wrong and pay for every
        change anywhere else. Stage 2's added trees see the new stage 1's probabilities.
        ``on_round`` is called after every round of either stage (for a progress bar).
        """
        from classifier.boosting import more_rounds

        if not hasattr(self, "stage1_"):
            raise ValueError("fine-tuning needs a fitted model")
        X, y, weights, rows = self._training_rows(pages, labels, page_weights)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"pages have {X.shape[1]} features, the model {self.n_features_in_}"
                             " (features changed since it was trained)")
        rows = rows[np.isin(y[rows], self.stage1_.classes)]  # no output for an unseen label
        lengths = np.concatenate([p.lengths for p in anchors]) if anchors else np.zeros(0)
        anchor_w = ANCHOR_WEIGHT * (0.5 + np.log1p(lengths) / 4.0 if self.length_weight
                                    else np.ones(lengths.shape[0]))
        weights = np.concatenate([weights[rows], anchor_w])
        params: dict[str, Any] = {
            "rounds": rounds, "learning_rate": self.learning_rate,
            "max_leaf_nodes": self.max_leaf_nodes, "max_depth": self.max_depth,
            "min_samples_leaf": self.min_samples_leaf,
            "l2_regularization": self.l2_regularization, "random_state": self.random_state,
            "on_round": on_round}
        new = copy.deepcopy(self)
        new.__dict__.pop("model_version_", None)  # a different model from here on
        new.members_ = tuple(member.fine_tuned(pages, labels, rounds=rounds,
                                               page_weights=page_weights, anchors=anchors,
                                               on_round=on_round)
                             for member in self.members_)
        anchor_x = _stack([p.X for p in anchors], X.shape[1])
        new.stage1_ = more_rounds(
            self.stage1_, np.vstack([X[rows], anchor_x]),
            np.vstack([_one_hot(y[rows], self.stage1_.classes),
                       _full_proba(self.stage1_, anchor_x)[:, self.stage1_.classes]]),
            weights, **params)
        if self.stage2_ is not None:
            context = _stack([self._context_input(p, new.stage1_) for p in pages], 0)[rows]
            anchor_context = _stack([self._context_input(p, new.stage1_) for p in anchors],
                                    context.shape[1])
            anchor_targets = _stack([self.predict_page(p) for p in anchors], len(LABELS))
            new.stage2_ = more_rounds(
                self.stage2_, np.vstack([context, anchor_context]),
                np.vstack([_one_hot(y[rows], self.stage2_.classes),
                           anchor_targets[:, self.stage2_.classes]]),
                weights, **params)
        return new

    @staticmethod
    def _context_input(page: PageFeatures, stage1: TreeEnsemble) -> np.ndarray:
        return np.hstack([page.X, _context_features(page, _full_proba(stage1, page.X))])

    def _sample_rows(self, y: np.ndarray) -> np.ndarray:
        """Row indices used to fit: all non-navigation rows and a share of navigation ones
        (navigation dominates pages; the weights below make up for the dropped rows)."""
        keep = np.ones(y.shape[0], dtype=bool)
        if self.navigation_sample < 1.0:
            rng = np.random.default_rng(self.random_state)
            nav = y == LABELS.index("navigation")
            keep[nav] = rng.random(int(nav.sum())) < self.navigation_sample
        return np.flatnonzero(keep)

    def _out_of_fold(self, pages: Sequence[PageFeatures], X: np.ndarray, y: np.ndarray,
                     weights: np.ndarray, groups: Sequence[str] | None,
                     rows: np.ndarray) -> list[np.ndarray]:
        page_groups = list(groups) if groups is not None else [str(i) for i in range(len(pages))]
        sizes = [p.X.shape[0] for p in pages]
        row_groups = np.repeat(np.array(page_groups, dtype=object), sizes)
        n_splits = min(self.n_folds, len(set(page_groups)))
        probs = np.zeros((X.shape[0], len(LABELS)))
        if n_splits < 2:
            probs[:] = _full_proba(self.stage1_, X)
        else:
            used = np.zeros(X.shape[0], dtype=bool)
            used[rows] = True
            for train, test in GroupKFold(n_splits=n_splits).split(X, y, row_groups):
                train = train[used[train]]
                booster = self._fit_booster(X[train], y[train], weights[train])
                probs[test] = _full_proba(booster, X[test])
        bounds = np.cumsum([0, *sizes])
        return [probs[a:b] for a, b in itertools.pairwise(bounds)]

    # --- prediction --------------------------------------------------------------------------
    def predict_page(self, page: PageFeatures) -> np.ndarray:
        """Probabilities (blocks x ``LABELS``) for one page: the mean over the members."""
        if page.X.shape[0] == 0:
            return np.zeros((0, len(LABELS)))
        probs = self._own_proba(page)
        for member in self.members_:
            probs += member._own_proba(page)
        return probs / (1 + len(self.members_)) if self.members_ else probs

    def _own_proba(self, page: PageFeatures) -> np.ndarray:
        if self.stage2_ is None:
            return _full_proba(self.stage1_, page.X)
        # One float64 matrix for both stages, made once: stage 1 reads the page's columns
        # (its trees read no others), stage 2 also the context columns filled in between.
        n, d = page.X.shape
        both = np.zeros((n, d + _context_width(page)))
        both[:, :d] = page.X
        probs = _full_proba(self.stage1_, both)
        _context_features(page, probs, out=both[:, d:])
        return _full_proba(self.stage2_, both)

    def predict_proba(self, pages: Sequence[PageFeatures]) -> np.ndarray:
        return np.vstack([self.predict_page(p) for p in pages] or
                         [np.zeros((0, len(LABELS)))])

    def predict(self, pages: Sequence[PageFeatures]) -> np.ndarray:
        return np.asarray(self.classes_)[self.predict_proba(pages).argmax(axis=1)]


def _flatten(trees: Sequence[tuple[np.ndarray, int]], offset: int) -> tuple[Any, ...]:
    """scikit-learn predictor node arrays -> the arguments of ``TreeEnsemble._set_nodes``:
    flat node arrays with global child indices starting at ``offset``, roots and depth."""
    sizes = [tree.shape[0] for tree, _ in trees]
    roots = (offset + np.concatenate([[0], np.cumsum(sizes)[:-1]])).astype(np.int64)
    nodes = np.concatenate([tree for tree, _ in trees])
    shift = np.repeat(roots, sizes)
    return (nodes["feature_idx"].astype(np.int64), nodes["num_threshold"].astype(np.float64),
            nodes["missing_go_to_left"].astype(bool), nodes["left"].astype(np.int64) + shift,
            nodes["right"].astype(np.int64) + shift, nodes["is_leaf"].astype(bool),
            nodes["value"].astype(np.float64), roots, int(nodes["depth"].max()) + 1)


def _one_hot(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return (y[:, None] == classes[None, :]).astype(float)


def _stack(arrays: Sequence[np.ndarray], width: int) -> np.ndarray:
    """Rows of ``arrays`` stacked; an empty ``(0, width)`` array when there are none."""
    return np.vstack(arrays) if arrays else np.zeros((0, width))


def _full_proba(forest: TreeEnsemble, X: np.ndarray) -> np.ndarray:
    """Probabilities with a column for every label, even ones missing from training."""
    out = np.zeros((X.shape[0], len(LABELS)))
    out[:, forest.classes] = forest.predict_proba(X)
    return out


#: ``TreeEnsemble`` attributes made from its arrays when needed: never saved, never copied.
_DERIVED = ("_walk", "_native")


class TreeEnsemble:
    """A fitted gradient-boosting classifier reduced to flat numpy arrays.

    Made from a ``HistGradientBoostingClassifier`` (numerical features) right after fitting,
    so a model file holds a handful of arrays instead of hundreds of tree objects (fast, safe
    loading), and prediction walks every (block, tree) pair at once in numpy: the same
    probabilities as scikit-learn (see the tests), without its per-tree overhead.
    """

    def __init__(self, booster: HistGradientBoostingClassifier) -> None:
        trees = [(predictor.nodes, k) for iteration in booster._predictors
                 for k, predictor in enumerate(iteration)]
        self.classes = np.asarray(booster.classes_).astype(np.int64)
        self.baseline = np.asarray(booster._baseline_prediction, dtype=np.float64).reshape(1, -1)
        *arrays, depth = _flatten(trees, 0)
        self._set_nodes(arrays, depth)
        n_outputs = int(booster.n_trees_per_iteration_)
        self.tree_output = np.zeros((len(trees), n_outputs))
        self.tree_output[np.arange(len(trees)), [k for _, k in trees]] = 1.0

    def _set_nodes(self, arrays: Sequence[np.ndarray], depth: int) -> None:
        """Node arrays in ``_flatten``'s order, then the roots; and the depth."""
        (self.feature, self.threshold, self.missing_left, self.left, self.right, self.is_leaf,
         self.value, self.roots) = arrays
        self.depth = depth

    def with_trees(self, trees: Sequence[tuple[np.ndarray, int]]) -> TreeEnsemble:
        """A copy with more trees appended (scikit-learn predictor node arrays, each adding to
        output column ``k``): how fine-tuning continues boosting. ``self`` is left as it is."""
        new = copy.copy(self)
        for derived in _DERIVED:
            new.__dict__.pop(derived, None)
        *arrays, depth = _flatten(trees, self.value.shape[0])
        old = (self.feature, self.threshold, self.missing_left, self.left, self.right,
               self.is_leaf, self.value, self.roots)
        new._set_nodes([np.concatenate(pair) for pair in zip(old, arrays, strict=True)],
                       max(self.depth, depth))
        added = np.zeros((len(trees), self.tree_output.shape[1]))
        added[np.arange(len(trees)), [k for _, k in trees]] = 1.0
        new.tree_output = np.vstack([self.tree_output, added])
        return new

    def validate(self) -> None:
        """Refuse arrays that do not form trees (a crafted file): raises ``ValueError``."""
        n = self.value.shape[0]
        same = (self.feature, self.threshold, self.missing_left, self.left, self.right,
                self.is_leaf)
        if any(a.shape != (n,) for a in same) or self.roots.ndim != 1:
            raise ValueError("tree arrays differ in shape")
        inner = ~self.is_leaf
        for name, array in (("left", self.left), ("right", self.right)):
            if np.any((array[inner] <= np.flatnonzero(inner)) | (array[inner] >= n)):
                raise ValueError(f"tree {name} child index out of range")
        if np.any((self.roots < 0) | (self.roots >= n)) or not 0 < self.depth <= 64:
            raise ValueError("tree roots or depth out of range")
        # Every node has at most one parent and no root has one: the arrays form a forest.
        parents = np.bincount(np.concatenate([self.left[inner], self.right[inner], self.roots]),
                              minlength=n)
        if parents.max(initial=0) > 1:
            raise ValueError("tree nodes shared between parents")
        if self.tree_output.shape != (self.roots.shape[0], self.baseline.shape[1]):
            raise ValueError("tree outputs do not match the classes")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for derived in _DERIVED:
            state.pop(derived, None)
        return state

    def _layout(self) -> _Walk:
        walk = getattr(self, "_walk", None)
        if walk is None:
            walk = self._walk = _Walk(self)
        return walk

    def _native_arrays(self) -> tuple[tuple[np.ndarray, ...], int]:
        """The trees as the C prediction takes them (``_Walk``'s layout, nodes packed in
        one record each), and how many features the trees read (made once)."""
        native = getattr(self, "_native", None)
        if native is None:
            walk = self._layout()
            nodes = np.empty(walk.value.shape[0], dtype=_NATIVE_NODE)
            nodes["threshold"] = walk.threshold
            nodes["feature"] = walk.feature * 2 + walk.missing_right
            nodes["child"] = walk.child
            arrays = (nodes, np.ascontiguousarray(walk.value, dtype=np.float64),
                      walk.roots.astype(np.intp), walk.steps,
                      self.tree_output.argmax(axis=1).astype(np.intp),
                      np.ascontiguousarray(self.baseline[0], dtype=np.float64))
            native = self._native = (arrays, int(self.feature[~self.is_leaf].max(initial=-1)) + 1)
        return native

    def raw_predict(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (blocks x outputs). With ``classifier._trees`` built, each (block,
        tree) pair is walked in C; else every pair at once in numpy, one level per step
        (see :class:`_Walk`). The two agree to rounding."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if _c_trees is not None:
            arrays, features_used = self._native_arrays()
            if X.shape[1] < features_used:
                raise ValueError(f"the trees read {features_used} features, X has {X.shape[1]}")
            return np.asarray(_c_trees.raw_predict(X, *arrays))
        walk = self._layout()
        n, n_features = X.shape
        n_trees = self.roots.shape[0]
        flat_x = X.ravel()
        missing = bool(np.isnan(flat_x).any())
        # The roots' features are known per tree: the first step reads whole columns.
        x = X.take(walk.feature.take(walk.roots), axis=1)
        go_right = x > walk.threshold.take(walk.roots)
        if missing:
            go_right = np.where(np.isnan(x), walk.missing_right.take(walk.roots), go_right)
        node = (walk.child.take(walk.roots) + go_right).ravel()
        row_start = np.repeat(np.arange(n, dtype=np.intp) * n_features, n_trees)
        # The pairs still walking: all of them at first, then those not yet at a leaf.
        current, starts, where = node, row_start, None
        for level in range(1, walk.depth):
            index = walk.feature.take(current)
            index += starts
            x = flat_x.take(index)
            go_right = x > walk.threshold.take(current)
            if missing:
                nan = np.isnan(x)
                go_right[nan] = walk.missing_right.take(current[nan])
            current = walk.child.take(current)
            current += go_right
            if level + 1 in _COMPACT_AFTER and level + 1 + _MIN_LEVELS_LEFT <= walk.depth:
                if where is None:
                    node = current
                    where = np.flatnonzero(walk.inner.take(current))
                else:
                    node[where] = current
                    where = where[walk.inner.take(current)]
                current, starts = node.take(where), row_start.take(where)
                if where.shape[0] == 0:
                    break
        if where is None:
            node = current
        elif where.shape[0]:
            node[where] = current
        leaves = walk.value.take(node).reshape(n, n_trees)
        return np.asarray(leaves @ self.tree_output + self.baseline)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if X.shape[0] == 0:
            return np.zeros((0, self.classes.shape[0]))
        return raw_to_proba(self.raw_predict(X))


def raw_to_proba(raw: np.ndarray) -> np.ndarray:
    """Class probabilities from a forest's raw scores (one logit column when binary)."""
    if raw.shape[1] == 1:  # binary: one logit
        positive = 1.0 / (1.0 + np.exp(-raw[:, 0]))
        return np.stack([1.0 - positive, positive], axis=1)
    shifted = raw - raw.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


#: One node of the C prediction's trees (``classifier/_trees.pyx``: ``Node``).
_NATIVE_NODE = np.dtype([("threshold", np.float64), ("feature", np.int32), ("child", np.int32)])

#: Levels after which the (block, tree) pairs that reached a leaf are dropped from the walk
#: (most pairs walk 4-8 levels; dropping costs about one level's work).
_COMPACT_AFTER = frozenset({5, 7, 9, 12, 16})
#: ... when this many levels are left at least (else walking all pairs is cheaper).
_MIN_LEVELS_LEFT = 3


class _Walk:
    """A :class:`TreeEnsemble`'s trees laid out for a level-by-level walk: nodes numbered
    breadth first, so that an inner node's right child follows its left one (``child``, then
    ``child + 1``), and every leaf loops to itself (threshold +inf). One step of all pairs is
    then ``node = child[node] + (x[feature[node]] > threshold[node])``; the predictions are
    exactly the trees' (NaN goes where the tree sends missing values).
    """

    def __init__(self, forest: TreeEnsemble) -> None:
        levels: list[np.ndarray] = []
        frontier = forest.roots.astype(np.intp)
        tree_of = np.zeros(forest.value.shape[0], dtype=np.intp)
        tree_of[frontier] = np.arange(frontier.shape[0])
        steps = np.zeros(frontier.shape[0], dtype=np.intp)
        while frontier.shape[0]:  # ends: every node has one parent (TreeEnsemble.validate)
            steps[tree_of[frontier]] = len(levels)
            levels.append(frontier)
            inner = frontier[~forest.is_leaf[frontier]]
            frontier = np.stack([forest.left[inner], forest.right[inner]], axis=1).ravel()
            tree_of[frontier] = np.repeat(tree_of[inner], 2)
        old = np.concatenate(levels)
        new_of_old = np.zeros(forest.value.shape[0], dtype=np.intp)
        new_of_old[old] = np.arange(old.shape[0])
        leaf = forest.is_leaf[old]
        self.depth = len(levels) - 1
        #: Per tree: the levels from its root to its deepest leaf.
        self.steps = steps
        self.roots = new_of_old[forest.roots]
        self.inner = ~leaf
        self.feature = np.where(leaf, 0, forest.feature[old]).astype(np.intp)
        self.threshold = np.where(leaf, np.inf, forest.threshold[old])
        self.missing_right = ~leaf & ~forest.missing_left[old]
        self.child = np.where(leaf, np.arange(old.shape[0]), new_of_old[forest.left[old]])
        self.value = forest.value[old]


def _context_width(page: PageFeatures) -> int:
    """Columns of ``_context_features`` for ``page`` (probabilities of every label)."""
    k, levels = len(LABELS), page.ancestor_groups.shape[1]
    return k * (1 + len(_CONTEXT_OFFSETS) + len(_WINDOWS)) + levels * (k + 1) + 2


def _context_features(page: PageFeatures, probs: np.ndarray,
                      out: np.ndarray | None = None) -> np.ndarray:
    """Stage 2 inputs: neighbours', window, container and ancestor-group probabilities
    (``probs`` has a column for every label), into ``out`` when given."""
    n, k = probs.shape
    levels = page.ancestor_groups.shape[1]
    # Filled column block by column block: one array, no stacking of pieces.
    if out is None:
        out = np.empty((n, _context_width(page)))
    out[:, :k] = probs
    at = k
    for offset in _CONTEXT_OFFSETS:
        shifted = out[:, at:at + k]
        shifted[:] = -1.0
        if offset < 0 and n > -offset:
            shifted[-offset:] = probs[:offset]
        elif offset > 0 and n > offset:
            shifted[:-offset] = probs[offset:]
        at += k
    weights = np.log1p(page.lengths.astype(float))
    weighted = probs * weights[:, None]
    cum_w = np.zeros((n + 1, k))
    np.cumsum(weighted, axis=0, out=cum_w[1:])
    cum_n = np.zeros(n + 1)
    np.cumsum(weights, out=cum_n[1:])
    index = np.arange(n)
    for window in _WINDOWS:
        lo = np.clip(index - window, 0, n)
        hi = np.clip(index + window + 1, 0, n)
        out[:, at:at + k] = ((cum_w[hi] - cum_w[lo])
                             / np.maximum(cum_n[hi] - cum_n[lo], 1e-6)[:, None])
        at += k
    for level in range(levels):
        _group_mean(page.ancestor_groups[:, level], weighted, weights, out[:, at:at + k + 1])
        at += k + 1
    content = probs[:, 0] * page.lengths
    total = max(float(content.sum()), 1e-6)
    before = np.cumsum(content) - content
    out[:, at] = before / total
    out[:, at + 1] = (total - before - content) / total
    return out


def _group_mean(keys: np.ndarray, weighted: np.ndarray, weights: np.ndarray,
                out: np.ndarray) -> None:
    """Into ``out``: per row, the weighted mean of ``weighted`` over the rows sharing its
    key, then log(1 + how many rows share it)."""
    inverse, counts = groups_of(keys)
    groups = counts.shape[0]
    # bincount adds in row order, as a running sum would: the same sums to the last bit.
    totals = np.maximum(np.bincount(inverse, weights, groups), 1e-6)
    for column in range(weighted.shape[1]):
        out[:, column] = (np.bincount(inverse, weighted[:, column], groups) / totals)[inverse]
    out[:, -1] = np.log1p(counts)[inverse]


# --- files -----------------------------------------------------------------------------------

def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """``models/x.skops`` -> ``models/x.json``."""
    return Path(path).with_suffix(".json")


def default_model_path() -> Path:
    """``$NEWSCRAWL_MODEL`` if set, else the shipped ``models/newscrawl-blocks.skops``."""
    env = os.environ.get(MODEL_ENV_VAR)
    return Path(env) if env else _MODELS_DIR / DEFAULT_MODEL_FILENAME


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    import platform

    import lxml.etree
    import sklearn
    import skops

    return {"python": platform.python_version(), "sklearn": sklearn.__version__,
            "numpy": np.__version__, "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
            "skops": skops.__version__}


def save_model(model: BlockModel, path: str | os.PathLike[str],
               sidecar: Mapping[str, Any]) -> Path:
    """Write ``model`` with skops and its sidecar ``<path>.json`` (hash and versions added)."""
    import skops.io as sio

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    sio.dump(model, tmp)
    os.replace(tmp, out)
    sha = _sha256(out)
    data = dict(sidecar)
    data.update({"format": 1, "file": out.name, "sha256": sha, "bytes": out.stat().st_size,
                 "versions": library_versions(),
                 "model_version": data.get("model_version") or f"blocks-{sha[:12]}"})
    side = sidecar_path(out)
    side.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n",
                    encoding="utf-8")
    return out


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def checked_sidecar(file: Path, kind: str) -> dict[str, Any]:
    """The JSON sidecar of ``file`` once the file exists, is not too large, has the SHA-256 the
    sidecar records and was made for this code's block features; else :class:`ModelError`."""
    if not file.is_file():
        raise ModelError(file, f"no such {kind} file")
    size = file.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise ModelError(file, f"file too large ({size} bytes)")
    side = sidecar_path(file)
    try:
        sidecar = json.loads(side.read_text(encoding="utf-8"))
        if not isinstance(sidecar, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        raise ModelError(file, f"missing or unreadable sidecar {side.name}: {exc}") from None
    if sidecar.get("sha256") != _sha256(file):
        raise ModelError(file, "SHA-256 does not match the sidecar: file corrupt or tampered")
    features = sidecar.get("feature_version")
    if features is not None and features != FEATURE_VERSION:
        raise ModelError(file, f"made for block features version {features}, this code computes "
                               f"version {FEATURE_VERSION}; retrain the model")
    return sidecar


def load_model(path: str | os.PathLike[str] | None = None) -> BlockModel:
    """Load a model after checking its sidecar, hash, library version and contained types."""
    import sklearn
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    file = Path(path) if path is not None else default_model_path()
    sidecar = checked_sidecar(file, "model")
    trained = str(sidecar.get("versions", {}).get("sklearn", "?"))
    if _major_minor(trained) != _major_minor(sklearn.__version__):
        raise ModelError(file, f"trained with scikit-learn {trained}, incompatible with "
                               f"installed {sklearn.__version__}; retrain the model")
    try:
        # Loading with only our own list: any other type in the file makes skops refuse it.
        model = sio.load(file, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        raise ModelError(file, f"untrusted types in file: {exc}") from None
    except Exception as exc:
        raise ModelError(file, f"corrupt skops file: {type(exc).__name__}: {exc}") from None
    if not isinstance(model, BlockModel) or not isinstance(getattr(model, "stage1_", None),
                                                           TreeEnsemble):
        raise ModelError(file, f"not a fitted BlockModel but {type(model).__name__}")
    members = getattr(model, "members_", ())
    if not isinstance(members, tuple) or not all(
            isinstance(m, BlockModel) and isinstance(getattr(m, "stage1_", None), TreeEnsemble)
            and not getattr(m, "members_", ()) for m in members):
        raise ModelError(file, "members_ must be fitted BlockModels without members")
    try:
        for part in (model, *members):
            for forest in (part.stage1_, part.stage2_):
                if forest is not None:
                    forest.validate()
    except (ValueError, AttributeError, TypeError) as exc:
        raise ModelError(file, f"corrupt trees: {exc}") from None
    model.model_version_ = str(sidecar.get("model_version") or sidecar["sha256"][:12])
    return model


def model_version(model: BlockModel) -> str | None:
    return getattr(model, "model_version_", None)


def default_model() -> BlockModel:
    """The default model, loaded once per process (raises :class:`ModelError`)."""
    path = str(default_model_path())
    model = _DEFAULT.get(path)
    if model is None:
        with _DEFAULT_LOCK:
            model = _DEFAULT.get(path)
            if model is None:
                model = load_model(path)
                _DEFAULT[path] = model
    return model
