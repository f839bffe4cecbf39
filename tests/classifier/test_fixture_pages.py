"""The hand-written fixture pages: format, metadata, coverage of the classes, seed-shaped pages."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from classifier import AD, CONTENT, LABELS, NAVIGATION, PAYWALL, LabelledPage, read_fixture
from tests.conftest import FIXTURES_DIR

TOOLS = FIXTURES_DIR / "_tools"
PAGES = sorted(p for p in FIXTURES_DIR.glob("*/*.html") if p.parent.name != "_tools")


def _load_tool(name: str) -> Any:
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    spec = importlib.util.spec_from_file_location(f"fixture_tools_{name}", TOOLS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages() -> dict[Path, LabelledPage]:
    return {p: read_fixture(p) for p in PAGES}


def _one(pattern: str) -> Path:
    found = [p for p in PAGES if pattern in p.name]
    assert len(found) == 1, found
    return found[0]


def test_enough_pages_and_templates(pages: dict[Path, LabelledPage]) -> None:
    per_template = Counter(p.parent.name for p in pages)
    assert len(pages) >= 48
    assert len(per_template) >= 9
    assert all(n >= 5 for n in per_template.values()), per_template


def test_every_page_has_its_metadata(pages: dict[Path, LabelledPage]) -> None:
    urls = set()
    for path, page in pages.items():
        assert page.template == path.parent.name, path
        assert page.source == "handwritten", path
        assert page.license == "MIT", path
        assert page.url and page.url.startswith("https://www."), path
        assert ".example/" in page.url, path  # invented domains only
        urls.add(page.url)
        assert 3_000 < path.stat().st_size < 40_000, path
    assert len(urls) == len(pages)


def test_body_is_labelled_navigation_and_labels_are_valid(pages: dict[Path, LabelledPage]) -> None:
    for path, page in pages.items():
        body = page.segmentation.root.find("body")
        assert body is not None and body.get("data-label") == NAVIGATION, path
        assert set(page.labels) <= set(LABELS)


def test_every_class_is_well_represented(pages: dict[Path, LabelledPage]) -> None:
    pages_with = Counter(label for page in pages.values() for label in set(page.labels))
    blocks = Counter(label for page in pages.values() for label in page.labels)
    assert pages_with[CONTENT] == len(pages)
    assert pages_with[NAVIGATION] == len(pages)
    assert pages_with[AD] >= 0.8 * len(pages)
    assert pages_with[PAYWALL] >= 0.4 * len(pages)
    assert blocks[AD] >= 150 and blocks[PAYWALL] >= 150
    for template in {p.parent.name for p in pages}:
        labels = {lab for p, page in pages.items() if p.parent.name == template for lab in page.labels}
        assert {CONTENT, NAVIGATION, AD} <= labels, template


def test_pages_of_a_template_differ_in_structure(pages: dict[Path, LabelledPage]) -> None:
    by_template: dict[str, set[tuple[int, int]]] = {}
    for path, page in pages.items():
        content = [b for b, lab in zip(page.blocks, page.labels, strict=True) if lab == CONTENT]
        shape = (len(content), sum(b.tag in ("h2", "h3", "li", "td", "blockquote") for b in content))
        by_template.setdefault(path.parent.name, set()).add(shape)
    for template, shapes in by_template.items():
        assert len(shapes) >= 4, template


def test_non_english_templates() -> None:
    langs: Counter[str] = Counter()
    for path in PAGES:
        head = path.read_text(encoding="utf-8")[:400]
        langs[head.split('lang="', 1)[1][:2]] += 1
    assert langs["de"] >= 5 and langs["es"] >= 5


def test_generator_reproduces_the_committed_pages(tmp_path: Path) -> None:
    build = _load_tool("build")
    build.main(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("*/*.html"))
    assert written == [p.relative_to(FIXTURES_DIR) for p in PAGES]
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (FIXTURES_DIR / rel).read_bytes(), rel


def test_metered_page_body_ends_before_the_notice(pages: dict[Path, LabelledPage]) -> None:
    article = _load_tool("seedlike").METERED
    page = pages[_one("-metered.html")]
    paragraphs = [text for kind, text in article.parts if kind == "p"]
    body = page.body.split("\n\n")
    assert body[0] == article.headline
    assert body[-len(paragraphs):] == paragraphs
    last_content = max(i for i, lab in enumerate(page.labels) if lab == CONTENT)
    after = [(b.text, lab) for b, lab in zip(page.blocks, page.labels, strict=True)
             if b.index > last_content]
    notice = [i for i, (text, _) in enumerate(after) if "reached your limit of" in text]
    assert notice, "the metered notice follows the body"
    paywall_run = after[notice[0]:]
    wall = [lab for text, lab in paywall_run if lab == PAYWALL]
    texts = " ".join(text for text, lab in paywall_run if lab == PAYWALL)
    for needle in ("Subscribe now", "Log in", "/Month", "Renews automatically", "included"):
        assert needle in texts, needle
    assert len(wall) >= 12
    assert "free articles" not in page.body and "Subscribe" not in page.body


def test_buried_page_body_is_just_the_story(pages: dict[Path, LabelledPage]) -> None:
    article = _load_tool("seedlike").BURIED
    page = pages[_one("-buried.html")]
    paragraphs = [text for kind, text in article.parts if kind == "p"]
    body = page.body.split("\n\n")
    assert body[0] == article.headline
    assert body[-len(paragraphs):] == paragraphs
    assert len(body) == len(paragraphs) + 2  # headline, byline / date, the paragraphs
    labelled = list(zip(page.blocks, page.labels, strict=True))
    continues = [lab for b, lab in labelled if b.text == "STORY CONTINUES BELOW THIS AD"]
    assert len(continues) >= 3 and set(continues) == {AD}
    assert {lab for b, lab in labelled if b.text == "Advertisement"} == {AD}
    for chrome in ("More from Tech", "Top Stories", "Sections", "Events", "Trending:", "Tags"):
        hits = [lab for b, lab in labelled if b.text == chrome]
        assert hits and set(hits) == {NAVIGATION}, chrome
    # the site menu is there twice, the headline appears outside the article too
    assert sum(b.text == "Sections" for b, _ in labelled) >= 2
    copies = [lab for b, lab in labelled if b.text.startswith(article.headline)]
    assert copies.count(CONTENT) == 1 and len(copies) >= 3


def test_every_page_carries_its_own_hand_written_article(pages: dict[Path, LabelledPage]) -> None:
    every = _load_tool("build").pages()
    articles = [art for _, kind, art, _ in every if kind not in ("metered", "buried")]
    assert len(articles) >= 50
    assert len({a.headline for a in articles}) == len(articles)
    bodies = {chunk: page.body for page in pages.values() for chunk in page.body.split("\n\n")}
    for template, _, art, _ in every:
        body = bodies[art.headline]  # other pages link to it, but only its own page has it as content
        paragraphs = [str(v) for k, v in art.parts if k == "p"]
        paragraphs += [p for entry in art.entries for p in entry.paragraphs]
        assert 1 <= len(paragraphs) <= 14, art.headline
        for text in paragraphs[1:]:  # the first may carry a dateline prefix
            assert text in body, (template, text[:40])


def test_no_body_paragraph_is_shared_between_pages(pages: dict[Path, LabelledPage]) -> None:
    seen: dict[str, Path] = {}
    for path, page in pages.items():
        for text in page.body.split("\n\n"):
            if len(text.split()) >= 8:
                assert seen.setdefault(text, path) == path, (text[:60], path, seen[text])
