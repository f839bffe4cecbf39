"""Model files: round trip, and refusal of tampered, corrupt, untrusted or incompatible ones."""

from __future__ import annotations

import json
import pickle
from collections import OrderedDict
from pathlib import Path

import numpy as np
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


def test_other_feature_version_refused(saved_model):
    from classifier.features import FEATURE_VERSION

    side = sidecar_path(saved_model)
    data = json.loads(side.read_text())
    data["feature_version"] = FEATURE_VERSION - 1
    side.write_text(json.dumps(data))
    with pytest.raises(ModelError, match=r"features version .*retrain") as error:
        load_model(saved_model)
    assert str(saved_model) in str(error.value)


def test_not_a_block_model(saved_model):
    sio.dump({"a": 1}, saved_model)
    _rehash(saved_model)
    with pytest.raises(ModelError, match="not a fitted BlockModel"):
        load_model(saved_model)


@pytest.mark.parametrize(("n_classes", "max_depth", "missing"),
                         [(2, None, True), (4, None, True), (4, None, False), (3, 4, True)])
def test_tree_ensemble_matches_sklearn(n_classes, max_depth, missing):
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from classifier.model import TreeEnsemble

    rng = np.random.default_rng(0)
    X = rng.random((3000, 8))
    X[rng.random(X.shape) < 0.05] = np.nan
    # A label that needs deep trees (many pairs walk past the levels where leaves are dropped).
    y = (np.nan_to_num(X[:, 0] * 7 + X[:, 1] * 5, nan=1.0).astype(int) + (X[:, 2] > 0.5)) \
        % n_classes
    booster = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=63, max_depth=max_depth,
                                             random_state=0).fit(X, y)
    test = rng.random((400, 8))
    if missing:
        test[rng.random(test.shape) < 0.1] = np.nan
    forest = TreeEnsemble(booster)
    forest.validate()
    assert np.allclose(forest.predict_proba(test), booster.predict_proba(test))
    assert np.allclose(forest.predict_proba(test[:1]), booster.predict_proba(test[:1]))


def test_walk_cache_not_saved(saved_model, tiny_model, tmp_path):
    from classifier import save_model
    from classifier.features import page_features
    from classifier.segmentation import segment
    from tests.classifier.conftest import training_page

    page = page_features(segment(training_page(5)[0]))
    before = tiny_model.predict_page(page)  # builds the walk layout
    assert "_walk" not in tiny_model.stage1_.__getstate__()
    again = load_model(save_model(tiny_model, tmp_path / "again.skops", {"note": "test"}))
    assert np.array_equal(again.predict_page(page), before)


def test_crafted_shared_nodes_refused(saved_model):
    model = load_model(saved_model)
    forest = model.stage1_
    inner = np.flatnonzero(~forest.is_leaf)
    last = forest.is_leaf.shape[0] - 1
    # Inner nodes pointing at one child (indices still in range): a graph, not a forest,
    # whose breadth-first layout could grow exponentially.
    forest.right[inner[:2]] = last
    sio.dump(model, saved_model)
    _rehash(saved_model)
    with pytest.raises(ModelError, match="corrupt trees: tree nodes shared"):
        load_model(saved_model)


def test_crafted_tree_indices_refused(saved_model):
    model = load_model(saved_model)
    inner = ~model.stage1_.is_leaf
    model.stage1_.left[inner.argmax()] = 10**9
    sio.dump(model, saved_model)
    _rehash(saved_model)
    with pytest.raises(ModelError, match="corrupt trees"):
        load_model(saved_model)

