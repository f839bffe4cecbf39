"""``scrapy explain``: the report outlines every block with label, score and features."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classifier import extract, load_model, read_fixture
from crawler.report import CHROMIUM
from tests.tools.conftest import run_scrapy
from tests.tools.pages import article_html


def test_explain_report_has_every_block_and_the_article(tmp_path: Path,
                                                        tiny_model: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(article_html("gazette", 5).replace(
        "<footer>", "<script>alert('x')</script><footer>"), encoding="utf-8")
    report = tmp_path / "out" / "report.html"
    code = run_scrapy("explain", str(page), "-o", str(report), "--model", str(tiny_model),
                      "--no-png")
    assert code == 0
    text = report.read_text(encoding="utf-8")
    article = extract(page.read_bytes(), model=load_model(tiny_model))
    for block in article.blocks:  # each block marked (inside the escaped srcdoc frame)
        assert f"data-nc-path=&quot;{block.path}&quot; data-nc-label=&quot;{block.label}" in text
    assert "alert(" not in text and "<script" not in text
    first_paragraph = article.paragraphs[1]
    assert f"<p>{first_paragraph}</p>" in text  # the extracted article beside the page
    # every block row lists at least one feature with its signed effect
    rows = re.findall(r'<tr><td class="num">\d+</td>.*?</tr>', text)
    assert len(rows) == len(article.blocks)
    assert sum(bool(re.search(r"=[-0-9.e]+ \([+-]\d\.\d\d\)", row)) for row in rows) \
        >= len(rows) // 2
    assert not report.with_suffix(".png").exists()


def test_explain_block_effects_point_at_the_label(tmp_path: Path, tiny_model: Path) -> None:
    from classifier import segment
    from crawler.report import explain_blocks

    path = tmp_path / "g.html"
    path.write_text(article_html("gazette", 2), encoding="utf-8")
    fixture = read_fixture(path)
    model = load_model(tiny_model)
    seg = segment(path.read_bytes())
    article = extract(seg.root, model=model)
    explained = explain_blocks(seg, article, model)
    assert [e.label for e in explained] == [b.label for b in article.blocks]
    assert all(change > 0 for e in explained for _, _, change in e.features)
    assert len(explained) == len(fixture.blocks)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"{CHROMIUM} is not installed")
def test_explain_png_screenshot(tmp_path: Path, tiny_model: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(article_html("blogpress", 3), encoding="utf-8")
    report = tmp_path / "report.html"
    assert run_scrapy("explain", str(page), "-o", str(report), "--model", str(tiny_model),
                      "--png") == 0
    png = report.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
