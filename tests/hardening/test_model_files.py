"""Hostile or broken model files are refused with a ModelError naming the file and the reason,
and nothing in them is ever executed."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio

from classifier import Article, extract
from classifier.model import BlockModel, ModelError, load_model, save_model, sidecar_path


class _Exploit:
    """Unpickling this would create a marker file: the proof that pickle ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


class NotTrustedThing:
    def __init__(self) -> None:
        self.value = 1


def copy_model(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / src.name
    shutil.copy(src, dst)
    shutil.copy(sidecar_path(src), sidecar_path(dst))
    return dst


def rewrite_sidecar(path: Path, **changes) -> None:
    side = sidecar_path(path)
    data = json.loads(side.read_text())
    data.update(changes)
    side.write_text(json.dumps(data))


def refused(path: Path, reason_part: str) -> ModelError:
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert str(path) in str(info.value)
    assert reason_part.lower() in info.value.reason.lower(), info.value.reason
    return info.value


def sha256(path: Path) -> str:
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_good_file_loads(tiny_model_file: Path) -> None:
    model = load_model(tiny_model_file)
    assert isinstance(model, BlockModel) and hasattr(model, "stage1_")


def test_pickle_renamed_skops_is_refused_and_never_run(tiny_model_file: Path,
                                                       tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = copy_model(tiny_model_file, tmp_path)
    path.write_bytes(pickle.dumps(_Exploit(marker)))
    rewrite_sidecar(path, sha256=sha256(path))  # the attacker controls the sidecar too
    refused(path, "corrupt skops file")
    assert not marker.exists()


def test_tampered_file_fails_the_hash(tiny_model_file: Path, tmp_path: Path) -> None:
    path = copy_model(tiny_model_file, tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    refused(path, "does not match the sidecar")


def test_truncated_file_with_a_matching_hash_is_refused(tiny_model_file: Path,
                                                        tmp_path: Path) -> None:
    path = copy_model(tiny_model_file, tmp_path)
    path.write_bytes(path.read_bytes()[:200])
    rewrite_sidecar(path, sha256=sha256(path))
    refused(path, "corrupt")


def test_unknown_type_inside_is_refused(tiny_model: BlockModel, tmp_path: Path) -> None:
    from sklearn.base import clone

    model = clone(tiny_model)
    model.__dict__.update(tiny_model.__dict__)
    model.extra_ = NotTrustedThing()
    path = save_model(model, tmp_path / "unknown.skops", {})
    error = refused(path, "untrusted types")
    assert "NotTrustedThing" in error.reason


def test_model_of_the_wrong_class_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "array.skops"
    sio.dump(np.arange(3), path)
    (sidecar_path(path)).write_text(json.dumps({
        "sha256": sha256(path), "versions": {"sklearn": __import__("sklearn").__version__}}))
    refused(path, "not a fitted BlockModel")


@pytest.mark.parametrize("version", ["0.24.2", "1.0", "99.1.0", "", "garbage"])
def test_incompatible_scikit_learn_release_is_refused(tiny_model_file: Path, tmp_path: Path,
                                                      version: str) -> None:
    path = copy_model(tiny_model_file, tmp_path)
    rewrite_sidecar(path, versions={"sklearn": version})
    refused(path, "incompatible")


@pytest.mark.parametrize("sidecar", [None, "", "{not json", "[1, 2]", '"a string"'])
def test_missing_or_broken_sidecar_is_refused(tiny_model_file: Path, tmp_path: Path,
                                              sidecar: str | None) -> None:
    path = copy_model(tiny_model_file, tmp_path)
    if sidecar is None:
        sidecar_path(path).unlink()
    else:
        sidecar_path(path).write_text(sidecar)
    refused(path, "sidecar")


def test_sidecar_without_versions_is_refused(tiny_model_file: Path, tmp_path: Path) -> None:
    path = copy_model(tiny_model_file, tmp_path)
    side = sidecar_path(path)
    data = json.loads(side.read_text())
    del data["versions"]
    side.write_text(json.dumps(data))
    refused(path, "incompatible")


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    from classifier.constants import MAX_MODEL_BYTES

    path = tmp_path / "huge.skops"
    with path.open("wb") as handle:
        handle.truncate(MAX_MODEL_BYTES + 1)  # sparse: costs no disk
    refused(path, "too large")


def test_missing_file_is_refused(tmp_path: Path) -> None:
    refused(tmp_path / "nope.skops", "no such model file")


def test_directory_as_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.skops").mkdir()
    refused(tmp_path / "dir.skops", "no such model file")


def test_extract_with_a_broken_default_model_reports_it(tmp_path: Path, monkeypatch) -> None:
    """A broken model never crashes extraction: an empty article says why."""
    import classifier.extraction as extraction
    import classifier.model as model_module

    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("NEWSCRAWL_MODEL", os.fspath(bad))
    monkeypatch.setattr(model_module, "_DEFAULT", {})
    monkeypatch.setattr(extraction, "_model_failure", [])
    article = extract("<html><body><p>Some words of a page.</p></body></html>")
    assert isinstance(article, Article)
    assert article.body == ""
    assert any(w.startswith("model-error") for w in article.warnings), article.warnings


def test_crafted_members_are_refused(tiny_model: BlockModel, tmp_path: Path) -> None:
    """An ensemble's members are checked like the model itself: fitted BlockModels with
    sound trees, nothing else."""
    import copy

    model = copy.deepcopy(tiny_model)
    model.members_ = ("not a model",)  # type: ignore[assignment]
    refused(save_model(model, tmp_path / "str.skops", {}), "members_")
    member = copy.deepcopy(tiny_model)
    inner = np.flatnonzero(~member.stage1_.is_leaf)
    member.stage1_.left[inner[0]] = 10**9
    model.members_ = (member,)
    refused(save_model(model, tmp_path / "trees.skops", {}), "corrupt trees")
    nested = copy.deepcopy(tiny_model)
    nested.members_ = (copy.deepcopy(tiny_model),)
    model.members_ = (nested,)  # members are single models: nothing hides below them
    refused(save_model(model, tmp_path / "nested.skops", {}), "without members")
    model.members_ = (copy.deepcopy(tiny_model),)
    assert len(load_model(save_model(model, tmp_path / "ok.skops", {})).members_) == 1


@pytest.mark.parametrize("damage", ["child-out-of-range", "child-points-back", "root-out-of-range",
                                    "shape-mismatch"])
def test_crafted_trees_are_refused(tiny_model: BlockModel, tmp_path: Path, damage: str) -> None:
    """A file with a valid hash (the attacker wrote the sidecar too) but trees whose indices
    point outside the node arrays must be refused at load, not crash at predict."""
    import copy

    model = copy.deepcopy(tiny_model)
    forest = model.stage1_
    if not hasattr(forest, "validate"):
        pytest.skip("the model stores scikit-learn trees, not flat arrays")
    inner = np.flatnonzero(~forest.is_leaf)
    assert inner.size, "the tiny model has no split to damage"
    if damage == "child-out-of-range":
        forest.left[inner[0]] = 10**9
    elif damage == "child-points-back":
        forest.right[inner[-1]] = 0
    elif damage == "root-out-of-range":
        forest.roots[0] = -5
    else:
        forest.threshold = forest.threshold[:-1]
    path = save_model(model, tmp_path / f"{damage}.skops", {})
    refused(path, "corrupt trees")
