"""``extract(html, url)``: segment, label every block, assemble the clean article.

Never raises on bad input: a page that cannot be read gives an ``Article`` with an empty body
and the reason in ``warnings``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

from classifier.constants import (
    ANCESTOR_PATH_CACHE_ENTRIES,
    BODY_LIST_INTRO_MIN_WORDS,
    BODY_LIST_MAX_LINK_SHARE,
    CAPTIONS_OUT_MIN_RATIO,
    COMMENTS_CUT_MIN_CHARS,
    COMMENTS_HEADED_CUT_MIN_CHARS,
    CONTENT_THRESHOLD,
    FALLBACK_MIN_SCORE,
    FALLBACK_PROSE_MAX_LINK_SHARE,
    FALLBACK_PROSE_MIN_CHARS,
    FALLBACK_REGION_MIN_SCORE,
    FALLBACK_SCORE_MARGIN,
    FALLBACK_SHORT_BODY_CHARS,
    FALLBACK_SHORT_BODY_RATIO,
    IMAGE_BOX_MAX_CHARS,
    LEAD_MARKED_MIN_CHARS,
    LEAD_MAX_LINK_SHARE,
    LEAD_MIN_CHARS,
    LIST_MAJORITY_MAX_CONTENT_SHARE,
    LIST_MAJORITY_MIN_ITEMS,
    MAIN_REGION_SHARE,
    MARKED_BODY_MAX_LINK_SHARE,
    MARKED_BODY_MIN_CHARS,
    MARKED_BODY_SCORE,
    METADATA_MAX_WORDS,
    MODULE_CUT_MIN_CHARS,
    OUTSIDE_REGION_SCORE,
    PARALLEL_MAX_LINK_SHARE,
    PARALLEL_MIN_CHARS,
    PARALLEL_PASSES,
    PARALLEL_PATH_MIN_CHARS,
    PARALLEL_PAYWALL_MIN_SCORE,
    PICTURE_BOX_MAX_CHARS,
    REGION_CACHE_ENTRIES,
    REGION_GAP_CHARS,
    REGION_MIN_CHARS,
    REGION_RUN_MIN_CHARS,
    SECTION_H1_MIN,
    SLIDESHOW_MIN_ARTICLE_CHARS,
    SLIDESHOW_MIN_SLIDES,
    SPLIT_BODY_GAP_CHARS,
    SPLIT_BODY_LEVELS,
    SUBHEAD_LINKED_NEIGHBOUR_MIN_CHARS,
    SUBHEAD_MAX_WORDS,
    SUBHEAD_NEIGHBOUR_MAX_LINK_SHARE,
    WARN_EMPTY,
    WARN_INTERNAL,
    WARN_MODEL_ERROR,
    WIDENED_REGION_MIN_CHARS,
)
from classifier.cues import (
    caption_box_levels,
    ends_with_photo_credit,
    in_bio_box,
    in_comment_thread,
    in_consent_dialog,
    in_sidebar,
    in_story_insert,
    is_ad_label,
    is_affiliate_disclosure,
    is_body_marked,
    is_caption,
    is_comments_heading,
    is_form_control,
    is_inset,
    is_lead_marked,
    is_link_menu,
    is_metadata_line,
    is_related_link,
    is_related_module_heading,
    is_site_furniture,
    is_truncation_notice,
    looks_like_code,
    looks_like_data,
    marked_never_article,
    marks_body,
)
from classifier.features import page_features
from classifier.model import BlockModel, ModelError, default_model, model_version
from classifier.segmentation import Block, Segmentation, normalise_space, segment
from classifier.types import (
    AD,
    CONTENT,
    LABELS,
    NAVIGATION,
    PAYWALL,
    Article,
    LabelledBlock,
    new_labelled_block,
)

__all__ = ["assemble", "extract", "label_blocks", "page_title"]

_T = TypeVar("_T")

logger = logging.getLogger(__name__)

_HEADLINE_TAGS = frozenset({"h1", "h2"})
_SUBHEAD_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_HEADING_TAGS = _HEADLINE_TAGS | _SUBHEAD_TAGS
#: Blocks that are the article's own prose or list, whatever stands beside them.
_PROSE_TAGS = frozenset({"p", "li"})
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•»]|::)\s+")
_PATH_INDEX = re.compile(r"\[\d+\]")
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
                       language=_language(seg), warnings=tuple(warnings))
    try:
        used = model if model is not None else _default_model()
    except ModelError as exc:
        return Article(body="", title=page_title(seg), blocks=(), url=url,
                       language=_language(seg),
                       warnings=(*seg.warnings, f"{WARN_MODEL_ERROR}:{exc.reason}"))
    try:
        labelled = label_blocks(seg, used)
        return assemble(seg, labelled, url=url, version=model_version(used))
    except Exception as exc:
        logger.exception("labelling failed for %s", url)
        return Article(body="", title=page_title(seg), blocks=(), url=url,
                       language=_language(seg),
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
    content = LABELS.index(CONTENT)
    # Content must be clearly the most likely label: extra text costs more than a
    # missed sentence (threshold chosen on the dragnet and l3s-gn1 scores).
    others = probs.copy()
    others[:, content] = -1.0
    best = np.where(probs[:, content] >= CONTENT_THRESHOLD, content, others.argmax(axis=1))
    # One conversion to Python floats for the page, not one numpy scalar per value; the
    # scores dict made by a literal (a third of the cost of dict(zip(...)) per block).
    c, n, a, p = LABELS
    return [new_labelled_block(block.text, LABELS[i], row[i], block.path, block.tag,
                               {c: row[0], n: row[1], a: row[2], p: row[3]})
            for block, row, i in zip(seg.blocks, probs.tolist(), best.tolist(), strict=True)]


def assemble(seg: Segmentation, labelled: list[LabelledBlock], *, url: str | None = None,
             version: str | None = None) -> Article:
    """Build the article: the headline goes to ``title``, other content blocks to ``body``."""
    meta_title = page_title(seg)
    title_key = _text_key(meta_title) if meta_title else None
    labelled = _one_story(seg.blocks, labelled, title_key)
    labelled = _drop_slideshows(seg.blocks, labelled)
    regions = RegionFinder(seg.blocks)
    labelled = _parallel_paragraphs_until_settled(seg.blocks, labelled, regions)
    labelled = _list_majority(seg.blocks, labelled)
    labelled = _drop_comment_threads(seg.blocks, labelled)
    labelled = _drop_after_comments_heading(seg.blocks, labelled)
    labelled = _drop_related_modules(seg.blocks, labelled)
    labelled = _drop_outside_main_region(seg.blocks, labelled, title_key, regions)
    labelled = _keep_marked_body(seg.blocks, labelled, regions)
    labelled = _keep_subheads(seg.blocks, labelled, regions)
    labelled = _keep_introduced_lists(seg.blocks, labelled, regions)
    headline = _headline_index(seg.blocks, labelled, title_key)
    rescued = _fallback_when_unsure(seg.blocks, labelled, headline)
    if rescued is not labelled:
        # the block the fallback chose may be one of many paragraphs, each in its own wrapper
        labelled = _parallel_paragraphs_until_settled(seg.blocks, rescued, regions)
        labelled = _keep_subheads(seg.blocks, labelled, regions)
    labelled = _drop_headline_copies(labelled, headline)
    title = labelled[headline].text if headline is not None else meta_title
    body: list[tuple[str, bool]] = []
    byline: list[str] = []
    for i, (block, lb) in enumerate(zip(seg.blocks, labelled, strict=True)):
        if lb.label != CONTENT or i == headline:
            continue
        kind = _content_role(block, lb)
        if kind == "body":
            body.append((lb.text, _is_caption(block, lb)))
        else:
            byline.append(lb.text)
    return Article(body="\n\n".join(_without_captions(body)), title=title,
                   blocks=tuple(labelled), url=url, language=_language(seg),
                   model_version=version,
                   warnings=tuple(seg.warnings), byline=tuple(byline))


def _story_root(path: str) -> str | None:
    """The path of the nearest ``<article>`` element holding ``path``."""
    steps = path.split("/")
    for depth in range(len(steps) - 1, 0, -1):
        if _PATH_INDEX.sub("", steps[depth]) == "article":
            return "/".join(steps[:depth + 1])
    return None


def _one_story(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
               title_key: str | None) -> list[LabelledBlock]:
    """An endless page holds the next stories below the first, each an ``<article>`` with its
    own ``<h1>``. When content lies in two or more such stories, the article is the one whose
    headline reads as the page's title, else the first; the others' content is navigation."""
    headlines: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        root = _story_root(block.path) if block.tag == "h1" else None
        if root is not None:
            headlines.setdefault(root, []).append(i)
    if len(headlines) < 2:
        return labelled
    # an <article> inside another (a quoted card in the story) is not a story of its own
    roots = [r for r in headlines if not any(r != o and _inside(r, o) for o in headlines)]
    with_content = [r for r in roots
                    if any(lb.label == CONTENT and _inside(lb.path, r) for lb in labelled)]
    if len(with_content) < 2:
        return labelled
    chosen = next((r for r in with_content if title_key and any(
        _text_key(labelled[i].text) == title_key for i in headlines[r])), with_content[0])
    others = tuple(r for r in with_content if r != chosen)
    return [_as_navigation(lb) if lb.label == CONTENT and _in_any(lb.path, others) else lb
            for lb in labelled]


#: A slide's counter at the start of its caption or heading: "3/50 ...", "3 of 12" (not a
#: date such as "10/28/12").
_SLIDE_COUNTER = re.compile(r"(\d{1,3})\s*(?:/|of)\s*(\d{1,3})(?![/\d])")


def _drop_slideshows(blocks: tuple[Block, ...],
                     labelled: list[LabelledBlock]) -> list[LabelledBlock]:
    """A slideshow set into the story ("1/50 United goin down", "2/50 ...": another desk's
    pictures of the week) is not the article, however article-like its captions; the model
    judges each slide on its own and can let fifty of them outweigh the story. A slide is the
    counter's block and the blocks beside it in its element (``SLIDESHOW_MIN_SLIDES``)."""
    slides: dict[int, dict[int, int]] = {}  # count -> number -> the slide's container
    for block in blocks:
        if block.text[:1].isdigit() and (found := _SLIDE_COUNTER.match(block.text)):
            number, count = int(found[1]), int(found[2])
            if 1 <= number <= count:
                slides.setdefault(count, {})[number] = block.container
    shows = {container for numbered in slides.values() if len(numbered) >= SLIDESHOW_MIN_SLIDES
             for container in numbered.values()}
    if not shows:
        return labelled
    in_show = [lb.label == CONTENT and block.container in shows
               for block, lb in zip(blocks, labelled, strict=True)]
    rest = sum(len(lb.text) for lb, show in zip(labelled, in_show, strict=True)
               if lb.label == CONTENT and not show)
    if rest < SLIDESHOW_MIN_ARTICLE_CHARS:
        return labelled
    return [_as_navigation(lb) if show else lb
            for lb, show in zip(labelled, in_show, strict=True)]


