"""The two pages the product exists for: the shipped model must get them exactly right."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from classifier import (
    AD,
    CONTENT,
    NAVIGATION,
    PAYWALL,
    ModelError,
    extract,
    load_model,
    read_fixture,
)
from classifier.constants import METADATA_MAX_WORDS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _seed_fixture(kind: str) -> Path:
    found = sorted(FIXTURES.glob(f"*/*{kind}*.html"))
    if not found:
        pytest.skip(f"no fixture with {kind!r} in its name")
    return found[0]


@pytest.fixture(scope="module")
def shipped_model():
    try:
        return load_model()
    except ModelError as exc:
        pytest.skip(f"shipped model not usable: {exc}")


@pytest.mark.parametrize("kind", ["metered", "buried"])
def test_seed_like_page_exact(kind, shipped_model):
    page = read_fixture(_seed_fixture(kind))
    article = extract(page.path.read_bytes(), page.url, model=shipped_model, encoding="utf-8")
    headline, *rest = [b.text for b, label in zip(page.blocks, page.labels, strict=True)
                       if label == CONTENT]
    # The headline goes to ``title``, the byline / dateline lines (those naming the page's
    # JSON-LD author or date) to ``byline``, every other content block, in order, to ``body``.
    marks = _author_and_date(page.path.read_text(encoding="utf-8"))
    byline = [t for t in rest if len(t.split()) <= METADATA_MAX_WORDS
              and any(m in t for m in marks)]
    assert byline, "the seed-like page shows its byline or dateline"
    assert article.title == headline
    assert list(article.byline) == byline
    assert article.paragraphs == [t for t in rest if t not in byline]
    got = [b.label for b in article.blocks]
    assert got == list(page.labels)


def _author_and_date(html: str) -> list[str]:
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                                re.S).group(1))
    authors = data.get("author") or []
    authors = authors if isinstance(authors, list) else [authors]
    return [data["datePublished"], *(a["name"] for a in authors)]


def test_metered_page_flags_paywall(shipped_model):
    page = read_fixture(_seed_fixture("metered"))
    article = extract(page.path.read_bytes(), model=shipped_model, encoding="utf-8")
    paywall = {b.text for b in article.paywall_blocks}
    assert any("free articles" in text for text in paywall)
    assert any("£" in text for text in paywall)
    assert all(label != PAYWALL for label in (b.label for b in article.blocks
                                              if b.text in article.paragraphs))
    assert not any("free articles" in p for p in article.paragraphs)


def test_buried_page_ads_and_menus(shipped_model):
    page = read_fixture(_seed_fixture("buried"))
    article = extract(page.path.read_bytes(), model=shipped_model, encoding="utf-8")
    ads = {b.text for b in article.blocks_labelled(AD)}
    assert "STORY CONTINUES BELOW THIS AD" in ads
    assert any(b.text == "Top Stories" for b in article.blocks_labelled(NAVIGATION))
    assert "STORY CONTINUES" not in article.body and "More from" not in article.body
