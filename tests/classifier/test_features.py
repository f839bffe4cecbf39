"""The column-wise block features equal the plain per-block definition, value for value."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.blocktext import (
    _ANYWHERE,
    _BLOCK_START,
    _WORD_START,
    BlockPatterns,
    CharTable,
    JoinedTexts,
    SpanHashes,
    anchor_at_blocks,
    literal_heads,
    loosen,
    text_hash,
)
from classifier.features import (
    _NUMBER_SEARCH,
    _PHRASE_SEARCH,
    _SENTENCE_END,
    _SENTENCE_END_JOINED,
    groups_of,
    page_features,
)
from classifier.fixtures import read_fixture
from classifier.segmentation import segment
from tests.classifier.conftest import training_page
from tests.classifier.reference_features import reference_page_features

_FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures").glob("*/*.html"))

#: Pieces that make the patterns match, almost match, or match across a block boundary.
_PIECES = ["by ", "By Jane", "von ", "subscribe", "plans", " price", "per month", "/mo",
           "ad", "ads ", "advertisement", "read more", "©", "$", "€", "£", "12.50", "4,99 ",
           "eur", "USD", "rs.", "2019", "20", "19", "12/05", "1:30", ".", "!", "? ", "\"",
           "» ", "“", ")", " ", "x", "É", "İ", "ΣΑΣ", "😀", "\x00", "\x01", "ß", "ǅ", "٣",
           "½", "_", "Story continues below", "sign in", "home", "menu", "min read"]
_TEXTS = st.lists(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), min_size=1,
                  max_size=8)


def _alone(texts: list[str]) -> list[str]:
    """Texts as a page has them: a separator inside a text is another non-word character."""
    return [t.replace("\x00", "\x01") for t in texts]


#: The phrase cues found by the loosened regex instead of their literal heads.
_PHRASES_BY_REGEX = BlockPatterns(_PHRASE_SEARCH.alone, fast=loosen(_PHRASE_SEARCH.alone))


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_pattern_hits_equal_searching_each_block(texts):
    joined = JoinedTexts(texts)
    assert _PHRASE_SEARCH.heads is not None and _PHRASES_BY_REGEX.heads is None
    for patterns in (_PHRASE_SEARCH, _PHRASES_BY_REGEX, _NUMBER_SEARCH):
        expected = [[bool(p.search(t)) for p in patterns.alone] for t in _alone(texts)]
        assert joined.hits(patterns).tolist() == expected


@pytest.mark.parametrize("keys", [[5, -1, 5, 7, 0, -1], [10**9, 3, 10**9], [-7, 2, -7], [4]])
def test_groups_of_group_equal_keys_as_unique_does(keys):
    """Serial numbers count as their own groups (bincount); far apart or below -1, np.unique
    numbers them: either way, rows share a group exactly when their keys are equal."""
    inverse, counts = groups_of(np.array(keys, dtype=np.int64))
    assert [[a == b for b in inverse] for a in inverse] == [[a == b for b in keys] for a in keys]
    assert [counts[g] for g in inverse] == [keys.count(k) for k in keys]


def test_literal_heads_say_where_a_match_can_start():
    pattern = re.compile(r"\bad\b|^(?:by|von)\s+\S|sub(?:scribe|scription)|articles? left"
                         r"|\b©|\.com")
    assert literal_heads(pattern) == [
        ("ad", _WORD_START), ("by", _BLOCK_START), ("von", _BLOCK_START), ("sub", _ANYWHERE),
        ("article", _ANYWHERE), ("©", _ANYWHERE), (".com", _ANYWHERE)]
    # no literal to start with, or flags that change what a literal matches: no heads
    assert literal_heads(re.compile(r"ad|[ab]c")) is None
    assert literal_heads(re.compile("ad", re.IGNORECASE)) is None
    assert BlockPatterns([re.compile(r"ad|[ab]c")]).heads is None
    joined = JoinedTexts(["bad ads", "read\x00", "by ad", "x by me", "dad_ad"])
    found = joined.hits(BlockPatterns([re.compile(r"\bad"), re.compile(r"^by ")]))
    assert found.tolist() == [[True, False], [False, False], [True, True], [False, False],
                              [False, False]]


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_char_counts_equal_regex_counts(texts):
    patterns = [re.compile(r"\w"), re.compile(r"[^\W\d_a-zß-ÿ]"), re.compile(r"\d"),
                re.compile(r"[.,;:!?]")]
    table = CharTable(patterns)
    joined = JoinedTexts(texts)
    counts = joined.class_counts(table)
    words = joined.class_counts(table, text=joined.text.upper(), runs_of=0)[:, 7]
    for i, text in enumerate(_alone(texts)):
        for bit, pattern in enumerate(patterns):
            assert counts[i, bit] == len(pattern.findall(text))
        assert words[i] == len(re.findall(r"\w+", text.upper()))
    long = JoinedTexts([text * (1 + (1 << 16) // max(1, len(text))) for text in texts[:2]])
    assert np.array_equal(long.class_counts(table)[:, :4], [
        [len(p.findall(t)) for p in patterns] for t in _alone(long.texts)])
    starts, ends = joined.runs(table, 0)
    assert [joined.text[a:b] for a, b in zip(starts, ends, strict=True)] == \
        re.findall(r"\w+", joined.text)
    assert joined.match_counts(_SENTENCE_END_JOINED).tolist() == [
        len(_SENTENCE_END.findall(t)) for t in _alone(texts)]


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_span_hashes_equal_the_hashes_of_the_words(texts):
    """Words are looked up by hash: a span's hash is its text's, whatever its position, so
    equal words hash alike and (in practice) different words apart."""
    text = "\x00".join(texts).lower()
    spans = [m.span() for m in re.finditer(r"\w+", text)]
    starts = np.array([a for a, _ in spans], dtype=np.int64)
    ends = np.array([b for _, b in spans], dtype=np.int64)
    hashes = SpanHashes(text).of(starts, ends).tolist()
    words = [text[a:b] for a, b in spans]
    assert hashes == [text_hash(w) for w in words]
    assert len(set(hashes)) == len(set(words))


@pytest.mark.parametrize("pairs", [40_000, 200_000])  # kept table; past its limit
def test_span_hashes_of_a_text_longer_than_any_before(pairs):
    text = "é𝔘" * pairs
    end = 2 * pairs
    spans = SpanHashes(text).of(np.array([0, 2, end - 2]), np.array([2, 4, end]))
    assert len(set(spans.tolist())) == 1 and int(spans[0]) == text_hash("é𝔘")


def test_anchors_and_loosening():
    pattern = re.compile(r"^(?:by|von)\s+\S|[^a]end$|x\^")
    assert anchor_at_blocks(pattern).pattern.count("(?<![^\\x00])") == 1
    assert "[^a]" in anchor_at_blocks(pattern).pattern and "x\\^" in anchor_at_blocks(pattern).pattern
    fast = loosen([pattern])
    for text in ("by me", "a von x", "the end", "x^", "nothing"):
        if pattern.search(text):
            assert fast.search(text)
    with pytest.raises(ValueError):
        loosen([re.compile("a"), re.compile("b", re.I)])
    joined = JoinedTexts(["the end", "by me", "see by you"])
    assert joined.hits(BlockPatterns([pattern])).tolist() == [[True], [True], [False]]


@functools.cache
def _pages():
    pages = [segment(training_page(n)[0]) for n in range(3)]
    pages += [read_fixture(path).segmentation for path in _FIXTURES[::3]]
    long_text = " ".join(["Word, and more words. Price $5 per month!"] * 80)  # > 1,500 chars
    pages.append(segment(f"<html><head><title>Long words</title></head><body><p>{long_text}"
                         "</p><p>By Jane Doe</p><div class='ad'><p>Advertisement</p></div>"
                         "<p>İstanbul ΣΑΣ 😀 2019</p></body></html>"))
    pages.append(segment("<html><body><p>one</p></body></html>"))
    return pages


@pytest.mark.parametrize("index", range(3 + len(_FIXTURES[::3]) + 2))
def test_page_features_equal_reference(index):
    seg = _pages()[index]
    got, expected = page_features(seg), reference_page_features(seg)
    assert got.X.shape == expected.X.shape and got.X.dtype == expected.X.dtype
    assert np.array_equal(got.X, expected.X)
    assert np.array_equal(got.containers, expected.containers)
    assert np.array_equal(got.lengths, expected.lengths)
    assert np.array_equal(got.ancestor_groups, expected.ancestor_groups)


def test_empty_page():
    features = page_features(segment("<html><body></body></html>"))
    assert features.X.shape[0] == 0
