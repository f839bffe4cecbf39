"""Test oracle: the block features as first written, one block at a time (slow, plain).

``classifier.features.page_features`` computes the same values column by column for speed;
the tests compare the two on many pages. Kept verbatim apart from the imports.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.constants import ANCESTOR_TOKEN_LEVELS, NEIGHBOUR_WINDOW, TOKEN_HASH_BUCKETS
from classifier.cues import CLASS_CUES, PHRASE_CUES, STOPWORDS, TAG_VOCABULARY
from classifier.features import PageFeatures, feature_names
from classifier.segmentation import Block, Segmentation

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?。！？](?:[\"'”’»)]*)(?:\s|$)")
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
#: Characters of a block searched for phrase cues (notices and labels are short).
_CUE_CHARS = 400
_HASH_CACHE: dict[str, int] = {}
_LEVEL_CACHE: dict[tuple[str, ...], int] = {}
_CACHE_LIMIT = 50_000

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


_BASE_INDEX = {name: i for i, name in enumerate(_BASE_NAMES)}
_NEIGHBOUR_INDEX = [_BASE_INDEX[c] for c in _NEIGHBOUR_COLUMNS]
_TAG_INDEX = {t: _BASE_INDEX[f"tag={t}"] for t in TAG_VOCABULARY}


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


def _class_levels(block: Block) -> list[int]:
    """For each class-cue group, the nearest level (0 = the block) whose tokens match it."""
    levels = [_NO_MATCH_LEVEL] * len(CLASS_CUES)
    chain = [block.tokens] + [tokens for _, tokens in block.ancestors[:ANCESTOR_TOKEN_LEVELS]]
    for level, tokens in enumerate(chain):
        if not tokens:
            continue
        mask = _group_mask(tokens)
        if not mask:
            continue
        for group in range(len(CLASS_CUES)):
            if mask >> group & 1 and levels[group] == _NO_MATCH_LEVEL:
                levels[group] = level
    return levels


def _ld_info(root: Any) -> tuple[bool, list[str]]:
    """(page declares ``isAccessibleForFree: false``, ``hasPart.cssSelector`` values)."""
    not_free = False
    selectors: list[str] = []
    if root is None:
        return not_free, selectors
    for script in root.iterfind(".//script[@type='application/ld+json']"):
        raw = script.text or ""
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


def _page_title_words(root: Any) -> set[str]:
    if root is None:
        return set()
    texts = [root.findtext(".//title") or ""]
    for meta in root.iterfind(".//meta[@property='og:title']"):
        texts.append(meta.get("content") or "")
    words: set[str] = set()
    for text in texts:
        words.update(w.lower() for w in _WORD.findall(text[:500]))
    return words


def reference_page_features(seg: Segmentation) -> PageFeatures:
    """The features as first written: one Python pass per block."""
    blocks = seg.blocks
    n = len(blocks)
    names = feature_names()
    n_base = len(_BASE_NAMES)
    X = np.zeros((n, len(names)), dtype=np.float32)
    if n == 0:
        return PageFeatures(X, np.zeros(0, np.int64), np.zeros(0, np.float32),
                            np.zeros((0, 3), np.int64))
    root = seg.root
    total_chars = max(1, sum(len(b.text) for b in blocks))
    max_depth = max(1, max(b.depth for b in blocks))
    title_words = _page_title_words(root)
    not_free, selectors = _ld_info(root)
    ld_parts = _ld_part_elements(root, selectors) if selectors else set()
    text_counts = Counter(b.text for b in blocks)
    containers = np.array([b.container for b in blocks], dtype=np.int64)
    container_count = Counter(containers.tolist())
    container_chars: Counter[int] = Counter()
    container_links: Counter[int] = Counter()
    for b in blocks:
        container_chars[b.container] += len(b.text)
        container_links[b.container] += b.link_chars
    lengths = np.array([len(b.text) for b in blocks], dtype=np.float32)
    own_base = n_base + len(_OFFSETS) * len(_NEIGHBOUR_COLUMNS)
    anc_base = own_base + TOKEN_HASH_BUCKETS // 2
    groups = np.zeros((n, 3), dtype=np.int64)
    page_log_blocks, page_log_chars = math.log1p(n), math.log1p(total_chars)
    run = 0
    for i, b in enumerate(blocks):
        row = X[i]
        text = b.text
        chars = len(text)
        # Character and word ratios from a bounded sample: long blocks cost no more.
        sample = text[:_SAMPLE_CHARS]
        low = sample.lower()
        words = lower_words = _WORD.findall(low)
        n_words = len(words)
        n_sample = len(sample)
        row[0] = math.log1p(chars)
        row[1] = math.log1p(n_words * chars / n_sample)
        row[2] = (sum(map(len, words)) / n_words) if n_words else 0.0
        row[3] = len(_UPPER.findall(sample)) / n_sample
        row[4] = len(_DIGIT.findall(sample)) / n_sample
        row[5] = len(_PUNCT.findall(sample)) / n_sample
        row[6] = sample.count(",") / (n_words or 1)
        row[7] = len(_SENTENCE_END.findall(text))
        row[8] = float(text.rstrip("\"'”’») ")[-1:] in ".!?。！？:")
        row[9] = float(text[:1].isupper())
        row[10] = b.link_chars / chars
        row[11] = math.log1p(b.n_links)
        row[12] = b.n_links / (n_words or 1)
        row[13] = math.log1p(b.n_images)
        row[14] = math.log1p(b.n_inline)
        row[15] = sum(map(STOPWORDS.__contains__, words)) / n_words if n_words else 0.0
        row[16] = float(bool(_PRICE.search(text)))
        row[17] = float(bool(_DATE.search(text)))
        row[18] = float(any(c in text for c in "|•·»›"))
        row[19] = float(any(c in text for c in "\"“”«»„"))
        row[20] = float(b.partial)
        row[21] = b.depth
        row[22] = b.depth / max_depth
        row[23] = b.offset / total_chars
        row[24] = i / n
        row[25] = math.log1p(b.offset)
        row[26] = math.log1p(total_chars - b.offset - chars)
        if title_words and n_words:
            common = sum(1 for w in lower_words if w in title_words)
            row[27] = common / n_words
            row[28] = float(common == n_words and n_words >= 3)
        row[29] = math.log(text_counts[text])
        row[30] = math.log1p(container_count[b.container])
        row[31] = container_chars[b.container] / total_chars
        row[32] = container_links[b.container] / max(1, container_chars[b.container])
        if ld_parts:
            element = b.element
            row[33] = float(element in ld_parts or any(a in ld_parts
                                                       for a in element.iterancestors()))
        row[34] = float(not_free)
        row[35] = page_log_blocks
        row[36] = page_log_chars
        run = run + 1 if i and blocks[i - 1].tag == b.tag else 0
        row[37] = math.log1p(run)
        row[_TAG_INDEX.get(b.tag, _BASE_INDEX["tag=other"])] = 1.0
        anc_tags = set(b.ancestor_tags)
        for tag in _CONTEXT_TAGS:
            if tag in anc_tags:
                row[_BASE_INDEX[f"in_{tag}"]] = 1.0
        base = _BASE_INDEX[f"class_level={CLASS_CUES[0][0]}"]
        for g, level in enumerate(_class_levels(b)):
            row[base + g] = level
        base = _BASE_INDEX[f"phrase={PHRASE_CUES[0][0]}"]
        cue_text = low[:_CUE_CHARS]
        for g, (_, pattern) in enumerate(PHRASE_CUES):
            if pattern.search(cue_text):
                row[base + g] = 1.0
        for token in b.tokens:
            row[own_base + _hash(token)] += 1.0
        for level, (tag, tokens) in enumerate(b.ancestors[:ANCESTOR_TOKEN_LEVELS]):
            weight = 1.0 / (1 + level)
            row[anc_base + _hash("<" + tag)] += weight
            for token in tokens:
                row[anc_base + _hash(token)] += weight
        lineage = b.lineage
        for level in range(3):
            groups[i, level] = lineage[level] if level < len(lineage) else -1
    _add_neighbours(X, n_base)
    return PageFeatures(X, containers, lengths, groups)


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

