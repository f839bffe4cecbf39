# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Raw scores of a ``model.TreeEnsemble`` in C: each (block, tree) pair walked to its leaf.

The trees come laid out as ``model._Walk`` lays them out: nodes breadth first, a right child
right after its left one, every leaf its own child. A walk is then a fixed number of
branch-free steps, and sixteen trees are walked side by side for one block, so that the
processor overlaps their memory reads instead of waiting on each in turn. The sums run in
tree order from the baseline, as scikit-learn's own prediction adds them, so the scores are
scikit-learn's to the last bit; the numpy walk in ``model`` is the fallback when this
module is not built.
"""

cimport numpy as cnp
import numpy as np

cnp.import_array()

ctypedef cnp.intp_t intp

cdef enum:
    LANES = 16  # trees walked side by side


cdef packed struct Node:
    double threshold    # a leaf's is +inf: its walk stays put
    cnp.int32_t feature  # feature index * 2, + 1 when a missing value (NaN) goes right
    cnp.int32_t child    # the left child; the right one is child + 1; a leaf's is itself


cdef inline intp _step(const Node* nodes, const double* row, intp at,
                       bint missing) noexcept nogil:
    cdef const Node* node = nodes + at
    cdef double x = row[node.feature >> 1]
    if missing:
        return node.child + ((x > node.threshold) | ((x != x) & (node.feature & 1)))
    return node.child + (x > node.threshold)


cdef inline void _walk_lanes(const Node* nodes, const double* row, intp* at, Py_ssize_t depth,
                             bint missing) noexcept nogil:
    """``LANES`` trees walked ``depth`` steps side by side; inlined with ``missing`` known,
    so the rows without a missing value (all of them, in practice) skip its test."""
    cdef Py_ssize_t s
    for s in range(depth):  # a shallower tree idles at its leaf
        at[0] = _step(nodes, row, at[0], missing)
        at[1] = _step(nodes, row, at[1], missing)
        at[2] = _step(nodes, row, at[2], missing)
        at[3] = _step(nodes, row, at[3], missing)
        at[4] = _step(nodes, row, at[4], missing)
        at[5] = _step(nodes, row, at[5], missing)
        at[6] = _step(nodes, row, at[6], missing)
        at[7] = _step(nodes, row, at[7], missing)
        at[8] = _step(nodes, row, at[8], missing)
        at[9] = _step(nodes, row, at[9], missing)
        at[10] = _step(nodes, row, at[10], missing)
        at[11] = _step(nodes, row, at[11], missing)
        at[12] = _step(nodes, row, at[12], missing)
        at[13] = _step(nodes, row, at[13], missing)
        at[14] = _step(nodes, row, at[14], missing)
        at[15] = _step(nodes, row, at[15], missing)


cdef inline bint _has_missing(const double* row, Py_ssize_t width) noexcept nogil:
    cdef Py_ssize_t c
    for c in range(width):
        if row[c] != row[c]:
            return True
    return False


def raw_predict(const double[:, ::1] X, const Node[::1] nodes, const double[::1] value,
                const intp[::1] roots, const intp[::1] steps, const intp[::1] column,
                const double[::1] baseline):
    """Raw scores (rows of ``X`` x outputs). ``nodes`` as above (``model._Walk`` has
    checked that they form trees), ``value`` per node, per tree its ``roots``, the ``steps``
    from root to its deepest leaf and the output ``column`` it adds to."""
    cdef Py_ssize_t n = X.shape[0], n_out = baseline.shape[0], n_trees = roots.shape[0]
    out_array = np.empty((n, n_out), dtype=np.float64)
    if n == 0 or nodes.shape[0] == 0:
        out_array[:] = np.asarray(baseline)
        return out_array
    cdef double[:, ::1] out = out_array
    cdef Py_ssize_t r, k, t, s, j, depth, width = X.shape[1]
    cdef bint missing
    cdef intp at[LANES]
    cdef const Node* tree_nodes = &nodes[0]
    cdef const double* row
    with nogil:
        for r in range(n):
            row = &X[r, 0]
            missing = _has_missing(row, width)
            for k in range(n_out):
                out[r, k] = baseline[k]
            t = 0
            while t + LANES <= n_trees:
                depth = 0
                for j in range(LANES):
                    at[j] = roots[t + j]
                    if steps[t + j] > depth:
                        depth = steps[t + j]
                # two inlined copies: the test for a missing value costs a third of the time
                if missing:
                    _walk_lanes(tree_nodes, row, at, depth, True)
                else:
                    _walk_lanes(tree_nodes, row, at, depth, False)
                for j in range(LANES):
                    out[r, column[t + j]] += value[at[j]]
                t += LANES
            while t < n_trees:
                at[0] = roots[t]
                for s in range(steps[t]):
                    at[0] = _step(tree_nodes, row, at[0], missing)
                out[r, column[t]] += value[at[0]]
                t += 1
    return out_array
