"""Fuzzing of segmentation and extraction: any input gives a result, bounded, with reasons.

The long seeded run over 10^5 pages is benchmarks/fuzz_soak.py; these tests keep to seconds.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

import classifier
from classifier import Article, extract, segment
from tests.hardening.pathological import PATHOLOGICAL, SAMPLE_PAGE, mutate

FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# extract() runs the model per example; fewer examples keep the suite short (the long run is
# benchmarks/fuzz_soak.py).
FUZZ_EXTRACT = settings(FUZZ, max_examples=60)
#: Pathological pages that take the longest; segment() alone is not run on them again.
HEAVY = frozenset({"siblings-100k-p", "siblings-100k-li", "siblings-100k-span", "br-storm"})

TAGS = ("div", "p", "span", "a", "li", "ul", "table", "tr", "td", "h1", "article", "nav",
        "script", "br", "img", "b", "section", "aside", "svg", "select", "option")


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attrs, kids: f"<{tag}{attrs}>{''.join(kids)}</{tag}>",
        st.sampled_from(TAGS),
        st.sampled_from(["", ' class="ad"', ' id="main"', ' style="display:none"',
                         ' data-label="content"', ' hidden', ' class="paywall x"']),
        st.lists(children, max_size=5))


html_fragments = st.recursive(st.text(max_size=30), _element, max_leaves=40)
html_documents = st.builds(lambda body: f"<html><body>{body}</body></html>", html_fragments)


def assert_clean_text(text: str) -> None:
    assert isinstance(text, str)
    text.encode("utf-8")  # no lone surrogates
    assert "\x00" not in text


def check_segmentation(result: classifier.Segmentation) -> None:
    assert all(isinstance(w, str) for w in result.warnings)
    for index, block in enumerate(result.blocks):
        assert block.index == index
        assert block.text.strip()
        assert_clean_text(block.text)


def check_article(article: Article) -> None:
    assert isinstance(article, Article)
    assert_clean_text(article.body)
    assert article.title is None or isinstance(article.title, str)
    assert all(isinstance(w, str) for w in article.warnings)
    for block in article.blocks:
        assert_clean_text(block.text)
        assert block.label in classifier.LABELS


# --- properties -------------------------------------------------------------------------------

@FUZZ
@given(st.binary(max_size=4096))
def test_segment_any_bytes(data: bytes) -> None:
    check_segmentation(segment(data))


@FUZZ
@given(st.text(max_size=2048))
def test_segment_any_text(text: str) -> None:
    check_segmentation(segment(text))


@FUZZ
@given(html_documents)
def test_segment_never_mutates_the_callers_tree(document: str) -> None:
    tree = html.fromstring(document)
    before = etree.tostring(tree, method="c14n")
    result = segment(tree)
    assert etree.tostring(tree, method="c14n") == before
    check_segmentation(result)
    for block in result.blocks:  # blocks point into the caller's tree
        assert block.element.getroottree().getroot() is tree


@FUZZ
@given(html_documents, st.sampled_from(["utf-8", "cp1252", "koi8-r", "shift_jis", None]))
def test_segment_html_bytes_with_a_declared_charset(document: str, charset: str | None) -> None:
    data = document.encode(charset or "utf-8", errors="replace")
    check_segmentation(segment(data, encoding=charset))


@FUZZ_EXTRACT
@given(text=st.text(max_size=2048), charset=st.one_of(st.none(), st.text(max_size=20)))
def test_extract_any_text_and_any_charset_label(tiny_model, text: str,
                                                charset: str | None) -> None:
    check_article(extract(text, encoding=charset, model=tiny_model))


@FUZZ_EXTRACT
@given(data=st.binary(max_size=4096), charset=st.one_of(st.none(), st.text(max_size=20)))
def test_extract_any_bytes_with_any_charset_label(tiny_model, data: bytes,
                                                  charset: str | None) -> None:
    check_article(extract(data, encoding=charset, model=tiny_model))


@FUZZ
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_sample_page(seed: int) -> None:
    data = mutate(SAMPLE_PAGE.encode(), random.Random(seed), rounds=6)
    check_segmentation(segment(data))


# --- explicit pathological pages ----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(set(PATHOLOGICAL) - HEAVY))
def test_pathological_page_segments_with_a_counted_reason(name: str) -> None:
    build, caps = PATHOLOGICAL[name]
    result = segment(build())
    check_segmentation(result)
    if caps:
        assert set(result.warnings) & caps, result.warnings


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_page_extracts_with_a_counted_reason(tiny_model, name: str) -> None:
    build, caps = PATHOLOGICAL[name]
    article = extract(build(), url="https://news.example/x", model=tiny_model)
    check_article(article)
    if caps:
        assert set(article.warnings) & caps, article.warnings


def test_truncation_at_every_tenth_byte_never_fails() -> None:
    data = SAMPLE_PAGE.encode("utf-8")
    for cut in range(0, len(data), 10):
        check_segmentation(segment(data[:cut]))


def test_byte_flips_never_fail() -> None:
    data = SAMPLE_PAGE.encode("utf-8")
    rng = random.Random(1234)
    for _ in range(300):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        check_segmentation(segment(bytes(flipped)))


def test_utf16_with_bom_gives_the_text() -> None:
    result = segment(SAMPLE_PAGE.encode("utf-16"))
    assert result.encoding and result.encoding.startswith("utf-16")
    assert any("Júlia Nowak" in b.text for b in result.blocks)


def test_nul_laden_page_keeps_its_text() -> None:
    data = SAMPLE_PAGE.encode().replace(b"<p>", b"<p>\x00\x00")
    assert any("swing bridge" in b.text for b in segment(data).blocks)


def test_deep_nesting_keeps_text_before_the_deep_part() -> None:
    data = (b"<html><body><p>Before the deep part.</p>" + b"<div>" * 100_000 + b"x"
            + b"</div>" * 100_000 + b"</body></html>")
    result = segment(data)
    assert "depth-cap" in result.warnings
    assert [b.text for b in result.blocks][:1] == ["Before the deep part."]


def test_node_cap_is_reported() -> None:
    data = b"<html><body>" + b"<b>x</b>" * 200_000 + b"</body></html>"
    assert "node-cap" in segment(data).warnings
