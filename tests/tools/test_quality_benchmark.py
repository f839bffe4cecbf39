"""benchmarks/quality.py: which pages the speed figure is measured on."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import quality


def _pages(corpus: str, count: int) -> list[quality.Page]:
    return [quality.Page(f"{corpus}{i}", None, "<p>text</p>", "text") for i in range(count)]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int | None]]:
    calls: list[tuple[str, int | None]] = []

    def load(corpora_dir: Path, name: str, limit: int | None) -> list[quality.Page]:
        calls.append((name, limit))
        return _pages(name, limit or 181)

    monkeypatch.setattr(quality, "load_pages", load)
    return calls


def test_limit_cuts_the_quality_corpora_not_the_speed_corpus(loads):
    loaded = {"scrapinghub": _pages("scrapinghub", 5)}
    pages = quality.pages_for_speed(loaded, Path("."), "scrapinghub", limit=5, speed_limit=None)
    assert len(pages) == 181
    assert loads == [("scrapinghub", None)]


def test_the_whole_corpus_already_loaded_is_reused(loads):
    loaded = {"scrapinghub": _pages("scrapinghub", 181)}
    pages = quality.pages_for_speed(loaded, Path("."), "scrapinghub", limit=None,
                                    speed_limit=None)
    assert pages is loaded["scrapinghub"]
    assert loads == []


def test_speed_limit_asks_for_a_quick_partial_measure(loads):
    pages = quality.pages_for_speed({}, Path("."), "scrapinghub", limit=None, speed_limit=7)
    assert len(pages) == 7
    assert loads == [("scrapinghub", 7)]


def test_no_quality_measures_speed_only():
    args = quality.parse_args(["--no-quality"])
    assert args.no_quality and not args.no_speed


def test_paired_ratios_compare_passes_of_the_same_repeat():
    ratios = quality.paired_ratios({"newscrawl": [1.0, 3.0, 1.2], "trafilatura": [2.0, 4.0, 3.0],
                                    "lxml-parse": [0.1, 0.1, 0.1]})
    assert ratios == pytest.approx({"newscrawl_cpu_time_over_trafilatura_paired_median": 0.5,
                                    "newscrawl_cpu_time_over_trafilatura_paired_min": 0.4,
                                    "newscrawl_cpu_time_over_trafilatura_paired_max": 0.75})
    assert quality.paired_ratios({"newscrawl": [1.0]}) == {}
