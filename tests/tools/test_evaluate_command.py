"""``scrapy evaluate``: per-class scores, plots, JSON, and a two-model comparison."""

from __future__ import annotations

import json
from pathlib import Path

from threadpoolctl import threadpool_limits

from classifier import read_fixture, train
from tests.tools.conftest import run_scrapy
from tests.tools.pages import write_fixtures

_PNG = b"\x89PNG\r\n\x1a\n"


def test_evaluate_compares_two_models_per_class_and_template(tmp_path: Path,
                                                             tiny_model: Path) -> None:
    # A: trained on one template only; B (tiny_model): trained on both templates.
    only_gazette = tmp_path / "gazette-only"
    write_fixtures(only_gazette, "gazette", 3)
    model_a = tmp_path / "gazette-only.skops"
    with threadpool_limits(1):
        train(fixtures=[only_gazette], out=model_a, cv_folds=0, progress=False,
              params={"max_iter": 15, "min_samples_leaf": 2})
    held_out = tmp_path / "eval"
    write_fixtures(held_out, "gazette", 2, start=20)
    write_fixtures(held_out, "blogpress", 2, start=20)
    out = tmp_path / "report"
    code = run_scrapy("evaluate", "--model", str(model_a), "--against", str(tiny_model),
                      str(held_out), "--out", str(out))
    assert code == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    a, b = metrics["models"]
    assert (a, b) == ("gazette-only", "tiny")
    gold_blocks = sum(len(read_fixture(p).labels) for p in held_out.rglob("*.html"))
    for name in (a, b):
        per_class = metrics["overall"][name]["per_class"]
        assert sum(c["support"] for c in per_class.values()) == gold_blocks
        assert set(metrics["per_template"][name]) == {"gazette", "blogpress"}
    # the model that saw the second template is better on it and no worse on the first
    assert metrics["delta"]["per_template_macro_f1"]["blogpress"] > 0
    assert metrics["delta"]["per_template_macro_f1"]["gazette"] >= -0.05
    for label, curve in metrics["pr_curves"][b].items():
        assert curve is None or 0.0 <= curve["average_precision"] <= 1.0, label
    for name in ("confusion-gazette-only.png", "confusion-tiny.png", "pr-curves.png",
                 "f1-per-class.png", "f1-per-template.png"):
        assert (out / name).read_bytes().startswith(_PNG), name


def test_evaluate_corpus_reports_the_article_metric(tmp_path: Path, tiny_model: Path,
                                                     tiny_corpus: Path) -> None:
    out = tmp_path / "corpus-report"
    assert run_scrapy("evaluate", "--model", str(tiny_model), str(tiny_corpus),
                      "--out", str(out)) == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    article = metrics["corpora"][str(tiny_corpus)]["tiny"]["article"]
    assert article["pages"] == 3
    assert 0.0 <= article["f1"] <= 1.0 and article["recall"] > 0.5
