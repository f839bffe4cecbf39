"""benchmarks/holdout.py: every corpus page is scored by a model that never saw its site."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pytest

from benchmarks import holdout
from classifier import read_fixture
from classifier.training import corpus_pages, fixture_pages
from tests.tools.pages import article_html, write_fixtures


def _corpus(root: Path) -> Path:
    """A 'readability' corpus (a trainable name) with pages of two sites."""
    corpus = root / "readability"
    (corpus / "pages").mkdir(parents=True)
    rows = []
    for template, host in (("gazette", "gazette.test"), ("blogpress", "blogpress.test")):
        for number in range(3):
            html = article_html(template, 20 + number)
            scratch = root / f"{template}-{number}.html"
            scratch.write_text(html, encoding="utf-8")
            body = "\n\n".join(read_fixture(scratch).body.split("\n\n")[1:])  # no headline
            page_id = f"{template}{number}"
            (corpus / "pages" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
            rows.append({"id": page_id, "url": f"http://{host}/{number}", "title": None,
                         "body": body})
    (corpus / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows),
                                       encoding="utf-8")
    return corpus


def test_each_page_is_scored_by_the_model_of_the_fold_that_held_its_site_out(tmp_path: Path):
    fixtures = tmp_path / "fixtures"
    write_fixtures(fixtures, "gazette", 2)
    write_fixtures(fixtures, "blogpress", 2)
    corpus = _corpus(tmp_path / "corpora")
    pages = fixture_pages(fixtures) + corpus_pages(corpus, cache_dir=tmp_path / "cache")
    folds = holdout.fold_models(pages, {"max_iter": 10, "min_samples_leaf": 2}, 2)
    held_out = holdout.held_out_pages(pages, folds, corpus.parent)
    assert len(held_out) == 6
    index = {p.page.source: i for i, p in enumerate(pages)}
    groups = {i: p.group for i, p in enumerate(pages)}
    for page in held_out:
        _, test = folds[page.fold]
        assert index[f"readability:{page.id}"] in test
        # no page of the same site was in that fold's training data
        trained_groups = {groups[i] for i in range(len(pages)) if i not in test}
        assert page.group not in trained_groups
    results = holdout.report(holdout.score_held_out(held_out, folds, ["newscrawl"]))
    figures = results["readability"]["newscrawl"]
    assert figures["pages"] == 6 and 0.0 <= figures["f1"] <= 1.0
    assert results["pooled"]["newscrawl"]["pages"] == 6


def test_the_evaluation_corpus_is_refused(tmp_path: Path):
    with pytest.raises(SystemExit):
        holdout.main(["--corpora", "scrapinghub", "--corpora-dir", str(tmp_path)])


def test_the_weak_label_cache_never_holds_half_a_file(tmp_path: Path, monkeypatch):
    """Each labelled page is written aside and renamed into the cache, so a second training
    run (or one killed mid-write) never reads a partial file; a failed write leaves nothing."""
    corpus = _corpus(tmp_path / "corpora")
    cache = tmp_path / "cache"

    def failing_replace(*args: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr("classifier.training.os.replace", failing_replace)
        assert corpus_pages(corpus, cache_dir=cache) == []  # every page skipped, logged
    assert [p for p in cache.rglob("*") if p.is_file()] == []
    pages = corpus_pages(corpus, cache_dir=cache)
    assert len(pages) == 6
    cached = sorted(p.name for p in cache.rglob("*") if p.is_file())
    assert len(cached) == 6 and all(name.endswith(".html") for name in cached)


def test_several_seeds_give_each_run_and_the_spread(tmp_path: Path, capsys):
    fixtures = tmp_path / "fixtures"
    write_fixtures(fixtures, "gazette", 2)
    write_fixtures(fixtures, "blogpress", 2)
    corpus = _corpus(tmp_path / "corpora")
    out = tmp_path / "holdout.json"
    assert holdout.main(["--corpora", "readability", "--corpora-dir", str(corpus.parent),
                         "--fixtures", str(fixtures), "--seeds", "0,1",
                         "--param", "max_iter=10", "--param", "min_samples_leaf=2",
                         "--param", "navigation_sample=0.5", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["seeds"]) == {"0", "1"}
    pooled = data["across_seeds"]["pooled"]
    per_seed = [data["seeds"][s]["pooled"]["newscrawl"]["f1"] for s in ("0", "1")]
    assert pooled["seeds"] == 2
    assert pooled["f1_min"] == min(per_seed) and pooled["f1_max"] == max(per_seed)
    assert abs(pooled["f1_mean"] - sum(per_seed) / 2) < 1e-12
    assert "over seeds 0,1" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["0,x", "1,1", ""])
def test_bad_seed_lists_are_refused(text: str):
    with pytest.raises(argparse.ArgumentTypeError):
        holdout.parse_seeds(text)
