"""Model files: round trip, and refusal of tampered, corrupt, untrusted or incompatible ones."""

from __future__ import annotations

import json
import pickle
from collections import OrderedDict
from pathlib import Path

import pytest
import skops.io as sio

from classifier import ModelError, load_model
from classifier.model import _sha256, sidecar_path


def _rehash(path: Path) -> None:
    side = sidecar_path(path)
    data = json.loads(side.read_text())
    data["sha256"] = _sha256(path)
    side.write_text(json.dumps(data))


def test_round_trip(saved_model, tiny_model):
    from classifier.features import page_features
    from classifier.segmentation import segment
    from tests.classifier.conftest import training_page

    loaded = load_model(saved_model)
    page = page_features(segment(training_page(99)[0]))
    assert (loaded.predict_page(page) == tiny_model.predict_page(page)).all()
    side = json.loads(sidecar_path(saved_model).read_text())
    assert side["note"] == "test" and side["versions"]["sklearn"]
    assert loaded.model_version_ == side["model_version"]


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "nope.skops")


def test_missing_sidecar(saved_model):
    sidecar_path(saved_model).unlink()
    with pytest.raises(ModelError, match="sidecar") as info:
        load_model(saved_model)
    assert str(saved_model) in str(info.value)


def test_tampered_file(saved_model):
    data = bytearray(saved_model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    saved_model.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="tampered") as info:
        load_model(saved_model)
    assert info.value.path == str(saved_model)


def test_corrupt_file_with_matching_hash(saved_model):
    saved_model.write_bytes(b"this is not a zip archive")
    _rehash(saved_model)
    with pytest.raises(ModelError, match="corrupt"):
        load_model(saved_model)


def test_pickle_renamed_refused(saved_model, tiny_model):
    saved_model.write_bytes(pickle.dumps(tiny_model))
    _rehash(saved_model)
    with pytest.raises(ModelError, match="corrupt"):
        load_model(saved_model)


def test_untrusted_type_refused(saved_model, tiny_model):
    tiny_model.extra_ = OrderedDict(x=Path("/etc/passwd"))
    try:
        sio.dump(tiny_model, saved_model)
    finally:
        del tiny_model.extra_
    _rehash(saved_model)
    with pytest.raises(ModelError, match="untrusted types"):
        load_model(saved_model)


def test_incompatible_sklearn_version(saved_model):
    side = sidecar_path(saved_model)
    data = json.loads(side.read_text())
    data["versions"]["sklearn"] = "0.24.2"
    side.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="incompatible"):
        load_model(saved_model)


def test_not_a_block_model(saved_model):
    sio.dump({"a": 1}, saved_model)
    _rehash(saved_model)
    with pytest.raises(ModelError, match="not a fitted BlockModel"):
        load_model(saved_model)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_tree_ensemble_matches_sklearn(n_classes):
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from classifier.model import TreeEnsemble

    rng = np.random.default_rng(0)
    X = rng.random((600, 8))
    X[rng.random(X.shape) < 0.05] = np.nan
    y = np.nan_to_num(X[:, 0] * n_classes, nan=1.0).astype(int).clip(0, n_classes - 1)
    booster = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    test = rng.random((50, 8))
    test[rng.random(test.shape) < 0.1] = np.nan
    assert np.allclose(TreeEnsemble(booster).predict_proba(test), booster.predict_proba(test))


def test_crafted_tree_indices_refused(saved_model):
    model = load_model(saved_model)
    inner = ~model.stage1_.is_leaf
    model.stage1_.left[inner.argmax()] = 10**9
    sio.dump(model, saved_model)
    _rehash(saved_model)
    with pytest.raises(ModelError, match="corrupt trees"):
        load_model(saved_model)
