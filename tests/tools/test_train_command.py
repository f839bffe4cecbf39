"""``scrapy train``: seeded, reproducible retraining with sidecar and model card."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from classifier import extract, load_model
from crawler.labelling.cli import SHIPPED_MODEL
from tests.tools.conftest import run_scrapy
from tests.tools.pages import article_html

_QUICK = ("--cv-folds", "0", "--max-iter", "10", "--quiet", "--threads", "1")


def _scores(model_path: Path, html: str) -> np.ndarray:
    article = extract(html, model=load_model(model_path))
    return np.array([[b.scores[k] for k in sorted(b.scores)] for b in article.blocks])


def test_train_writes_model_sidecar_and_card_reproducibly(tmp_path: Path,
                                                          fixture_dir: Path) -> None:
    first, second = tmp_path / "a.skops", tmp_path / "b.skops"
    assert run_scrapy("train", str(fixture_dir), "-o", str(first), "--seed", "7", *_QUICK,
                      "--base-model", str(tmp_path / "none.skops")) == 0
    assert run_scrapy("train", str(fixture_dir), "-o", str(second), "--seed", "7", *_QUICK,
                      "--base-model", str(tmp_path / "none.skops")) == 0
    sidecar = json.loads(first.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["seed"] == 7 and sidecar["trained_by"] == "scrapy train"
    assert sidecar["training_data"]["fixtures"]["pages"] == 6
    assert sidecar["user_fixtures"] == [str(fixture_dir)]
    card = first.with_suffix(".md").read_text(encoding="utf-8")
    assert "| fixtures | 6 |" in card
    page = article_html("gazette", 9)
    np.testing.assert_array_equal(_scores(first, page), _scores(second, page))


def test_train_refuses_to_overwrite_the_shipped_model(fixture_dir: Path) -> None:
    existed = SHIPPED_MODEL.exists()
    before = SHIPPED_MODEL.read_bytes() if existed else None
    assert run_scrapy("train", str(fixture_dir), "-o", str(SHIPPED_MODEL), *_QUICK) == 2
    assert SHIPPED_MODEL.exists() == existed
    if existed:
        assert SHIPPED_MODEL.read_bytes() == before


def test_train_base_adds_the_base_models_data(tmp_path: Path, fixture_dir: Path,
                                              tiny_corpus: Path) -> None:
    base = tmp_path / "base.skops"  # only its sidecar is read: data sources and parameters
    base.with_suffix(".json").write_text(json.dumps({
        "seed": 3, "model_version": "base-test",
        "model_params": {"max_iter": 10, "min_samples_leaf": 2, "random_state": 3},
        "training_data": {"readability": {"pages": 3}},
    }), encoding="utf-8")
    out = tmp_path / "mine.skops"
    code = run_scrapy("train", str(fixture_dir / "blogpress"), "--base", "--base-model",
                      str(base), "--corpora", str(tiny_corpus.parent), "--repeat", "2",
                      "--cache-dir", str(tmp_path / "cache"), "-o", str(out), *_QUICK)
    assert code == 0
    sidecar = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["training_data"]["readability"]["pages"] == 3
    assert sidecar["training_data"]["fixtures"]["pages"] == 6  # 3 pages counted twice
    assert sidecar["seed"] == 3 and sidecar["model_params"]["min_samples_leaf"] == 2
    assert sidecar["base"]["model_version"] == "base-test"
    assert sidecar["base"]["missing"] == []


def test_train_fine_tune_continues_the_base_model(tmp_path: Path, fixture_dir: Path,
                                                  tiny_model: Path) -> None:
    out = tmp_path / "tuned.skops"
    code = run_scrapy("train", str(fixture_dir / "blogpress"), "--fine-tune", "3",
                      "--base-model", str(tiny_model), "-o", str(out), "--quiet", "--no-check")
    assert code == 0
    sidecar = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    base = load_model(tiny_model)
    assert sidecar["fine_tuned_from"] == base.model_version_
    assert sidecar["fine_tune_rounds"] == 3
    assert "fine-tuned: 3 boosting rounds added to" in out.with_suffix(".md").read_text("utf-8")
    tuned = load_model(out)
    assert tuned.stage1_.roots.shape[0] == base.stage1_.roots.shape[0] + 3 * 4
    assert run_scrapy("train", str(fixture_dir), "--fine-tune", "0", "--base-model",
                      str(tiny_model), "-o", str(tmp_path / "x.skops")) == 2


def test_fine_tune_without_the_corpora_anchors_on_the_shipped_set(
        tmp_path: Path, fixture_dir: Path, tiny_model: Path) -> None:
    import shutil

    base = tmp_path / "base.skops"
    shutil.copy(tiny_model, base)
    sidecar = json.loads(tiny_model.with_suffix(".json").read_text(encoding="utf-8"))
    sidecar["training_data"]["fundus"] = {"pages": 100}  # a corpus this machine "lacks"
    base.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")
    out = tmp_path / "tuned.skops"
    code = run_scrapy("train", str(fixture_dir / "blogpress"), "--fine-tune", "2",
                      "--base-model", str(base), "--corpora", str(tmp_path / "nowhere"),
                      "-o", str(out), "--quiet", "--no-check")
    assert code == 0
    anchors = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["anchors"]
    assert anchors["shipped_pages"] >= 100
    assert anchors["files"][0]["file"] == "newscrawl-anchors.npz"
