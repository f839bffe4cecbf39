"""The regression check of ``scrapy train --base``: new vs base model on the base fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from classifier import LABELS, load_model
from crawler.labelling import basedata
from crawler.labelling.regression import format_regression, regression_check
from tests.tools.conftest import run_scrapy
from tests.tools.pages import write_fixtures


class _ContentAsAd:
    """A model that gives every block the probabilities of another, content and ad swapped."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.order = [LABELS.index(label) for label in LABELS]
        content, ad = LABELS.index("content"), LABELS.index("ad")
        self.order[content], self.order[ad] = ad, content

    def predict_page(self, page: Any) -> np.ndarray:
        return np.asarray(self.model.predict_page(page))[:, self.order]


def test_the_same_model_shows_no_change(tiny_model: Path, fixture_dir: Path) -> None:
    model = load_model(tiny_model)
    report = regression_check([fixture_dir], model, model)
    assert report["fixtures"] == 6 and report["blocks"] > 0
    assert set(report["per_template"]) == {"gazette", "blogpress"}
    assert all(s["delta"] == 0 for s in report["per_template"].values())
    assert (report["regressed"], report["broken_blocks"], report["fixed_blocks"]) == ([], 0, 0)


def test_blocks_the_new_model_breaks_are_listed_least_sure_first(tiny_model: Path,
                                                                 fixture_dir: Path) -> None:
    base = load_model(tiny_model)
    right = regression_check([fixture_dir], base, base, max_listed=1000)
    report = regression_check([fixture_dir], base, _ContentAsAd(base), max_listed=3)
    assert sorted(report["regressed"]) == ["blogpress", "gazette"]
    assert report["broken_blocks"] > 3 and len(report["broken"]) == 3
    assert {(b["label"], b["new_label"]) for b in report["broken"]} == {("content", "ad")}
    assert all(b["p_new"] < b["p_base"] for b in report["broken"])
    assert [b["p_base"] for b in report["broken"]] == sorted(b["p_base"]
                                                             for b in report["broken"])
    # swapping back the other way repairs exactly what was broken
    undo = regression_check([fixture_dir], _ContentAsAd(base), base, max_listed=0)
    assert undo["fixed_blocks"] == report["broken_blocks"] and right["broken_blocks"] == 0
    text = "\n".join(format_regression(report))
    assert "gazette" in text and "WORSE" in text and "content -> ad" in text


def test_train_base_prints_and_records_the_check(tmp_path: Path, tiny_model: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    base_fixtures = tmp_path / "base-fixtures"  # what tiny_model was trained on
    write_fixtures(base_fixtures, "gazette", 3)
    write_fixtures(base_fixtures, "blogpress", 3)
    monkeypatch.setattr(basedata, "REPO_FIXTURES", base_fixtures)
    mine = tmp_path / "mine"
    write_fixtures(mine, "gazette", 2, start=20)
    out = tmp_path / "new.skops"
    assert run_scrapy("train", str(mine), "--base", "--base-model", str(tiny_model), "-o",
                      str(out), "--cv-folds", "0", "--max-iter", "10", "--quiet") == 0
    sidecar = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    check = sidecar["base_regression"]
    assert check["fixtures"] == 6 and set(check["per_template"]) == {"gazette", "blogpress"}
    assert "regression check on the base fixtures" in capsys.readouterr().out
    assert "Regression check against the base model" in out.with_suffix(".md").read_text(
        encoding="utf-8")
    skipped = tmp_path / "unchecked.skops"
    assert run_scrapy("train", str(mine), "--base", "--base-model", str(tiny_model), "-o",
                      str(skipped), "--no-check", "--cv-folds", "0", "--max-iter", "10",
                      "--quiet") == 0
    assert "base_regression" not in json.loads(skipped.with_suffix(".json").read_text("utf-8"))


def test_added_pages_come_after_the_base_data(tmp_path: Path, fixture_dir: Path,
                                              tiny_corpus: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's pages go last, so the base pages keep their rows (and navigation sample)."""
    from classifier import training

    seen: list[list[str]] = []
    real_fit = training.BlockModel.fit

    def fit(self: Any, pages: Any, labels: Any, groups: Any = None,
            page_weights: Any = None) -> Any:
        seen.append(list(groups))
        return real_fit(self, pages, labels, groups=groups, page_weights=page_weights)

    monkeypatch.setattr(training.BlockModel, "fit", fit)
    training.train(fixtures=[fixture_dir / "gazette"], corpora=[tiny_corpus],
                   added_fixtures=[fixture_dir / "blogpress"], cv_folds=0, progress=False,
                   cache_dir=tmp_path / "cache", params={"max_iter": 5, "min_samples_leaf": 2})
    (groups,) = seen
    kinds = [g.split(":")[0] + (":" + g.split(":")[1] if g.startswith("template") else "")
             for g in groups]
    assert kinds == ["template:gazette"] * 3 + ["site"] * 3 + ["template:blogpress"] * 3