def _keep_subheads(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                   finder: RegionFinder) -> list[LabelledBlock]:
    """A sub-head (``<h2>`` to ``<h6>``, at most ``SUBHEAD_MAX_WORDS`` words, not mostly a link)
    right between two content paragraphs of the main region is content: the model, reading a
    short line on its own, often takes it for a teaser's or a module's heading."""
    candidates = [i for i in range(1, len(blocks) - 1)
                  if labelled[i].label != CONTENT and blocks[i].tag in _SUBHEAD_TAGS
                  and labelled[i - 1].label == CONTENT and labelled[i + 1].label == CONTENT
                  and blocks[i - 1].tag not in _HEADLINE_TAGS
                  and blocks[i + 1].tag not in _HEADLINE_TAGS
                  and len(labelled[i].text.split(None, SUBHEAD_MAX_WORDS)) <= SUBHEAD_MAX_WORDS
                  and (blocks[i].link_chars < LEAD_MAX_LINK_SHARE * len(labelled[i].text)
                       or _between_own_prose(blocks, labelled, i))]
    regions = finder.body(labelled) if candidates else ()
    out = list(labelled)
    for i in candidates:
        block, lb = blocks[i], labelled[i]
        if (all(_in_any(blocks[k].path, regions) for k in (i - 1, i, i + 1))
                and not _never_article(block, lb)):
            out[i] = replace(lb, label=CONTENT, score=lb.scores[CONTENT])
    return out


