"""Public data types shared by every stage of the classifier (and by the crawler)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

#: The four block labels, in a fixed order (the model's class order).
LABELS: tuple[str, ...] = ("content", "navigation", "ad", "paywall")
CONTENT, NAVIGATION, AD, PAYWALL = LABELS


@dataclass(frozen=True, slots=True)
class LabelledBlock:
    """One block of a page with the label the model gave it.

    ``score`` is the model's probability of ``label``; ``scores`` holds the probability
    of every label. ``path`` is the block element's DOM path (``/html/body/div[2]/p[3]``),
    stable for one document, so tools can point at the element again.
    """

    text: str
    label: str
    score: float
    path: str
    tag: str
    scores: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "score": round(self.score, 4),
                "path": self.path, "tag": self.tag}


#: Setters of ``LabelledBlock``'s slots, in field order (``new_labelled_block``).
_LABELLED_BLOCK_SETTERS = tuple(getattr(LabelledBlock, f.name).__set__
                                for f in fields(LabelledBlock))


def new_labelled_block(text: str, label: str, score: float, path: str, tag: str,
                       scores: Mapping[str, float]) -> LabelledBlock:
    """``LabelledBlock(text, label, score, path, tag, scores)`` at half the cost (a page
    makes one per block): a frozen dataclass's ``__init__`` sets every field through
    ``object.__setattr__``; this sets the slots directly, as that ends up doing."""
    block = object.__new__(LabelledBlock)
    set_text, set_label, set_score, set_path, set_tag, set_scores = _LABELLED_BLOCK_SETTERS
    set_text(block, text)
    set_label(block, label)
    set_score(block, score)
    set_path(block, path)
    set_tag(block, tag)
    set_scores(block, scores)
    return block


@dataclass(frozen=True, slots=True)
class Article:
    """The clean article the classifier assembles from a page's labelled blocks."""

    body: str
    title: str | None
    blocks: tuple[LabelledBlock, ...]
    url: str | None = None
    language: str | None = None
    model_version: str | None = None
    #: Counted reasons why work on this page was bounded or skipped
    #: (e.g. ``"node-cap"``, ``"undecodable"``, ``"empty"``); empty when all went well.
    warnings: tuple[str, ...] = ()
    #: The article's byline, dateline, time stamp and credit lines, in document order: content
    #: by the taxonomy, but metadata, so they are not in ``body``.
    byline: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p]

    def blocks_labelled(self, label: str) -> list[LabelledBlock]:
        return [b for b in self.blocks if b.label == label]

    @property
    def paywall_blocks(self) -> list[LabelledBlock]:
        return self.blocks_labelled(PAYWALL)

    def to_dict(self, *, with_blocks: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url, "title": self.title, "body": self.body,
            "language": self.language, "model_version": self.model_version,
            "warnings": list(self.warnings), "byline": list(self.byline),
        }
        if with_blocks:
            data["blocks"] = [b.to_dict() for b in self.blocks]
        return data
