"""The article metric, block scores and the ``evaluate`` command (classifier.evaluation)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from classifier.evaluation import (
    block_scores,
    bootstrap_std,
    corpus_scores,
    decode_corpus_page,
    exact_match,
    main,
    read_corpus,
    score_page,
    shingle_scores,
    shingles,
    summarise,
    tokenize,
)

GOLD = "The council voted on Tuesday to close the old bridge for repairs."


# ------------------------------------------------------------------ tokens and shingles

def test_tokens_are_word_runs_with_case_kept() -> None:
    assert tokenize("Hello, world! It's 3.5 km") == ["Hello", "world", "It", "s", "3", "5", "km"]
    assert tokenize(None) == []


def test_shingles_are_a_multiset_of_four_word_windows() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2


def test_a_text_shorter_than_a_shingle_is_one_short_shingle() -> None:
    assert shingles("two words") == {("two", "words"): 1}
    assert shingles("  ... ") == {}


# ------------------------------------------------------------------ per-page scores

def test_identical_texts_score_one() -> None:
    assert shingle_scores(GOLD, GOLD) == (1.0, 1.0)


def test_whitespace_and_punctuation_do_not_matter() -> None:
    assert shingle_scores("The council voted on Tuesday -- to close\n\nthe old bridge",
                          "The council voted on Tuesday to close the old bridge.") == (1.0, 1.0)


def test_disjoint_texts_score_zero() -> None:
    assert shingle_scores("Cookies help us improve the site", GOLD) == (0.0, 0.0)


def test_case_is_kept() -> None:
    assert shingle_scores(GOLD.upper(), GOLD) == (0.0, 0.0)


def test_partial_overlap() -> None:
    # shingles abcd, bcde against abcd, bcdf: one of two in common on each side
    assert shingle_scores("a b c d e", "a b c d f") == (0.5, 0.5)
    # extra boilerplate after the body lowers precision only
    precision, recall = shingle_scores(GOLD + " Share this story on social media now", GOLD)
    assert recall == 1.0
    assert precision is not None and 0 < precision < 1


def test_intersection_counts_repeated_shingles_once_per_copy() -> None:
    # pred has 5 shingles, (x y z w) twice; gold has it once: 1 in common, not 2
    assert shingle_scores("x y z w x y z w", "x y z w") == (0.2, 1.0)
    assert shingle_scores("x y z w", "x y z w x y z w") == (1.0, 0.2)


def test_both_empty_scores_one() -> None:
    assert shingle_scores("", "") == (1.0, 1.0)
    assert shingle_scores(None, " ,; ") == (1.0, 1.0)


def test_one_side_empty_leaves_its_ratio_undefined() -> None:
    assert shingle_scores("", GOLD) == (None, 0.0)
    assert shingle_scores(GOLD, "") == (0.0, None)


def test_exact_match_compares_word_sequences() -> None:
    assert exact_match("Hello,  world!", "Hello world")
    assert not exact_match("Hello world", "hello world")
    assert not exact_match("a b", "a b c")
    assert exact_match("", "")


@given(st.text(), st.text())
def test_scores_are_ratios_and_swap_with_the_sides(pred: str, gold: str) -> None:
    precision, recall = shingle_scores(pred, gold)
    swapped = shingle_scores(gold, pred)
    assert (precision, recall) == (swapped[1], swapped[0])
    for value in (precision, recall):
        assert value is None or 0.0 <= value <= 1.0


@given(st.text())
def test_any_text_against_itself_scores_one(text: str) -> None:
    assert shingle_scores(text, text) == (1.0, 1.0)


# ------------------------------------------------------------------ corpus figures

def test_averages_leave_out_pages_where_a_ratio_is_undefined() -> None:
    figures = corpus_scores([("a b c d", "a b c d"), ("", "e f g h")])
    assert figures["precision"] == 1.0          # only the first page has a prediction
    assert figures["recall"] == 0.5             # both pages have a gold
    assert figures["precision_pages"] == 1 and figures["recall_pages"] == 2
    assert figures["f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert figures["accuracy"] == 0.5


def test_f1_is_taken_of_the_averages_not_averaged_per_page() -> None:
    pairs = [("a b c d e", "a b c d e f g h"),      # P 1, R 2/5
             ("a b c d e f g h", "a b c d e")]      # P 2/5, R 1
    figures = corpus_scores(pairs)
    assert figures["precision"] == pytest.approx(0.7)
    assert figures["recall"] == pytest.approx(0.7)
    assert figures["f1"] == pytest.approx(0.7)
    per_page_mean = sum(score_page(p, g).f1 for p, g in pairs) / 2
    assert per_page_mean < figures["f1"]


def test_no_pages_gives_no_figures() -> None:
    assert summarise([]) == {"pages": 0, "precision": None, "recall": None, "f1": None,
                             "accuracy": None, "precision_pages": 0, "recall_pages": 0}


def test_bootstrap_spread_is_zero_for_identical_pages_and_seeded() -> None:
    same = [score_page(GOLD, GOLD, str(i)) for i in range(5)]
    assert bootstrap_std(same, samples=50)["f1_std"] == 0.0
    mixed = [score_page(GOLD, GOLD), score_page("", GOLD), score_page("a b c d e", "a b c d f")]
    first = bootstrap_std(mixed, samples=50, seed=3)
    assert first == bootstrap_std(mixed, samples=50, seed=3)
    assert first["recall_std"] > 0


def test_page_scores_are_json_serialisable() -> None:
    row = score_page("", GOLD, "p1").to_dict()
    assert json.loads(json.dumps(row)) == {"id": "p1", "precision": None, "recall": 0.0,
                                           "exact": False, "f1": 0.0}


# ------------------------------------------------------------------ block scores

def test_block_scores_per_class_and_confusion() -> None:
    gold = ["content", "content", "navigation", "ad", "paywall"]
    pred = ["content", "navigation", "navigation", "ad", "content"]
    scores = block_scores(gold, pred)
    content, navigation = scores["per_class"]["content"], scores["per_class"]["navigation"]
    assert (content["precision"], content["recall"], content["f1"]) == (0.5, 0.5, 0.5)
    assert (navigation["precision"], navigation["recall"]) == (0.5, 1.0)
    assert navigation["f1"] == pytest.approx(2 / 3)
    assert scores["per_class"]["ad"]["f1"] == 1.0
    paywall = scores["per_class"]["paywall"]
    assert (paywall["precision"], paywall["recall"], paywall["f1"]) == (None, 0.0, None)
    assert paywall["support"] == 1 and paywall["predicted"] == 0
    assert scores["confusion"]["content"] == {"content": 1, "navigation": 1, "ad": 0,
                                              "paywall": 0}
    assert scores["confusion"]["paywall"]["content"] == 1
    assert scores["accuracy"] == pytest.approx(0.6)
    assert json.loads(json.dumps(scores)) == scores


def test_block_scores_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        block_scores(["content", "ad"], ["ad"])
    with pytest.raises(ValueError, match="unknown labels"):
        block_scores(["content"], ["sidebar"])


# ------------------------------------------------------------------ corpora

def _write_corpus(root: Path, pages: dict[str, tuple[bytes, str, str | None]]) -> Path:
    (root / "pages").mkdir(parents=True)
    with (root / "gold.jsonl").open("w", encoding="utf-8") as gold:
        for page_id, (html, body, split) in pages.items():
            (root / "pages" / f"{page_id}.html.gz").write_bytes(gzip.compress(html))
            gold.write(json.dumps({"id": page_id, "url": f"https://news.test/{page_id}",
                                   "title": None, "body": body, "split": split}) + "\n")
    return root


def test_read_corpus_keeps_the_split_and_the_limit(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "c", {
        "a": (b"<p>one</p>", "one", "train"), "b": (b"<p>two</p>", "two", "test"),
        "c": (b"<p>three</p>", "three", "test")})
    assert [p.id for p in read_corpus(corpus)] == ["a", "b", "c"]
    assert [p.id for p in read_corpus(corpus, split="test")] == ["b", "c"]
    page, = read_corpus(corpus, split="test", limit=1)
    assert (page.html, page.gold, page.url) == (b"<p>two</p>", "two", "https://news.test/b")


def test_corpus_pages_decode_as_utf8_then_as_declared() -> None:
    assert decode_corpus_page("Zürich – café".encode()) == "Zürich – café"
    text = "<p>Le café de la gare a fermé ses portes à Genève, après trente années.</p>"
    assert decode_corpus_page(text.encode("cp1252")) == text  # no declaration: cp1252
    declared = ("<meta charset=windows-1251><p>" + "Новости дня" + "</p>").encode("cp1251")
    assert "Новости дня" in decode_corpus_page(declared)
    stray = b"<meta charset=utf-8><p>Motion\x92s \xe2\x80\x94 fine</p>"
    assert decode_corpus_page(stray) == "<meta charset=utf-8><p>Motion\ufffds \u2014 fine</p>"


def test_main_reports_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


# ------------------------------------------------------------------ fixtures and corpora, stub model

FIXTURE = """<!DOCTYPE html>
<html data-template="gazette" data-url="https://gazette.test/bridge">
<head><meta charset="utf-8"><title>Old bridge to close</title></head>
<body data-label="navigation">
<nav><ul><li><a href="/">Home</a></li><li><a href="/town">Town</a></li></ul></nav>
<article data-label="content">
<h1>Old bridge to close for repairs</h1>
<p>The council voted on Tuesday to close the old bridge for a year of repairs.</p>
<p>Work on the stone arches starts in May, and a ferry will run in the meantime.</p>
</article>
<div class="ad-slot" data-label="ad"><p>Advertisement</p></div>
<div class="meter" data-label="paywall"><p>You have read three of your five free stories.</p></div>
<footer><p>Copyright 2026 The Test Gazette</p></footer>
</body></html>
"""


def _stub_extract(seen: list[str]) -> object:
    """A stand-in model: paragraphs and headings are content, the rest navigation."""
    from classifier import Article, LabelledBlock, segment

    def extract(html: str, url: str | None, model: object) -> Article:
        seen.append(html)
        blocks = tuple(
            LabelledBlock(b.text, "content" if b.tag in ("p", "h1") else "navigation", 1.0,
                          b.path, b.tag) for b in segment(html).blocks)
        body = "\n\n".join(b.text for b in blocks if b.label == "content")
        return Article(body=body, title=None, blocks=blocks, url=url)

    return extract


def test_fixture_evaluation_scores_blocks_against_the_labels(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import classifier.evaluation as evaluation

    (tmp_path / "gazette").mkdir()
    (tmp_path / "gazette" / "bridge.html").write_text(FIXTURE, encoding="utf-8")
    seen: list[str] = []
    monkeypatch.setattr(evaluation, "_extract", _stub_extract(seen))
    result = evaluation.evaluate(tmp_path)
    # the model never sees the answer
    assert seen and "data-label" not in seen[0] and "Old bridge to close" in seen[0]
    blocks = result["blocks"]
    content = blocks["per_class"]["content"]
    assert (content["support"], content["recall"]) == (3, 1.0)
    assert content["precision"] == pytest.approx(3 / 6)  # ad, paywall, footer paragraphs too
    assert blocks["per_class"]["navigation"]["precision"] == 1.0
    assert blocks["confusion"]["ad"]["content"] == 1
    assert blocks["confusion"]["paywall"]["content"] == 1
    assert result["unaligned_blocks"] == 0 and result["errors"] == []
    assert result["article"]["recall"] == 1.0 and result["article"]["precision"] < 1.0
    assert json.loads(json.dumps(result)) == result


def test_a_broken_fixture_is_reported_not_fatal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import classifier.evaluation as evaluation

    (tmp_path / "good.html").write_text(FIXTURE, encoding="utf-8")
    (tmp_path / "bad.html").write_text(FIXTURE.replace('data-label="ad"', 'data-label="sidebar"'),
                                       encoding="utf-8")
    monkeypatch.setattr(evaluation, "_extract", _stub_extract([]))
    result = evaluation.evaluate_fixtures(tmp_path)
    assert [e["id"].endswith("bad.html") for e in result["errors"]] == [True]
    assert result["blocks"]["per_class"]["content"]["support"] == 3


def test_corpus_evaluation_and_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import classifier.evaluation as evaluation

    article = "<p>The council voted on Tuesday to close the old bridge for repairs.</p>"
    corpus = _write_corpus(tmp_path / "corpus", {
        "hit": (f"<html><body>{article}</body></html>".encode(), GOLD, "test"),
        "miss": (b"<html><body><ul><li>Home</li></ul></body></html>", GOLD, "test"),
        "other": (b"<p>not in the split</p>", "something else entirely here", "train")})
    monkeypatch.setattr(evaluation, "_extract", _stub_extract([]))
    out = tmp_path / "result.json"
    assert main([str(corpus), "--split", "test", "--json", str(out)]) == 0
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["article"]["pages"] == 2
    assert saved["article"]["recall"] == 0.5      # one page found, one empty
    assert saved["article"]["precision"] == 1.0   # the empty page has no precision
    assert saved["article"]["accuracy"] == 0.5
    assert [p["id"] for p in saved["page_scores"]] == ["hit", "miss"]
    assert "F1 0.667" in capsys.readouterr().out


def test_cli_evaluates_fixtures_with_a_trained_model(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    training = pytest.importorskip("classifier.training")
    from classifier.model import save_model

    fixtures = tmp_path / "fixtures" / "gazette"
    fixtures.mkdir(parents=True)
    towns = ["Ashford", "Brindle", "Corwen", "Dunmore"]
    for i, town in enumerate(towns):
        (fixtures / f"story-{i}.html").write_text(
            FIXTURE.replace("old bridge", f"old bridge in {town}"), encoding="utf-8")
    model, sidecar = training.train(fixtures=[tmp_path / "fixtures"], cv_folds=0,
                                    progress=False,
                                    params={"max_iter": 10, "second_stage": False})
    model_path = save_model(model, tmp_path / "tiny.skops", sidecar)
    out = tmp_path / "eval.json"
    assert main(["--model", str(model_path), str(tmp_path / "fixtures"),
                 "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "confusion (rows gold, columns predicted)" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["pages"] == len(towns) and result["errors"] == []
    per_class = result["blocks"]["per_class"]
    assert [per_class[label]["support"] for label in ("content", "ad", "paywall")] == [12, 4, 4]
    assert sum(c["predicted"] for c in per_class.values()) == result["blocks"]["blocks"]
    assert result["unaligned_blocks"] == 0


def test_cli_refuses_a_corrupt_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("classifier.model")
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"this is not a model")
    assert main(["--model", str(bad), str(tmp_path)]) == 2
    assert "bad.skops" in capsys.readouterr().err


@pytest.mark.shared
def test_the_benchmark_corpora_read_and_decode(shared_corpora: Path) -> None:
    dragnet_test = list(read_corpus(shared_corpora / "dragnet", split="test"))
    assert len(dragnet_test) == 415
    assert all(p.gold for p in dragnet_test)
    decoded = [decode_corpus_page(p.html) for p in dragnet_test]
    assert all("<" in text for text in decoded)
    scrapinghub = list(read_corpus(shared_corpora / "scrapinghub"))
    assert len(scrapinghub) == 181 and all(p.url for p in scrapinghub)