def _keep_introduced_lists(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                           finder: RegionFinder) -> list[LabelledBlock]:
    """A list the article introduces ("... the two drawbacks:") is content: set between two
    content paragraphs of its own container in the main region, the first ending in a colon,
    and not mostly links (``BODY_LIST_MAX_LINK_SHARE``). The model, reading each short item on
    its own, takes it for a menu entry."""
    lists = _list_items(blocks)
    out = labelled
    regions: tuple[str, ...] | None = None
    for items in lists.values():
        before, after = items[0] - 1, items[-1] + 1
        # one flat list (a nested one interleaves its own items), not at the page's ends
        if (before < 0 or after >= len(blocks) or after - before - 1 != len(items)
                or all(labelled[i].label == CONTENT for i in items)):
            continue
        lineage = blocks[items[0]].lineage
        if len(lineage) < 2 or not _introduces_list(blocks, labelled, before, after, lineage[1]):
            continue
        chars = sum(len(labelled[i].text) for i in items)
        if sum(blocks[i].link_chars for i in items) >= BODY_LIST_MAX_LINK_SHARE * chars:
            continue
        if regions is None:
            regions = finder.body(labelled)
        if not (_in_any(blocks[before].path, regions) and _in_any(blocks[after].path, regions)):
            continue
        if out is labelled:
            out = list(labelled)
        for i in items:
            if labelled[i].label != CONTENT and not _never_article(blocks[i], labelled[i]):
                out[i] = replace(labelled[i], label=CONTENT, score=labelled[i].scores[CONTENT])
    return out


def _introduces_list(blocks: tuple[Block, ...], labelled: list[LabelledBlock], before: int,
                     after: int, parent: int) -> bool:
    """Block ``before`` is a sentence of element ``parent`` (``BODY_LIST_INTRO_MIN_WORDS`` words
    or more, not a spec sheet's "Battery type:") ending in a colon, block ``after`` content of
    the same element, and both are content: the list between them is part of the prose."""
    intro = labelled[before].text
    return (labelled[before].label == CONTENT and labelled[after].label == CONTENT
            and blocks[before].container == parent and blocks[after].container == parent
            and blocks[before].tag not in _HEADING_TAGS and intro.rstrip().endswith(":")
            and len(intro.split(None, BODY_LIST_INTRO_MIN_WORDS)) >= BODY_LIST_INTRO_MIN_WORDS)


def _between_own_prose(blocks: tuple[Block, ...], labelled: list[LabelledBlock], i: int) -> bool:
    """Block ``i`` sits between two paragraphs of prose (at least
    ``SUBHEAD_LINKED_NEIGHBOUR_MIN_CHARS``, under ``SUBHEAD_NEIGHBOUR_MAX_LINK_SHARE`` in
    links) of its own container: a sub-head there may be a link (a review's product names),
    a teaser there would be set apart in a box of its own."""
    container = blocks[i].container
    return all(blocks[k].container == container
               and len(labelled[k].text) >= SUBHEAD_LINKED_NEIGHBOUR_MIN_CHARS
               and blocks[k].link_chars < SUBHEAD_NEIGHBOUR_MAX_LINK_SHARE * len(labelled[k].text)
               for k in (i - 1, i + 1))


