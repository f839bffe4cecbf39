"""``extract(html, url)``: segment, label every block, assemble the clean article.

Never raises on bad input: a page that cannot be read gives an ``Article`` with an empty body
and the reason in ``warnings``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

import numpy as np

from classifier.constants import (
    CONTENT_THRESHOLD,
    WARN_EMPTY,
    WARN_INTERNAL,
    WARN_MODEL_ERROR,
)
from classifier.cues import in_comment_thread
from classifier.features import page_features
from classifier.model import BlockModel, ModelError, default_model, model_version
from classifier.segmentation import Block, Segmentation, normalise_space, segment
from classifier.types import CONTENT, LABELS, NAVIGATION, Article, LabelledBlock

__all__ = ["assemble", "extract", "label_blocks", "page_title"]

logger = logging.getLogger(__name__)

_HEADLINE_TAGS = frozenset({"h1", "h2"})
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•»]|::)\s+")
_model_failure: list[str] = []


def extract(html: str | bytes | Any, url: str | None = None, *, model: BlockModel | None = None,
            encoding: str | None = None) -> Article:
    """Extract the article of one page (``str``, ``bytes`` or an lxml tree)."""
    try:
        seg = segment(html, encoding=encoding)
    except Exception as exc:  # segmentation is hardened; this is the last line of defence
        logger.exception("segmentation failed for %s", url)
        return Article(body="", title=None, blocks=(), url=url,
                       warnings=(f"{WARN_INTERNAL}:{type(exc).__name__}",))
    if not seg.blocks:
        warnings = seg.warnings or (WARN_EMPTY,)
        return Article(body="", title=page_title(seg), blocks=(), url=url,
                       language=_language(seg.root), warnings=tuple(warnings))
    try:
        used = model if model is not None else _default_model()
    except ModelError as exc:
        return Article(body="", title=page_title(seg), blocks=(), url=url,
                       language=_language(seg.root),
                       warnings=(*seg.warnings, f"{WARN_MODEL_ERROR}:{exc.reason}"))
    try:
        labelled = label_blocks(seg, used)
        return assemble(seg, labelled, url=url, version=model_version(used))
    except Exception as exc:
        logger.exception("labelling failed for %s", url)
        return Article(body="", title=page_title(seg), blocks=(), url=url,
                       language=_language(seg.root),
                       warnings=(*seg.warnings, f"{WARN_INTERNAL}:{type(exc).__name__}"))


def _default_model() -> BlockModel:
    # Remember a failure so a broken install costs one log line, not one per page.
    if _model_failure:
        raise ModelError(_model_failure[0], _model_failure[1])
    try:
        return default_model()
    except ModelError as exc:
        logger.error("cannot load the block model: %s", exc)
        _model_failure[:] = [exc.path, exc.reason]
        raise


def label_blocks(seg: Segmentation, model: BlockModel) -> list[LabelledBlock]:
    """Label every block of ``seg`` with ``model``."""
    probs = model.predict_page(page_features(seg))
    out = []
    content = LABELS.index(CONTENT)
    for block, row in zip(seg.blocks, probs, strict=True):
        # Content must be clearly the most likely label: extra text costs more than a
        # missed sentence (threshold chosen on the dragnet and l3s-gn1 scores).
        others = row.copy()
        others[content] = -1.0
        best = content if row[content] >= CONTENT_THRESHOLD else int(np.argmax(others))
        out.append(LabelledBlock(
            text=block.text, label=LABELS[best], score=float(row[best]), path=block.path,
            tag=block.tag, scores={label: float(p) for label, p in zip(LABELS, row,
                                                                          strict=True)}))
    return out


def assemble(seg: Segmentation, labelled: list[LabelledBlock], *, url: str | None = None,
             version: str | None = None) -> Article:
    """Build the article: the headline goes to ``title``, other content blocks to ``body``."""
    labelled = _drop_comment_threads(seg.blocks, labelled)
    headline = _headline_index(seg.blocks, labelled)
    labelled = _drop_headline_copies(labelled, headline)
    title = labelled[headline].text if headline is not None else page_title(seg)
    body = "\n\n".join(lb.text for i, lb in enumerate(labelled)
                       if lb.label == CONTENT and i != headline)
    return Article(body=body, title=title, blocks=tuple(labelled), url=url,
                   language=_language(seg.root), model_version=version,
                   warnings=tuple(seg.warnings))


def _as_navigation(lb: LabelledBlock) -> LabelledBlock:
    return replace(lb, label=NAVIGATION, score=float(lb.scores.get(NAVIGATION, 0.0)))


def _drop_comment_threads(blocks: tuple[Block, ...],
                          labelled: list[LabelledBlock]) -> list[LabelledBlock]:
    """Readers' comments are navigation by the taxonomy, however article-like their prose."""
    return [_as_navigation(lb) if lb.label == CONTENT and in_comment_thread(b.tokens, b.ancestors)
            else lb for b, lb in zip(blocks, labelled, strict=True)]


def _text_key(text: str) -> str:
    return text.rstrip(" .…").casefold()


def _drop_headline_copies(labelled: list[LabelledBlock],
                          headline: int | None) -> list[LabelledBlock]:
    """A repeat of the headline elsewhere (a teaser, "Valdoria's premier…") is navigation."""
    if headline is None:
        return labelled
    key = _text_key(labelled[headline].text)
    out = list(labelled)
    for i, lb in enumerate(out):
        if i != headline and lb.label == CONTENT and _text_key(lb.text) == key:
            out[i] = _as_navigation(lb)
    return out


def _headline_index(blocks: tuple[Block, ...], labelled: list[LabelledBlock]) -> int | None:
    """The first content heading before the first content paragraph, if any."""
    for i, (block, lb) in enumerate(zip(blocks, labelled, strict=True)):
        if lb.label != CONTENT:
            continue
        if block.tag in _HEADLINE_TAGS:
            return i
        if len(block.text) > 120:
            return None
    return None


def page_title(seg: Segmentation) -> str | None:
    """og:title or <title>, without the site name."""
    root = seg.root
    if root is None:
        return None
    site = None
    for meta in root.iterfind(".//meta[@property='og:site_name']"):
        site = normalise_space(meta.get("content") or "") or None
    candidates = [meta.get("content") or "" for meta in root.iterfind(".//meta[@property='og:title']")]
    candidates.append(root.findtext(".//title") or "")
    for raw in candidates:
        text = normalise_space(raw)
        if text:
            return _strip_site_name(text, site)
    return None


def _strip_site_name(title: str, site: str | None) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) == 1:
        return title
    if site:
        kept = [p for p in parts if p.strip().lower() != site.lower()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept)
    # Without og:site_name the longest part is the headline, the short ones the site.
    return max(parts, key=len)


def _language(root: Any) -> str | None:
    if root is None:
        return None
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        for meta in root.iterfind(".//meta[@http-equiv]"):
            if (meta.get("http-equiv") or "").lower() == "content-language":
                lang = meta.get("content")
                break
    if not lang:
        return None
    return lang.strip().split(",")[0].strip().replace("_", "-")[:20] or None
