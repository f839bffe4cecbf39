"""The labelled fixture format: inheritance, metadata, and write-then-read round trip."""

from __future__ import annotations

import pytest

from classifier import LABELS, read_fixture, segment, write_fixture

PAGE = """<html><head><meta charset="windows-1252"><title>T</title></head><body>
<div class="menu"><a href="/">Home</a> <a href="/n">News</a></div>
<article><h1>Headline here</h1><p>Para one.</p><div class="ad">Advertisement</div>
<p>Para two.</p><ul><li>point a</li><li>point b</li></ul></article>
<div class="wall"><p>Subscribe for $1</p><p>Already a member? Log in</p></div>
<footer>Footer text</footer></body></html>"""


def test_inheritance_and_metadata(tmp_path):
    fixture = tmp_path / "tmpl" / "page.html"
    fixture.parent.mkdir()
    fixture.write_text(PAGE.replace("<html>", '<html data-url="https://x.test/a" data-source="handwritten">')
                       .replace("<article>", '<article data-label="content">')
                       .replace('<div class="ad">', '<div class="ad" data-label="ad">')
                       .replace('<div class="wall">', '<div class="wall" data-label="paywall">'),
                       encoding="utf-8")
    page = read_fixture(fixture)
    assert page.labels == ("navigation", "content", "content", "ad", "content", "content",
                           "content", "paywall", "paywall", "navigation")
    assert page.url == "https://x.test/a" and page.source == "handwritten"
    assert page.template == "tmpl"
    assert page.body == "Headline here\n\nPara one.\n\nPara two.\n\npoint a\n\npoint b"


def test_round_trip_every_label(tmp_path):
    blocks = segment(PAGE).blocks
    wanted = {b.path: LABELS[i % len(LABELS)] for i, b in enumerate(blocks)}
    out = write_fixture(tmp_path / "t" / "p.html", PAGE, wanted, url="https://x.test/p",
                        template="tmpl", source="test", license="CC0")
    page = read_fixture(out)
    assert [b.text for b in page.blocks] == [b.text for b in blocks]
    assert list(page.labels) == [wanted[b.path] for b in blocks]
    assert (page.url, page.template, page.source, page.license) == (
        "https://x.test/p", "tmpl", "test", "CC0")


def test_round_trip_container_label_inherited(tmp_path):
    out = write_fixture(tmp_path / "p.html", PAGE.encode("cp1252"),
                        {"/html/body/article": "content", "/html/body/article/div": "ad"})
    page = read_fixture(out)
    assert page.labels.count("ad") == 1
    assert page.body.startswith("Headline here\n\nPara one.\n\nPara two.")


def test_non_ascii_round_trip(tmp_path):
    html = "<html><body><p>Grüße aus Köln — “quoted”</p></body></html>"
    out = write_fixture(tmp_path / "u.html", html.encode("cp1252"), {"/html/body/p": "content"},
                        encoding="windows-1252")
    assert read_fixture(out).body == "Grüße aus Köln — “quoted”"


def test_unknown_label_rejected(tmp_path):
    with pytest.raises(ValueError):
        write_fixture(tmp_path / "x.html", PAGE, {"/html/body/div": "spam"})
    bad = tmp_path / "bad.html"
    bad.write_text('<body><p data-label="spam">x</p></body>')
    with pytest.raises(ValueError, match="spam"):
        read_fixture(bad)
