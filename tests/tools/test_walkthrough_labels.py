"""The walkthrough's held-out demo pages are labelled by the taxonomy (headline, byline)."""

from __future__ import annotations

import shutil
from pathlib import Path

from classifier import CONTENT, read_fixture
from crawler.demo import DemoSite
from crawler.demo.labels import write_fixtures
from crawler.labelling.walkthrough import TAXONOMY_CONTENT, _follow_taxonomy


def test_headline_and_byline_become_content_and_nothing_else_changes(tmp_path: Path) -> None:
    site = DemoSite()
    gold = tmp_path / "gold"
    titles = {}
    for template in TAXONOMY_CONTENT:
        publisher = template.removeprefix("demo-")
        entry = next(e for e in site.manifest(publisher=publisher) if not e["broken"])
        titles[template] = entry["title"]
        list(write_fixtures(site, gold, base="http://127.0.0.1:1", publisher=publisher,
                            limit=1))
    fixed = tmp_path / "fixed"
    shutil.copytree(gold, fixed)
    _follow_taxonomy(fixed)
    files = sorted(gold.rglob("*.html"))
    assert len(files) == len(TAXONOMY_CONTENT)
    for file in files:
        before, after = read_fixture(file), read_fixture(fixed / file.relative_to(gold))
        assert [b.text for b in before.blocks] == [b.text for b in after.blocks]
        changed = [(b.text, old, new) for b, old, new
                   in zip(before.blocks, before.labels, after.labels, strict=True) if old != new]
        assert changed, file  # every publisher's selector still matches its markup
        assert all(new == CONTENT for _, _, new in changed)
        assert titles[after.template or ""] in [text for text, _, _ in changed]
        assert after.body.startswith(titles[after.template or ""])
