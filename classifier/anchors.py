"""Anchor pages for fine-tuning, shipped as block features.

Fine-tuning (:meth:`~classifier.model.BlockModel.fine_tuned`) holds the base model's
predictions on *anchor* pages while it learns the user's pages. With the base model's own
training corpora at hand (``../shared/corpora``) those are the anchors; most users do not have
them, and the repository's 54 fixtures alone are too few (in the walkthrough, fine-tuning with
only them as anchors broke 76 blocks of held-out sites). So a sample of the corpus pages is
shipped as what fine-tuning needs of them: each page's feature matrix and second-stage
structure, numbers only (hashed class tokens, text statistics), no text or markup.

The file is a NumPy ``.npz`` read with ``allow_pickle=False``, next to a JSON sidecar with its
SHA-256, the feature version and the pages' provenance; anything that does not check out is
refused with :class:`~classifier.model.ModelError` naming the file.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classifier.features import FEATURE_VERSION, PageFeatures, feature_names
from classifier.model import ModelError, _sha256, checked_sidecar, sidecar_path

__all__ = ["ANCHORS_FILENAME", "default_anchors_path", "load_anchors", "save_anchors"]

ANCHORS_FILENAME = "newscrawl-anchors.npz"
_ARRAYS = ("X", "containers", "lengths", "ancestor_groups", "page_rows")


def default_anchors_path() -> Path:
    """The shipped anchor set, ``models/newscrawl-anchors.npz``."""
    return Path(__file__).resolve().parent.parent / "models" / ANCHORS_FILENAME


def save_anchors(pages: Sequence[PageFeatures], path: str | os.PathLike[str],
                 provenance: Mapping[str, Any]) -> Path:
    """Write ``pages`` (their features, no text) and a sidecar recording ``provenance``."""
    if not pages:
        raise ValueError("no anchor pages")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    arrays = {"X": np.vstack([p.X for p in pages]).astype(np.float32),
              "containers": np.concatenate([p.containers for p in pages]).astype(np.int64),
              "lengths": np.concatenate([p.lengths for p in pages]).astype(np.float32),
              "ancestor_groups": np.vstack([p.ancestor_groups for p in pages]).astype(np.int64),
              "page_rows": np.array([p.X.shape[0] for p in pages], dtype=np.int64)}
    # An .npz that np.load reads, but LZMA-compressed and column by column (a column's values
    # repeat): 1.3 MB for the shipped set instead of 2.9 MB with np.savez_compressed, lossless.
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_LZMA) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.asfortranarray(array), allow_pickle=False)
            archive.writestr(f"{name}.npy", buffer.getvalue())
    os.replace(tmp, out)
    sidecar = {**provenance, "file": out.name, "sha256": _sha256(out),
               "feature_version": FEATURE_VERSION, "n_features": len(feature_names()),
               "pages": len(pages), "blocks": int(sum(p.X.shape[0] for p in pages))}
    sidecar_path(out).write_text(json.dumps(sidecar, indent=2, sort_keys=True) + "\n",
                                 encoding="utf-8")
    return out


def load_anchors(path: str | os.PathLike[str] | None = None) -> list[PageFeatures]:
    """The anchor pages of ``path`` (default: the shipped set), checked against the sidecar's
    hash and this code's feature version."""
    file = Path(path) if path is not None else default_anchors_path()
    sidecar = checked_sidecar(file, "anchor")
    if sidecar.get("feature_version") is None:
        raise ModelError(file, "the sidecar records no block features version")
    try:
        with np.load(file, allow_pickle=False) as data:
            arrays = {name: data[name] for name in _ARRAYS}
    except Exception as exc:
        raise ModelError(file, f"corrupt anchor file: {type(exc).__name__}: {exc}") from None
    return _pages(file, arrays)


def _pages(file: Path, arrays: dict[str, np.ndarray]) -> list[PageFeatures]:
    X, rows = arrays["X"], arrays["page_rows"]
    n = X.shape[0] if X.ndim == 2 else -1
    if (n < 0 or X.shape[1] != len(feature_names()) or rows.ndim != 1 or np.any(rows < 0)
            or int(rows.sum()) != n or arrays["containers"].shape != (n,)
            or arrays["lengths"].shape != (n,) or arrays["ancestor_groups"].ndim != 2
            or arrays["ancestor_groups"].shape[0] != n):
        raise ModelError(file, "anchor arrays do not fit together")
    bounds = np.concatenate([[0], np.cumsum(rows)])
    return [PageFeatures(X[a:b], arrays["containers"][a:b], arrays["lengths"][a:b],
                         arrays["ancestor_groups"][a:b])
            for a, b in itertools.pairwise(bounds)]
