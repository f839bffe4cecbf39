"""The fine-tuning anchor set: features only, checked on load."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from classifier import ModelError
from classifier.anchors import default_anchors_path, load_anchors, save_anchors
from classifier.features import FEATURE_VERSION, feature_names, page_features
from classifier.model import sidecar_path
from classifier.segmentation import segment
from tests.classifier.conftest import training_page


@pytest.fixture()
def anchor_file(tmp_path):
    pages = [page_features(segment(training_page(n)[0])) for n in range(3)]
    return save_anchors(pages, tmp_path / "a.npz", {"note": "test"}), pages


def test_round_trip(anchor_file):
    path, pages = anchor_file
    loaded = load_anchors(path)
    assert len(loaded) == len(pages)
    for got, want in zip(loaded, pages, strict=True):
        for name in ("X", "containers", "lengths", "ancestor_groups"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name))
    side = json.loads(sidecar_path(path).read_text())
    assert side["note"] == "test" and side["pages"] == 3
    assert side["feature_version"] == FEATURE_VERSION


def test_tampered_file_refused(anchor_file):
    path, _ = anchor_file
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ModelError, match="SHA-256") as error:
        load_anchors(path)
    assert str(path) in str(error.value)


def test_other_feature_version_refused(anchor_file):
    path, _ = anchor_file
    side = json.loads(sidecar_path(path).read_text())
    side["feature_version"] = FEATURE_VERSION + 1
    sidecar_path(path).write_text(json.dumps(side))
    with pytest.raises(ModelError, match="features version"):
        load_anchors(path)


def _crafted(template, path, **arrays):
    """A crafted ``.npz`` at ``path`` with a sidecar whose hash matches it."""
    np.savez(path, **arrays)
    side = json.loads(sidecar_path(template).read_text())
    side["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    sidecar_path(path).write_text(json.dumps(side))
    return path


def test_arrays_that_do_not_fit_refused(anchor_file, tmp_path):
    bad = _crafted(anchor_file[0], tmp_path / "bad.npz",
                   X=np.zeros((5, len(feature_names())), dtype=np.float32),
                   containers=np.zeros(5, dtype=np.int64), lengths=np.zeros(5, dtype=np.float32),
                   ancestor_groups=np.zeros((5, 3), dtype=np.int64),
                   page_rows=np.array([2, 2], dtype=np.int64))  # 4 rows announced, 5 stored
    with pytest.raises(ModelError, match="do not fit"):
        load_anchors(bad)


def test_pickled_arrays_refused(anchor_file, tmp_path):
    evil = _crafted(anchor_file[0], tmp_path / "evil.npz", X=np.array([object()], dtype=object))
    with pytest.raises(ModelError, match="corrupt anchor file"):
        load_anchors(evil)


def test_shipped_anchor_set_loads_and_is_permissive():
    pages = load_anchors(default_anchors_path())
    assert len(pages) >= 100
    assert all(p.X.shape[1] == len(feature_names()) for p in pages)
    side = json.loads(sidecar_path(default_anchors_path()).read_text())
    assert set(side["training_data"]) <= {"fundus", "readability", "fixtures"}