def _list_items(blocks: tuple[Block, ...]) -> dict[int, list[int]]:
    """The indices of the ``<li>`` blocks of each list (by the list element's serial)."""
    lists: dict[int, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.tag == "li":
            lists.setdefault(block.container, []).append(i)
    return lists


def _list_majority(blocks: tuple[Block, ...],
                   labelled: list[LabelledBlock]) -> list[LabelledBlock]:
    """A list is one unit: when at most ``LIST_MAJORITY_MAX_CONTENT_SHARE`` of its items (of
    ``LIST_MAJORITY_MIN_ITEMS`` or more) are content, those take the label most of the others
    have. The model judges every item on its own and trusts one that reads like prose in a
    paywall's list of benefits or a list of teasers."""
    lists = _list_items(blocks)
    out = list(labelled)
    for items in lists.values():
        content = [i for i in items if labelled[i].label == CONTENT]
        if (not content or len(items) < LIST_MAJORITY_MIN_ITEMS
                or len(content) > LIST_MAJORITY_MAX_CONTENT_SHARE * len(items)):
            continue
        label = Counter(labelled[i].label for i in items
                        if labelled[i].label != CONTENT).most_common(1)[0][0]
        for i in content:
            out[i] = replace(labelled[i], label=label, score=float(labelled[i].scores[label]))
    return out


def _is_caption(block: Block, lb: LabelledBlock) -> bool:
    """A photo caption: marked up as one, ending in a photo credit, the text of a small
    element made for a picture it holds (``cues.caption_box_levels``: a ``<figure>``, or the
    block's parent named for its picture, "imgbox", "image-widget"), or else the text of a
    small element beside its picture (``_beside_picture``)."""
    if is_caption(block.tag, block.tokens, block.ancestors) or ends_with_photo_credit(lb.text):
        return True
    levels = caption_box_levels(block.tag, block.tokens, block.ancestors)
    if levels is None:
        return _beside_picture(block)
    box = block.element
    for _ in range(levels):
        box = box.getparent()
        if box is None:
            return False
    return _small_picture_box(box, IMAGE_BOX_MAX_CHARS)


def _beside_picture(block: Block) -> bool:
    """The text of a small element that holds a picture, unmarked: a caption set in a plain
    ``<div>`` beside its image, or an image tile's teaser ("Win tickets ..."). Paragraphs and
    list items are the article's own prose and lists, even with an image among them."""
    if block.tag in _PROSE_TAGS or block.element is None:
        return False
    box = block.element.getparent()
    return box is not None and _small_picture_box(box, PICTURE_BOX_MAX_CHARS)


def _small_picture_box(box: Any, limit: int) -> bool:
    """``box`` holds an ``<img>`` / ``<picture>`` and at most ``limit`` characters of text."""
    # the text first: it stops at the limit, where looking for a picture walks the subtree
    return (_text_chars_within(box, limit)
            and next(box.iter("img", "picture"), None) is not None)


def _text_chars_within(element: Any, limit: int) -> bool:
    """The element's text is at most ``limit`` characters (counted until it is over)."""
    chars = 0
    for text in element.itertext():
        chars += len(text)
        if chars > limit:
            return False
    return True


def _without_captions(body: list[tuple[str, bool]]) -> list[str]:
    """The body's paragraphs without its photo captions (content by the taxonomy, but not the
    article's text), unless the captions are most of it: a photo gallery's captions are its
    text."""
    caption_chars = sum(len(text) for text, caption in body if caption)
    rest_chars = sum(len(text) for text, caption in body if not caption)
    if caption_chars and rest_chars >= CAPTIONS_OUT_MIN_RATIO * caption_chars:
        return [text for text, caption in body if not caption]
    return [text for text, _ in body]


def _content_role(block: Block, lb: LabelledBlock) -> str:
    """``byline`` (byline / dateline / time stamp / credit line: the article's metadata) or
    ``body``: both are ``content`` by the taxonomy, only ``body`` is the article's text.
    Captions in ``body`` are left out at the end (``_without_captions``)."""
    # a bounded split: a paragraph's words need not all be made to know there are too many
    if len(lb.text.split(None, METADATA_MAX_WORDS)) <= METADATA_MAX_WORDS and is_metadata_line(
            lb.text, block.tag, block.tokens, block.ancestors):
        return "byline"
    return "body"


def _as_navigation(lb: LabelledBlock) -> LabelledBlock:
    return _relabelled(lb, NAVIGATION)


def _relabelled(lb: LabelledBlock, label: str) -> LabelledBlock:
    return replace(lb, label=label, score=float(lb.scores.get(label, 0.0)))


def _drop_comment_threads(blocks: tuple[Block, ...],
                          labelled: list[LabelledBlock]) -> list[LabelledBlock]:
    """Readers' comments are navigation by the taxonomy, however article-like their prose; so
    are author bio boxes, "Posted in / Tagged" lines, archive entries, "Read more: <other
    story>" teasers and menus set as one line, and leaked script code is no text; an
    affiliate disclosure and an ad slot's label ("Advertisement") are ad material, a
    truncation notice paywall material."""
    # A container's blocks share their ancestors (the same tuple): judged once per page.
    by_element: dict[Hashable, bool] = {}
    out = []
    for b, lb in zip(blocks, labelled, strict=True):
        if lb.label == CONTENT:
            label = _label_by_taxonomy(b, lb, by_element)
            if label is not None:
                lb = _relabelled(lb, label)
        out.append(lb)
    return out


def _label_by_taxonomy(block: Block, lb: LabelledBlock,
                       by_element: dict[Hashable, bool]) -> str | None:
    """The label a content block has by the taxonomy when it is not the article's text, else
    ``None`` (``by_element``: the step's memo of verdicts by where a block is)."""
    if is_ad_label(lb.text):
        return AD
    if is_truncation_notice(lb.text):
        return PAYWALL
    if (_memo(by_element, (block.tag, block.tokens, id(block.ancestors)),
              _never_article_element, block)
            or _never_article_text(block, lb) or is_related_link(lb.text, block.link_chars)
            or is_link_menu(lb.text, block.link_chars)):
        return AD if is_affiliate_disclosure(lb.text) else NAVIGATION
    return None


def _memo(verdicts: dict[Hashable, bool], key: Hashable, judge: Callable[[_T], bool],
          subject: _T) -> bool:
    """``judge(subject)``, kept in ``verdicts`` under ``key``: a step's memo of what comes
    from the blocks' ancestors, which a container's blocks share (keys may hold the
    ``id`` of an ancestor tuple: the blocks keep it alive while the step runs). Not
    ``cues._judged_once``: that process-wide cache keys by value, and a tuple's hash walks
    the whole ancestor chain on every call; an ``id`` is a safe key only within one step."""
    found = verdicts.get(key)
    if found is None:
        found = verdicts[key] = judge(subject)
    return found


def _never_article(block: Block, lb: LabelledBlock) -> bool:
    """A reader's comment, an author's bio box, a consent dialog, a fact box or inset card,
    site furniture, an affiliate disclosure, a form control, an embedded social-network post
    or leaked script code or data: never the article's text."""
    return _never_article_element(block) or _never_article_text(block, lb)


def _never_article_element(block: Block) -> bool:
    """``_never_article`` by where the block is: its tag, its tokens, its ancestors."""
    return (in_comment_thread(block.tokens, block.ancestors)
            or in_bio_box(block.tokens, block.ancestors)
            or in_consent_dialog(block.tokens, block.ancestors)
            or marked_never_article(block.tokens, block.ancestors)
            or is_form_control(block.tag, block.ancestors)
            or in_story_insert(block.tokens, block.ancestors))


def _never_article_text(block: Block, lb: LabelledBlock) -> bool:
    """``_never_article`` by what the block says."""
    return (looks_like_code(lb.text, block.tag) or looks_like_data(lb.text, block.tag)
            or is_site_furniture(lb.text) or is_affiliate_disclosure(lb.text))


def _drop_after_comments_heading(blocks: tuple[Block, ...],
                                 labelled: list[LabelledBlock]) -> list[LabelledBlock]:
    """Blogs often mark comments up like the post (sibling paragraphs, no "comment" class):
    content after a "Comments" / "Leave a reply" heading that follows the article is the
    readers' comments. A table cell saying "Comment" heads a column, not a thread, and a bare
    "Comment" the model takes for content is a sub-head (``_commentary_subhead``). A heading
    element (``<h2>Comments</h2>``) opens one after a short post too; a line or a link needs a
    longer article before it (a "12 comments" link beside the byline opens none)."""
    before = 0
    for i, lb in enumerate(labelled):
        enough = COMMENTS_HEADED_CUT_MIN_CHARS if lb.tag in _HEADING_TAGS else COMMENTS_CUT_MIN_CHARS
        if (before >= enough and is_comments_heading(lb.text)
                and not _in_table_cell(blocks[i]) and not _commentary_subhead(lb)):
            return labelled[:i] + [_as_navigation(x) if x.label == CONTENT else x
                                   for x in labelled[i:]]
        if lb.label == CONTENT:
            before += len(lb.text)
    return labelled


def _drop_related_modules(blocks: tuple[Block, ...],
                          labelled: list[LabelledBlock]) -> list[LabelledBlock]:
    """A heading element that opens a module of links to other stories ("More from The
    Nation", "Related stories") after ``MODULE_CUT_MIN_CHARS`` of content ends the article in
    its parent element: the teaser cards after it (headline, summary, author) read like prose
    to the model, and sites set the module inside the article's own container. A heading
    among the article's paragraphs (content before it in its parent) is left alone."""
    out = labelled
    before = 0
    for i, lb in enumerate(labelled):
        if lb.label == CONTENT:
            before += len(lb.text)
        if (before < MODULE_CUT_MIN_CHARS or blocks[i].tag not in _HEADING_TAGS
                or not is_related_module_heading(lb.text)):
            continue
        parent = lb.path.rpartition("/")[0] + "/"
        if any(x.label == CONTENT and x.path.startswith(parent) for x in labelled[:i]):
            continue
        for j in range(i, len(labelled)):  # the heading and the module after it
            if not labelled[j].path.startswith(parent):
                break
            if out[j].label == CONTENT:
                if out is labelled:
                    out = list(labelled)
                out[j] = _as_navigation(out[j])
    return out


def _commentary_subhead(lb: LabelledBlock) -> bool:
    """A bare "Comment" the model reads as the article's own text is a sub-head (an analysis
    headed "Briefing", "Comment", "Data"), not the heading of readers' comments."""
    return lb.label == CONTENT and _BARE_COMMENT.match(lb.text) is not None


#: "Comment" alone, without a count: a thread's heading says "Comments" or "3 comments".
_BARE_COMMENT = re.compile(r"\s*comment\s*:?\s*$", re.IGNORECASE)


def _in_table_cell(block: Block) -> bool:
    """The block is a cell of a table row of several cells, or the text of one: a data
    table's, not a one-column layout table's (2008 pages hold their comment thread's heading
    in one)."""
    return any(step.startswith(_MULTI_CELL_STEPS) for step in block.path.rsplit("/", 2)[-2:])


#: Path steps of a cell with sibling cells (an indexed step: ``td[4]``).
_MULTI_CELL_STEPS = ("td[", "th[")


def _fallback_when_unsure(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                         headline: int | None = None) -> list[LabelledBlock]:
    """When the model is unsure of the whole article (no block of the body reaches the
    content threshold, only the headline or a byline), the page's prose where the model finds
    the most likely text is the article (``_likeliest_prose``). A short post without prose (a
    photo and a caption) gets the likeliest other block, and the blocks of its container that
    are about as likely. Either beats an empty body. A body of under
    ``FALLBACK_SHORT_BODY_CHARS`` (a line the model was sure of, beside an article it was not)
    gets that prose too, when the prose weighs ``FALLBACK_SHORT_BODY_RATIO`` times as much."""
    body_chars = 0
    for i, (b, lb) in enumerate(zip(blocks, labelled, strict=True)):
        if lb.label == CONTENT and i != headline and _content_role(b, lb) == "body":
            body_chars += len(lb.text)
            if body_chars >= FALLBACK_SHORT_BODY_CHARS:
                return labelled  # the common case: stop at the first paragraphs
    candidates = [i for i, (b, lb) in enumerate(zip(blocks, labelled, strict=True))
                  if lb.label != CONTENT and not _never_article(b, lb)]
    # the sidebar's "about me" box is likelier than a two-line post, but never the article
    candidates = [i for i in candidates if not in_sidebar(blocks[i].ancestors)] or candidates
    if not candidates:
        return labelled
    chosen = _likeliest_prose(blocks, labelled, candidates)
    if body_chars:
        if sum(_expected_chars(labelled[i]) for i in chosen) < FALLBACK_SHORT_BODY_RATIO * body_chars:
            return labelled
    elif not chosen:
        best = max(candidates, key=lambda i: labelled[i].scores.get(CONTENT, 0.0))
        best_score = labelled[best].scores.get(CONTENT, 0.0)
        if best_score < FALLBACK_MIN_SCORE:
            return labelled
        floor = best_score - FALLBACK_SCORE_MARGIN
        chosen = [i for i in candidates if i == best or (
            blocks[i].container == blocks[best].container
            and labelled[i].scores.get(CONTENT, 0.0) >= floor)]
    out = list(labelled)
    for i in chosen:
        out[i] = replace(labelled[i], label=CONTENT, score=labelled[i].scores.get(CONTENT, 0.0))
    return out


def _expected_chars(lb: LabelledBlock) -> float:
    """A block's weight as article text: its probability of content times its length."""
    return lb.scores.get(CONTENT, 0.0) * len(lb.text)


def _likeliest_prose(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                     candidates: list[int]) -> list[int]:
    """The prose blocks among ``candidates`` (``FALLBACK_PROSE_*``) inside the deepest element
    that holds ``MAIN_REGION_SHARE`` of the prose's weight (probability of content times
    length), or none when the likeliest of them is under ``FALLBACK_REGION_MIN_SCORE``. A
    model unsure of every paragraph still ranks the article's above the rest, and the
    article's prose sits together: one paragraph alone would often be a teaser's or the
    site's tagline."""
    prose = [i for i in candidates
             if len(labelled[i].text) >= FALLBACK_PROSE_MIN_CHARS
             and blocks[i].link_chars < FALLBACK_PROSE_MAX_LINK_SHARE * len(labelled[i].text)
             and not is_comments_heading(labelled[i].text)
             and _content_role(blocks[i], labelled[i]) == "body"]
    if not prose:
        return []
    region = _deepest_holding((labelled[i].path, _expected_chars(labelled[i])) for i in prose)
    inside = [i for i in prose if region is None or _inside(labelled[i].path, region)]
    if max(labelled[i].scores.get(CONTENT, 0.0) for i in inside) < FALLBACK_REGION_MIN_SCORE:
        return []
    return inside


@functools.lru_cache(maxsize=ANCESTOR_PATH_CACHE_ENTRIES)
def _ancestor_paths(path: str) -> tuple[str, ...]:
    """``/html/body/div[2]/p`` -> ``("/html", "/html/body", "/html/body/div[2]")``; cached:
    the main region is found again after each assembly step that changed the content set,
    mostly from the same content blocks."""
    out = []
    cut = path.find("/", 1)
    while cut > 0:
        out.append(path[:cut])
        cut = path.find("/", cut + 1)
    return tuple(out)


def main_region(labelled: list[LabelledBlock], blocks: tuple[Block, ...] | None = None, *,
                widen: bool = False) -> str | None:
    """The deepest element holding ``MAIN_REGION_SHARE`` of the content text, or ``None``.
    With ``blocks``, content in the sidebar (an author bio, an "about this blog" box) does not
    count when at least ``REGION_MIN_CHARS`` of content lie outside it: a short post must not
    lose its place to a long bio; and with ``widen``, the region is the element right above it
    when the page marks that one up as the article's text (``_marked_parent``)."""
    weights = [len(lb.text) if lb.label == CONTENT else 0 for lb in labelled]
    if blocks is not None:
        # only content weighs: the other blocks need no look at their ancestors, and a
        # container's blocks share theirs (the same tuple): one look per container
        sidebars: dict[Hashable, bool] = {}
        aside = [bool(w) and _memo(sidebars, id(b.ancestors), in_sidebar, b.ancestors)
                 for w, b in zip(weights, blocks, strict=True)]
        elsewhere = sum(w for w, side in zip(weights, aside, strict=True) if not side)
        if elsewhere >= REGION_MIN_CHARS:
            weights = [0 if side else w for w, side in zip(weights, aside, strict=True)]
    region = _deepest_holding(zip((lb.path for lb in labelled), weights, strict=True))
    if widen and region is not None and blocks is not None:
        return _marked_parent(region, labelled, blocks)
    return region


def _marked_parent(region: str, labelled: list[LabelledBlock], blocks: tuple[Block, ...]) -> str:
    """The parent of ``region`` when the page marks the parent, not ``region``, up as the
    article's text ("entry-content", "post-body"), else ``region``: the model's likeliest
    blocks can gather in one part of the body (a list, a Blogger post's first paragraphs), and
    the rest of the body would then lie outside the region."""
    first = next(((lb, block) for lb, block in zip(labelled, blocks, strict=True)
                  if lb.label == CONTENT and _inside(lb.path, region)), None)
    if first is None:
        return region
    lb, block = first
    # chain[k] is the element k steps above the block; the region is `above` steps up
    above = lb.path.count("/") - region.count("/")
    chain = ((block.tag, block.tokens), *block.ancestors)
    if (above + 1 < len(chain) and not marks_body(chain[above][1])
            and marks_body(chain[above + 1][1])):
        return region.rpartition("/")[0] or region
    return region


def _deepest_holding(weighted: Iterable[tuple[str, float]]) -> str | None:
    """The deepest element above the blocks (by path) that holds ``MAIN_REGION_SHARE`` of
    their weight, or ``None`` when they weigh nothing."""
    mass: dict[str, float] = {}
    total = 0.0
    for path, weight in weighted:
        if not weight:
            continue
        total += weight
        for prefix in _ancestor_paths(path):
            mass[prefix] = mass.get(prefix, 0) + weight
    best = None
    for prefix, held in mass.items():
        if held >= MAIN_REGION_SHARE * total and (best is None or len(prefix) > len(best)):
            best = prefix
    return best


def _inside(path: str, region: str) -> bool:
    return path == region or path.startswith(region + "/")


def _in_any(path: str, regions: tuple[str, ...]) -> bool:
    # one startswith with a tuple: a generator of _inside calls costs five times more
    return path in regions or path.startswith(_below(regions))


@functools.lru_cache(maxsize=REGION_CACHE_ENTRIES)
def _below(regions: tuple[str, ...]) -> tuple[str, ...]:
    """What the paths of the elements inside ``regions`` start with."""
    return tuple(region + "/" for region in regions)


def body_regions(labelled: list[LabelledBlock],
                 blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """The main region and the containers that continue it, or ``()``. Some sites break the
    article's body into twin containers (same tag path, indices aside) around an ad or
    subscription interstitial; the model, judging the second container on its own, takes it
    for a teaser list. A twin counts when it lies in the region's own part of the page (at most
    ``SPLIT_BODY_LEVELS`` elements up, never above the region's ``<article>``), holds no
    ``<h1>`` (the next story of an endless page starts with one), has the region's class names
    (not none: a bare ``<div>`` is anybody's twin), and is at most ``SPLIT_BODY_GAP_CHARS`` of
    other text away from the body (before or after it)."""
    return _twin_regions(main_region(labelled, blocks, widen=True), labelled, blocks)


def _twin_regions(region: str | None, labelled: list[LabelledBlock],
                  blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """``region`` and its twin containers (``body_regions``), or ``()``."""
    if region is None:
        return ()
    spans, classes, headed = _region_shaped(blocks, region)
    if region not in spans or not classes[region] or len(spans) < 2:
        return (region,)
    # a site that heads the sections of its articles with <h1> (Medium) starts no new story
    # with one
    if headed.get(region, 0) >= SECTION_H1_MIN:
        headed = {}
    twins = sorted((span[0], span[1], twin) for twin, span in spans.items()
                   if twin == region or (twin not in headed and classes[twin] == classes[region]))
    chars = [0]
    for lb in labelled:
        chars.append(chars[-1] + len(lb.text))
    at = next(k for k, (_, _, twin) in enumerate(twins) if twin == region)
    regions = [region]
    for order in (twins[at + 1:], twins[at - 1::-1] if at else []):
        first, last = spans[region]
        for start, end, twin in order:
            # text between the body so far and this twin (before it or after it)
            gap = chars[start] - chars[last + 1] if start > last else chars[first] - chars[end + 1]
            if gap > SPLIT_BODY_GAP_CHARS:
                break
            regions.append(twin)
            first, last = min(first, start), max(last, end)
    return tuple(regions)


class RegionFinder:
    """``main_region`` and ``body_regions`` of one page's blocks, each worked out once per set
    of content blocks: the assembly steps ask again after every step, and a third of the time
    no step in between changed which blocks are content (the regions depend on nothing else:
    texts, paths and sidebars are the blocks')."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.blocks = blocks
        self._main: dict[tuple[int, ...], str | None] = {}
        self._core: dict[tuple[int, ...], str | None] = {}
        self._body: dict[tuple[int, ...], tuple[str, ...]] = {}

    @staticmethod
    def _key(labelled: list[LabelledBlock]) -> tuple[int, ...]:
        return tuple(i for i, lb in enumerate(labelled) if lb.label == CONTENT)

    def main(self, labelled: list[LabelledBlock]) -> str | None:
        key = self._key(labelled)
        if key not in self._main:
            core = self.core(labelled)  # one mass-by-ancestor pass serves both
            self._main[key] = None if core is None else _marked_parent(core, labelled,
                                                                       self.blocks)
        return self._main[key]

    def core(self, labelled: list[LabelledBlock]) -> str | None:
        """The main region before it is widened to a parent marked up as the body."""
        key = self._key(labelled)
        if key not in self._core:
            self._core[key] = main_region(labelled, self.blocks)
        return self._core[key]

    def body(self, labelled: list[LabelledBlock]) -> tuple[str, ...]:
        key = self._key(labelled)
        if key not in self._body:
            # from the cached main region: one mass-by-ancestor pass per content set
            self._body[key] = _twin_regions(self.main(labelled), labelled, self.blocks)
        return self._body[key]


def _region_shaped(blocks: tuple[Block, ...], region: str
                   ) -> tuple[dict[str, list[int]], dict[str, str], dict[str, int]]:
    """The containers with ``region``'s tag path (indices aside) in its part of the page (at
    most ``SPLIT_BODY_LEVELS`` up, not above its ``<article>``), the region included: the
    first and last block of each, its class names, and how many ``<h1>`` each holds."""
    parts = region.split("/")
    depth = len(parts)
    scope = "/".join(parts[:max(depth - SPLIT_BODY_LEVELS, 3)])
    story = _story_root(region)
    if story is not None and len(story) > len(scope):
        scope = story
    shape = _PATH_INDEX.sub("", region)
    spans: dict[str, list[int]] = {}
    classes: dict[str, str] = {}
    headed: dict[str, int] = {}
    is_twin: dict[str, bool] = {}
    in_scope, in_region = scope + "/", region + "/"
    for i, block in enumerate(blocks):
        path = block.path
        if not (path.startswith(in_scope) or path == scope):  # _inside, inlined: every block
            continue
        if path.startswith(in_region) or path == region:
            twin = region
        else:
            steps = path.split("/", depth)
            if len(steps) < depth:
                continue
            twin = "/".join(steps[:depth])
            same = is_twin.get(twin)
            if same is None:
                same = is_twin[twin] = _PATH_INDEX.sub("", twin) == shape
            if not same:
                continue
        if twin not in spans:
            spans[twin] = [i, i]
            classes[twin] = _class_key(_element_above(block, depth))
        spans[twin][1] = i
        if block.tag == "h1":
            headed[twin] = headed.get(twin, 0) + 1
    return spans, classes, headed


def _element_above(block: Block, depth: int) -> Any:
    """The ancestor of the block's element whose path has ``depth`` steps (``/html`` has 2)."""
    element = block.element
    for _ in range(block.path.count("/") + 1 - depth):
        element = element.getparent() if element is not None else None
    return element


def _class_key(element: Any) -> str:
    """An element's class names, sorted: twin containers share them."""
    value = element.get("class") if element is not None else None
    return " ".join(sorted(value.split())) if isinstance(value, str) else ""


def _drop_outside_main_region(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                              title_key: str | None, finder: RegionFinder) -> list[LabelledBlock]:
    """Content far from the article (a teaser, a bio in the sidebar) is navigation unless the
    model is very sure: the article's text sits together in one part of the page. Content
    outside the main region stays when it is the headline or a byline / dateline between the
    headline and the region, or when it runs on from the region in reading order (a last
    paragraph in a sibling element) with little other text in between, or when it is the
    lead (standfirst, summary) between the headline and the region."""
    regions = finder.body(labelled)
    if not regions:
        return labelled
    inside = [i for i, lb in enumerate(labelled) if lb.label == CONTENT and _in_any(lb.path, regions)]
    core = finder.core(labelled)
    if core is not None and core != regions[0]:
        # the region was widened to the marked-up body: a short line there (a tool's label, a
        # module's heading) still needs a reason of its own to stay
        inside = [i for i in inside if len(labelled[i].text) >= WIDENED_REGION_MIN_CHARS
                  or _inside(labelled[i].path, core) or not _inside(labelled[i].path, regions[0])]
    keep = set(inside)
    headline = _headline_index(blocks, labelled, title_key)
    if headline is not None and headline < inside[0]:
        keep.add(headline)
        keep.update(i for i in range(headline + 1, inside[0])
                    if labelled[i].label == CONTENT and (
                        _content_role(blocks[i], labelled[i]) == "byline"
                        or _is_lead(blocks[i], labelled[i], LEAD_MIN_CHARS)))
    keep.update(i for i in range(inside[0])
                if labelled[i].label == CONTENT
                and is_lead_marked(blocks[i].tokens, blocks[i].ancestors)
                and _is_lead(blocks[i], labelled[i], LEAD_MARKED_MIN_CHARS))
    for order in (range(inside[0] - 1, -1, -1), range(inside[-1] + 1, len(labelled))):
        gap = 0
        for i in order:
            lb = labelled[i]
            if lb.label != CONTENT:
                gap += len(lb.text)
                if gap > REGION_GAP_CHARS:
                    break
                continue
            if len(lb.text) >= REGION_RUN_MIN_CHARS:
                keep.add(i)
                gap = 0
    return [_as_navigation(lb) if lb.label == CONTENT and i not in keep
            and lb.score < OUTSIDE_REGION_SCORE else lb for i, lb in enumerate(labelled)]


def _keep_parallel_paragraphs(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                              finder: RegionFinder) -> list[LabelledBlock]:
    """A paragraph under the content threshold whose tag path, indices aside, is the path of
    the article's own paragraphs in the main region (``.../div[5]/div/p`` beside content at
    ``.../div[7]/div/p``) is content, however unlikely the model found it: many sites wrap
    every paragraph in its own element, with ad slots between them, and the model judges each
    wrapper on its own (its second stage can give a paragraph to the ad slot beside it). The
    path must hold ``PARALLEL_PATH_MIN_CHARS`` of content; short lines, teasers (mostly
    links), texts the page repeats (placeholders of blocked embeds), comments and furniture
    stay out, and so does a paywall notice (under ``PARALLEL_PAYWALL_MIN_SCORE``)."""
    candidates = [i for i, (block, lb) in enumerate(zip(blocks, labelled, strict=True))
                  if lb.label != CONTENT and len(lb.text) >= PARALLEL_MIN_CHARS
                  and block.link_chars < PARALLEL_MAX_LINK_SHARE * len(lb.text)
                  and (lb.label != PAYWALL or lb.scores[CONTENT] >= PARALLEL_PAYWALL_MIN_SCORE)]
    regions = finder.body(labelled) if candidates else ()
    if not regions:
        return labelled
    region = regions[0]
    if sum(lb.label == CONTENT and _inside(lb.path, region) for lb in labelled) < 2:
        # One paragraph's own wrapper: its siblings' wrappers are the article's shape too.
        regions = (region.rpartition("/")[0] or region, *regions[1:])
    candidates = [i for i in candidates if _in_any(blocks[i].path, regions)]
    mass: dict[str, int] = {}
    for lb in labelled:
        if lb.label == CONTENT and _in_any(lb.path, regions):
            shape = _PATH_INDEX.sub("", lb.path)
            mass[shape] = mass.get(shape, 0) + len(lb.text)
    out = list(labelled)
    seen = Counter(lb.text for lb in labelled)
    for i in candidates:
        block, lb = blocks[i], labelled[i]
        if (mass.get(_PATH_INDEX.sub("", lb.path), 0) >= PARALLEL_PATH_MIN_CHARS
                and seen[lb.text] == 1 and not _never_article(block, lb)
                and not is_related_link(lb.text, block.link_chars)):
            out[i] = replace(lb, label=CONTENT, score=lb.scores[CONTENT])
    return out


def _parallel_paragraphs_until_settled(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                                       finder: RegionFinder) -> list[LabelledBlock]:
    """``_keep_parallel_paragraphs`` again while it adds content (at most
    ``PARALLEL_PASSES`` times): the paragraphs it adds can make the main region's twin
    containers its own (``body_regions``), and their paragraphs are then parallel too (a body
    split around ad slots, each paragraph in its own wrapper, that the model was unsure of)."""
    content = sum(lb.label == CONTENT for lb in labelled)
    for _ in range(PARALLEL_PASSES):
        labelled = _keep_parallel_paragraphs(blocks, labelled, finder)
        grown = sum(lb.label == CONTENT for lb in labelled)
        if grown == content:
            break
        content = grown
    return labelled


def _is_lead(block: Block, lb: LabelledBlock, min_chars: int) -> bool:
    """A paragraph of prose before the article's main region (between the headline and the
    region, or marked up as the lead): the lead, often in the article's header, away from the
    body's container. Teasers (mostly links), captions, pull quotes and bio boxes are not."""
    return (len(lb.text) >= min_chars and block.link_chars < LEAD_MAX_LINK_SHARE * len(lb.text)
            and not in_sidebar(block.ancestors)
            and not is_inset(block.tag, block.tokens, block.ancestors))


def _keep_marked_body(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                      finder: RegionFinder) -> list[LabelledBlock]:
    """A paragraph under the content threshold but inside the main region, in an element the
    page marks up as the article's text (``cues.is_body_marked``), is content from
    ``MARKED_BODY_SCORE``: a short post's one paragraph, a paragraph of unusual shape. Short
    lines, teasers (mostly links), comments and furniture stay out."""
    candidates = [i for i, (block, lb) in enumerate(zip(blocks, labelled, strict=True))
                  if lb.label != CONTENT and lb.scores.get(CONTENT, 0.0) >= MARKED_BODY_SCORE
                  and len(lb.text) >= MARKED_BODY_MIN_CHARS
                  and block.link_chars < MARKED_BODY_MAX_LINK_SHARE * len(lb.text)
                  and is_body_marked(block.tokens, block.ancestors)]
    if not candidates:
        return labelled
    region = finder.main(labelled)
    if region is None:
        return labelled
    out = list(labelled)
    for i in candidates:
        block, lb = blocks[i], labelled[i]
        if (_inside(lb.path, region) and not _never_article(block, lb)
                and not is_related_link(lb.text, block.link_chars)):
            out[i] = replace(lb, label=CONTENT, score=lb.scores.get(CONTENT, 0.0))
    return out


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


def _headline_index(blocks: tuple[Block, ...], labelled: list[LabelledBlock],
                    title_key: str | None = None) -> int | None:
    """The headline: among the content blocks before the first content paragraph, the one
    that reads exactly as the page's title (also a headline in a styled ``<div>``), else the
    first heading element. A sidebar's "Critics' choice" heading often comes first."""
    first = None
    for i, (block, lb) in enumerate(zip(blocks, labelled, strict=True)):
        if lb.label != CONTENT:
            continue
        if title_key and _text_key(lb.text) == title_key:
            return i
        if first is None and block.tag in _HEADLINE_TAGS:
            first = i
        if len(block.text) > 120:
            break
    return first


def page_title(seg: Segmentation) -> str | None:
    """og:title or <title>, without the site name."""
    if seg.root is None:
        return None
    facts = seg.facts()
    site = None
    for name in facts.site_names:
        site = normalise_space(name) or None
    for raw in (*facts.og_titles, facts.title or ""):
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


def _language(seg: Segmentation) -> str | None:
    root = seg.root
    if root is None:
        return None
    lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
            or seg.facts().content_language)
    if not lang:
        return None
    return lang.strip().split(",")[0].strip().replace("_", "-")[:20] or None
