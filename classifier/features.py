"""Per-block feature vectors for the block model.

``page_features(segmentation)`` turns one page's blocks into a ``PageFeatures``: a float32
matrix (one row per block) plus the page structure the second stage needs (containers and
ancestor groups). Everything is computed from the read-only tree; nothing is changed.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from classifier.blocktext import (
    SEPARATOR,
    BlockPatterns,
    CharTable,
    JoinedTexts,
    SpanHashes,
    anchor_at_blocks,
    text_hash,
)
from classifier.constants import (
    ANCESTOR_TOKEN_LEVELS,
    DENSE_GROUPS_MIN,
    DENSE_GROUPS_PER_ROW,
    NEIGHBOUR_WINDOW,
    TOKEN_HASH_BUCKETS,
)
from classifier.cues import (
    CLASS_CUES,
    PHRASE_CUES,
    STOPWORDS,
    TAG_VOCABULARY,
)
from classifier.segmentation import Block, Segmentation

__all__ = ["FEATURE_VERSION", "PageFeatures", "feature_names", "groups_of", "page_features"]

#: Bump when the meaning of a column changes (recorded in the model sidecar).
FEATURE_VERSION = 1

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?。！？](?:[\"'”’»)]*)(?:\s|$)")
_SENTENCE_END_JOINED = anchor_at_blocks(_SENTENCE_END)
_PRICE = re.compile(r"(?:[$€£¥₹]\s?\d|\d(?:[.,]\d\d)?\s?(?:€|\$|£|eur|usd|rs\.?)\b)", re.I)
_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[./:]\d{1,2}\b")
_CONTEXT_TAGS = ("nav", "header", "footer", "aside", "article", "main", "form", "ul", "ol",
                 "table", "a", "figure", "blockquote", "section", "button", "select", "li",
                 "h1", "h2", "h3", "dialog", "label", "time", "address")
_NO_MATCH_LEVEL = ANCESTOR_TOKEN_LEVELS + 4
_SAMPLE_CHARS = 1_500
_UPPER = re.compile(r"[^\W\d_a-zß-ÿ]")  # approximates upper-case letters cheaply
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[.,;:!?]")
_SENTENCE_CLOSERS = "\"'”’») "
_SENTENCE_ENDS = ".!?。！？:"
_PIPE = re.compile("[|•·»›]")
_QUOTE = re.compile("[\"“”«»„]")
#: Character classes counted per block, one flag bit each (``CharTable``).
_CHARS = CharTable([re.compile(r"\w"), _UPPER, _DIGIT, _PUNCT, re.compile(","), _PIPE, _QUOTE])
_WORD_BIT, _UPPER_BIT, _DIGIT_BIT, _PUNCT_BIT, _COMMA_BIT, _PIPE_BIT, _QUOTE_BIT = range(7)
_WORDS_COLUMN = 7  # CharTable.class_counts: runs of word characters
#: Prices and dates in one scan: a faster pattern that matches wherever one of the exact ones
#: does (candidates, then checked); it starts with one character class (a digit or a currency
#: sign), so the regex engine skips ahead to the next candidate.
_NUMBER_FAST = re.compile(r"[$€£¥₹\d](?:(?<=[$€£¥₹])|(?:[.,]\d\d)?\s?[€$£eEuUrR]"  # price
                          r"|(?<=[12])[09]\d\d|(?<=\d)\d?[./:])")  # date
_NUMBER_SEARCH = BlockPatterns([_PRICE, _DATE], fast=_NUMBER_FAST)
_PHRASE_SEARCH = BlockPatterns([p for _, p in PHRASE_CUES])
#: Characters of a block searched for phrase cues (notices and labels are short).
_CUE_CHARS = 400
#: Hashes of the stopwords (``SpanHashes``): the words of a page are looked up by hash.
_STOPWORD_HASHES = np.unique(np.array([text_hash(w) for w in STOPWORDS], dtype=np.uint64))
_HASH_CACHE: dict[str, int] = {}
_LEVEL_CACHE: dict[tuple[str, ...], int] = {}
_OWN_CACHE: dict[tuple[str, ...], np.ndarray] = {}
_ELEMENT_CACHE: dict[tuple[str, tuple[str, ...]], tuple[list[int], int]] = {}
_CACHE_LIMIT = 50_000
_NUMBERS = attrgetter("depth", "link_chars", "n_links", "n_images", "n_inline", "partial",
                      "offset", "container")

_BASE_NAMES: list[str] = [
    "log_chars", "log_words", "mean_word_len", "upper_frac", "digit_frac", "punct_frac",
    "comma_per_word", "sentences", "ends_sentence", "starts_upper", "link_density",
    "log_links", "links_per_word", "log_images", "log_inline", "stopword_ratio",
    "price", "date_like", "pipe_or_bullet", "quote_chars", "is_partial",
    "depth", "rel_depth", "rel_position", "rel_index", "chars_before", "chars_after",
    "title_overlap", "title_exact", "duplicate_count", "container_blocks",
    "container_share", "container_link_density", "in_ld_part", "page_not_free",
    "page_log_blocks", "page_log_chars", "same_tag_run",
    *[f"tag={t}" for t in TAG_VOCABULARY], "tag=other",
    *[f"in_{t}" for t in _CONTEXT_TAGS],
    *[f"class_level={name}" for name, _ in CLASS_CUES],
    *[f"phrase={name}" for name, _ in PHRASE_CUES],
]
#: Columns copied from each neighbouring block.
_NEIGHBOUR_COLUMNS = ("log_chars", "link_density", "stopword_ratio", "ends_sentence",
                      "tag=p", "tag=li", "tag=a", "depth", *[f"class_level={n}" for n, _ in CLASS_CUES])
_OFFSETS = [o for o in range(-NEIGHBOUR_WINDOW, NEIGHBOUR_WINDOW + 1) if o]


def feature_names() -> list[str]:
    """Names of the feature columns, in order."""
    names = list(_BASE_NAMES)
    for offset in _OFFSETS:
        names += [f"n{offset:+d}:{c}" for c in _NEIGHBOUR_COLUMNS]
    names += [f"own_tok#{i}" for i in range(TOKEN_HASH_BUCKETS // 2)]
    names += [f"anc_tok#{i}" for i in range(TOKEN_HASH_BUCKETS // 2)]
    return names


_BASE_INDEX = {name: i for i, name in enumerate(_BASE_NAMES)}
_NEIGHBOUR_INDEX = [_BASE_INDEX[c] for c in _NEIGHBOUR_COLUMNS]
_TAG_INDEX = {t: _BASE_INDEX[f"tag={t}"] for t in TAG_VOCABULARY}
_OTHER_TAG = _BASE_INDEX["tag=other"]
_CONTEXT_BASE = _BASE_INDEX[f"in_{_CONTEXT_TAGS[0]}"]
_CONTEXT_COLUMN = {tag: i for i, tag in enumerate(_CONTEXT_TAGS)}
_LEVEL_BASE = _BASE_INDEX[f"class_level={CLASS_CUES[0][0]}"]
_PHRASE_BASE = _BASE_INDEX[f"phrase={PHRASE_CUES[0][0]}"]
_OWN_BASE = len(_BASE_NAMES) + len(_OFFSETS) * len(_NEIGHBOUR_COLUMNS)
_ANC_BASE = _OWN_BASE + TOKEN_HASH_BUCKETS // 2
_N_FEATURES = len(feature_names())


@dataclass(slots=True)
class PageFeatures:
    """Feature matrix of one page and the structure used by the second stage."""

    X: np.ndarray
    #: Per block: serial of the element holding it (blocks sharing it are container siblings).
    containers: np.ndarray
    #: Per block: text length (weights for neighbourhood averages).
    lengths: np.ndarray
    #: Per block and level (1..3): an id of the ancestor at that level, for group averages.
    ancestor_groups: np.ndarray


def _hash(token: str) -> int:
    bucket = _HASH_CACHE.get(token)
    if bucket is None:
        bucket = zlib.crc32(token.encode("utf-8", "replace")) % (TOKEN_HASH_BUCKETS // 2)
        if len(_HASH_CACHE) < _CACHE_LIMIT:
            _HASH_CACHE[token] = bucket
    return bucket


def _group_mask(tokens: tuple[str, ...]) -> int:
    """Bit ``g`` set when ``tokens`` match class-cue group ``g`` (cached: pages repeat them)."""
    mask = _LEVEL_CACHE.get(tokens)
    if mask is None:
        mask = 0
        for group, (_, vocabulary) in enumerate(CLASS_CUES):
            if not vocabulary.isdisjoint(tokens):
                mask |= 1 << group
        if len(_LEVEL_CACHE) < _CACHE_LIMIT:
            _LEVEL_CACHE[tokens] = mask
    return mask


def _own_tokens(tokens: tuple[str, ...]) -> np.ndarray:
    """Hashed-token counts of a block element's own tokens (cached: pages repeat them)."""
    row = _OWN_CACHE.get(tokens)
    if row is None:
        row = np.zeros(TOKEN_HASH_BUCKETS // 2, dtype=np.float32)
        for token in tokens:
            row[_hash(token)] += 1.0
        if len(_OWN_CACHE) < _CACHE_LIMIT:
            _OWN_CACHE[tokens] = row
    return row


def _element_info(element: tuple[str, tuple[str, ...]]) -> tuple[list[int], int]:
    """An ancestor's hash buckets (its tag, then its tokens) and class-cue group mask
    (cached: sites repeat them)."""
    info = _ELEMENT_CACHE.get(element)
    if info is None:
        tag, tokens = element
        info = ([_hash("<" + tag), *map(_hash, tokens)], _group_mask(tokens) if tokens else 0)
        if len(_ELEMENT_CACHE) < _CACHE_LIMIT:
            _ELEMENT_CACHE[element] = info
    return info


def _ld_info(ld_json: Sequence[str]) -> tuple[bool, list[str]]:
    """(page declares ``isAccessibleForFree: false``, ``hasPart.cssSelector`` values), from
    the texts of its JSON-LD scripts."""
    not_free = False
    selectors: list[str] = []
    for raw in ld_json:
        if len(raw) > 500_000 or "ccessibleForFree" not in raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack, seen = [data], 0
        while stack and seen < 10_000:
            item = stack.pop()
            seen += 1
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                free = item.get("isAccessibleForFree")
                if str(free).lower() in ("false", "0", "no"):
                    not_free = True
                    selector = item.get("cssSelector")
                    if isinstance(selector, str):
                        selectors.append(selector)
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return not_free, selectors


def _ld_part_elements(root: Any, selectors: Sequence[str]) -> set[Any]:
    matched: set[Any] = set()
    for selector in selectors[:20]:
        try:
            found = root.cssselect(selector)
        except Exception:  # a bad selector in the page is just no evidence
            continue
        for element in found[:200]:
            matched.add(element)
    return matched


def _page_title_words(title: str | None, og_titles: Sequence[str]) -> set[str]:
    words: set[str] = set()
    for text in (title or "", *og_titles):
        words.update(w.lower() for w in _WORD.findall(text[:500]))
    return words


def page_features(seg: Segmentation) -> PageFeatures:
    """Compute the feature matrix of every block of ``seg``.

    Column by column over all blocks at once: texts are scanned joined (``JoinedTexts``), and
    what comes from the ancestors is worked out once per container.
    """
    blocks = seg.blocks
    n = len(blocks)
    X = np.zeros((n, _N_FEATURES), dtype=np.float32)
    # Per-block columns are filled as rows of B (contiguous), copied into X at the end.
    B = np.zeros((len(_BASE_NAMES), n))
    if n == 0:
        return PageFeatures(X, np.zeros(0, np.int64), np.zeros(0, np.float32),
                            np.zeros((0, 3), np.int64))
    numbers = np.array(list(map(_NUMBERS, blocks)), dtype=np.float64).reshape(n, 8)
    depth, link_chars, n_links, n_images, n_inline, partial, offset, _ = numbers.T
    containers = numbers[:, 7].astype(np.int64)
    joined = JoinedTexts([b.text for b in blocks])
    texts = joined.texts
    chars = (joined.ends - joined.starts).astype(np.float64)
    total_chars = max(1.0, float(chars.sum()))
    facts = seg.facts()
    n_words = _text_columns(B, joined, chars, _page_title_words(facts.title, facts.og_titles))
    B[10] = link_chars / chars
    B[11] = np.log1p(n_links)
    B[12] = n_links / np.maximum(n_words, 1)
    B[13] = np.log1p(n_images)
    B[14] = np.log1p(n_inline)
    B[20] = partial
    B[21] = depth
    B[22] = depth / max(1.0, float(depth.max()))
    B[23] = offset / total_chars
    B[24] = np.arange(n) / n
    B[25] = np.log1p(offset)
    B[26] = np.log1p(total_chars - offset - chars)
    text_counts = Counter(texts)
    B[29] = np.log(np.array([text_counts[t] for t in texts], dtype=np.float64))
    inverse, counts = groups_of(containers)
    container_chars = np.bincount(inverse, weights=chars)
    container_links = np.bincount(inverse, weights=link_chars)
    B[30] = np.log1p(counts[inverse])
    B[31] = container_chars[inverse] / total_chars
    B[32] = container_links[inverse] / np.maximum(1.0, container_chars[inverse])
    not_free, selectors = _ld_info(facts.ld_json)
    ld_parts = _ld_part_elements(seg.root, selectors) if selectors else set()
    if ld_parts:
        B[33] = [float(b.element in ld_parts or any(a in ld_parts
                                                       for a in b.element.iterancestors()))
                    for b in blocks]
    B[34] = float(not_free)
    B[35] = math.log1p(n)
    B[36] = math.log1p(total_chars)
    tags = [b.tag for b in blocks]
    B[37] = np.log1p(_same_tag_runs(tags))
    B[[_TAG_INDEX.get(tag, _OTHER_TAG) for tag in tags], np.arange(n)] = 1.0
    _structure_columns(X, B, blocks, containers)
    X[:, :len(_BASE_NAMES)] = B.T
    _add_neighbours(X, len(_BASE_NAMES))
    groups = np.array([(*b.lineage[:3], -1, -1, -1)[:3] for b in blocks], dtype=np.int64)
    return PageFeatures(X, containers, chars.astype(np.float32), groups)


def _text_columns(B: np.ndarray, joined: JoinedTexts, chars: np.ndarray,
                  title_words: set[str]) -> np.ndarray:
    """Rows of ``B`` (base columns) read from the block texts; returns the words per block."""
    texts = joined.texts
    n = len(texts)
    n_sample = np.minimum(chars, _SAMPLE_CHARS)
    # Character and word ratios from a bounded sample: long blocks cost no more.
    long_blocks = np.flatnonzero(chars > _SAMPLE_CHARS).tolist()
    sample = JoinedTexts([t[:_SAMPLE_CHARS] for t in texts]) if long_blocks else joined
    counts = sample.class_counts(_CHARS, runs_of=_WORD_BIT)
    for i in long_blocks:  # these two look at the whole text
        counts[i, _PIPE_BIT] = _PIPE.search(texts[i]) is not None
        counts[i, _QUOTE_BIT] = _QUOTE.search(texts[i]) is not None
    low = sample.text.lower()
    # Lower-casing keeps each character a word character or not; only when it changes the
    # length (a character becoming two) must the words be counted again.
    if len(low) == len(sample.text):
        word_counts = counts
        starts, ends = sample.runs(_CHARS, _WORD_BIT)  # where \w+ matches
    else:
        word_counts = sample.class_counts(_CHARS, text=low, runs_of=_WORD_BIT)
        starts, ends = _word_spans(low)
    lows = low.split(SEPARATOR)
    if starts.shape[0] != word_counts[:, _WORDS_COLUMN].sum():  # never, unless tables disagree
        per_block = [_WORD.findall(text) for text in lows]
        word_counts[:, _WORDS_COLUMN] = [len(w) for w in per_block]
        word_counts[:, _WORD_BIT] = [sum(map(len, w)) for w in per_block]
        starts, ends = _word_spans(low)
    # Words are looked up by hash: no string per word (most of a page's text is words).
    word_hashes = SpanHashes(low).of(starts, ends)
    n_words = word_counts[:, _WORDS_COLUMN].astype(np.float64)
    has_words = n_words > 0
    some_words = np.maximum(n_words, 1)
    owner = np.repeat(np.arange(n), word_counts[:, _WORDS_COLUMN])
    B[0] = np.log1p(chars)
    B[1] = np.log1p(n_words * chars / n_sample)
    B[2] = np.where(has_words, word_counts[:, _WORD_BIT] / some_words, 0.0)
    B[3] = counts[:, _UPPER_BIT] / n_sample
    B[4] = counts[:, _DIGIT_BIT] / n_sample
    B[5] = counts[:, _PUNCT_BIT] / n_sample
    B[6] = counts[:, _COMMA_BIT] / some_words
    B[7] = joined.match_counts(_SENTENCE_END_JOINED)
    B[8] = [t.rstrip(_SENTENCE_CLOSERS)[-1:] in _SENTENCE_ENDS for t in texts]
    B[9] = [t[:1].isupper() for t in texts]
    stop = _member(word_hashes, _STOPWORD_HASHES).astype(np.float64)
    B[15] = np.where(has_words, np.bincount(owner, stop, n) / some_words, 0.0)
    B[16:18] = joined.hits(_NUMBER_SEARCH).T  # price, date
    B[18] = counts[:, _PIPE_BIT] > 0
    B[19] = counts[:, _QUOTE_BIT] > 0
    if title_words:
        title_hashes = np.unique(np.array([text_hash(w) for w in title_words], dtype=np.uint64))
        in_title = _member(word_hashes, title_hashes).astype(np.float64)
        common = np.bincount(owner, in_title, n)
        B[27] = np.where(has_words, common / some_words, 0.0)
        B[28] = has_words & (common == n_words) & (n_words >= 3)
    cues = JoinedTexts([text[:_CUE_CHARS] for text in lows])
    B[_PHRASE_BASE:_PHRASE_BASE + len(PHRASE_CUES)] = cues.hits(_PHRASE_SEARCH).T
    return n_words


def groups_of(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row the number of its group (rows with equal ``keys`` share one), and per group
    number its rows: ``np.unique(keys, return_inverse=True, return_counts=True)`` up to the
    numbering (empty groups may lie between). Element serial numbers (small, none below -1)
    are their own group numbers, counted by ``bincount`` without a sort."""
    n = keys.shape[0]
    if n and keys.min() >= -1 and keys.max() < DENSE_GROUPS_PER_ROW * n + DENSE_GROUPS_MIN:
        inverse = keys + 1
        return inverse, np.bincount(inverse)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return inverse, counts


def _member(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Per value: is it in ``table`` (sorted, not empty)?"""
    index = np.searchsorted(table, values)
    index[index == table.shape[0]] = 0
    return np.asarray(table[index] == values)


def _word_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words (``\\w+``) of ``text``."""
    spans = np.array([m.span() for m in _WORD.finditer(text)], dtype=np.int64).reshape(-1, 2)
    return spans[:, 0], spans[:, 1]


def _same_tag_runs(tags: list[str]) -> np.ndarray:
    """Per block: blocks right before it with the same tag (0 for the first of a run)."""
    index = np.arange(len(tags))
    starts_run = np.ones(len(tags), dtype=bool)
    starts_run[1:] = [a != b for a, b in itertools.pairwise(tags)]
    return index - np.maximum.accumulate(np.where(starts_run, index, 0))


def _structure_columns(X: np.ndarray, B: np.ndarray, blocks: Sequence[Block],
                       containers: np.ndarray) -> None:
    """Tag context and class-cue levels (rows of ``B``), hashed tokens (columns of ``X``) of
    the block and its ancestors."""
    width = TOKEN_HASH_BUCKETS // 2
    own_index: dict[tuple[str, ...], int] = {}
    own = np.array([own_index.setdefault(b.tokens, len(own_index)) for b in blocks])
    X[:, _OWN_BASE:_OWN_BASE + width] = np.array([_own_tokens(t) for t in own_index])[own]
    own_masks = np.array([_group_mask(t) if t else 0 for t in own_index], dtype=np.int64)[own]
    # Blocks of one container share their ancestors: those columns are made per container.
    where: dict[int, int] = {}
    around = np.array([where.setdefault(c, len(where)) for c in containers.tolist()])
    chains = [blocks[i].ancestors for i in np.unique(around, return_index=True)[1].tolist()]
    if any(b.ancestors != chains[k] for b, k in zip(blocks, around.tolist(), strict=True)):
        around = np.arange(len(blocks))  # blocks made by hand: one "container" each
        chains = [b.ancestors for b in blocks]
    near = [chain[:ANCESTOR_TOKEN_LEVELS] for chain in chains]
    per_chain = np.array([len(c) for c in near], dtype=np.int64)
    owner = np.repeat(np.arange(len(near)), per_chain)
    level = np.arange(owner.shape[0]) - np.repeat(np.cumsum(per_chain) - per_chain, per_chain)
    elements = [pair for chain in near for pair in chain]
    # Containers share their ancestors: each distinct (tag, tokens) is looked up once.
    distinct: dict[tuple[str, tuple[str, ...]], int] = {}
    ids = np.array([distinct.setdefault(pair, len(distinct)) for pair in elements],
                   dtype=np.intp)
    infos = list(map(_element_info, distinct))
    lengths = np.array([len(buckets) for buckets, _ in infos], dtype=np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(buckets for buckets, _ in infos),
                       dtype=np.int64, count=int(lengths.sum()))
    per_element = lengths[ids]
    # each element's buckets, in element order: where they start in ``flat``, then a run
    first = np.repeat((np.cumsum(lengths) - lengths)[ids] - (np.cumsum(per_element) - per_element),
                      per_element)
    cells = np.repeat(owner * width, per_element) + flat[first + np.arange(first.shape[0])]
    weights = (1.0 / (1 + np.repeat(level, per_element))).astype(np.float32)
    ancestor_tokens = np.zeros(len(near) * width, dtype=np.float32)
    # One float32 addition per token, in the original order: the same sums to the last bit.
    np.add.at(ancestor_tokens, cells, weights)
    X[:, _ANC_BASE:_ANC_BASE + width] = ancestor_tokens.reshape(-1, width)[around]
    groups = np.arange(len(CLASS_CUES))
    masks = np.array([mask for _, mask in infos], dtype=np.int64)[ids]
    matched = (masks[:, None] >> groups) & 1 == 1
    levels = np.full((len(near), groups.shape[0]), float(_NO_MATCH_LEVEL))
    np.minimum.at(levels, owner, np.where(matched, level[:, None] + 1.0, _NO_MATCH_LEVEL))
    own_matched = (own_masks[:, None] >> groups) & 1 == 1
    B[_LEVEL_BASE:_LEVEL_BASE + groups.shape[0]] = np.where(own_matched, 0.0, levels[around]).T
    context = np.zeros((len(chains), len(_CONTEXT_TAGS)), dtype=np.float32)
    hits = [(k, _CONTEXT_COLUMN[tag]) for k, chain in enumerate(chains) for tag, _ in chain
            if tag in _CONTEXT_COLUMN]
    if hits:
        context[tuple(np.array(hits).T)] = 1.0
    B[_CONTEXT_BASE:_CONTEXT_BASE + len(_CONTEXT_TAGS)] = context[around].T


def _add_neighbours(X: np.ndarray, n_base: int) -> None:
    n = X.shape[0]
    columns = X[:, _NEIGHBOUR_INDEX]
    width = len(_NEIGHBOUR_INDEX)
    for k, offset in enumerate(_OFFSETS):
        start = n_base + k * width
        target = X[:, start:start + width]
        target[:] = -1.0
        if offset < 0 and n > -offset:
            target[-offset:] = columns[:offset]
        elif offset > 0 and n > offset:
            target[:-offset] = columns[offset:]

