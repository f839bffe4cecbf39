# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Raw scores of a ``model.TreeEnsemble`` in C: each (block, tree) pair walked to its leaf.

The sums run in tree order from the baseline, as scikit-learn's own prediction adds them,
so the scores are scikit-learn's to the last bit; the numpy walk in ``model`` is the
fallback when this module is not built.
"""

cimport numpy as cnp
import numpy as np

cnp.import_array()

ctypedef cnp.intp_t intp


def raw_predict(const double[:, ::1] X, const intp[::1] feature, const double[::1] threshold,
                const cnp.uint8_t[::1] missing_left, const intp[::1] left,
                const intp[::1] right, const cnp.uint8_t[::1] is_leaf,
                const double[::1] value, const intp[::1] roots, const intp[::1] column,
                const double[::1] baseline):
    """Raw scores (rows of ``X`` x outputs). Node arrays as ``TreeEnsemble`` holds them
    (``TreeEnsemble.validate`` has checked that they form trees); ``column``: the output
    each tree adds to."""
    cdef Py_ssize_t n = X.shape[0], n_out = baseline.shape[0], n_trees = roots.shape[0]
    out_array = np.empty((n, n_out), dtype=np.float64)
    cdef double[:, ::1] out = out_array
    cdef Py_ssize_t r, k, t, col
    cdef intp node, root
    cdef double x
    with nogil:
        for r in range(n):
            for k in range(n_out):
                out[r, k] = baseline[k]
        for t in range(n_trees):
            root = roots[t]
            col = column[t]
            for r in range(n):
                node = root
                while not is_leaf[node]:
                    x = X[r, feature[node]]
                    if x != x:  # NaN: where the tree sends missing values
                        node = left[node] if missing_left[node] else right[node]
                    elif x <= threshold[node]:
                        node = left[node]
                    else:
                        node = right[node]
                out[r, col] += value[node]
    return out_array

