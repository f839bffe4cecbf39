"""Metadata: dates, authors, language, and extraction from JSON-LD / microdata / OpenGraph."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.metadata import clean_authors, detect_language, extract_metadata, normalise_date


@pytest.mark.parametrize(("raw", "iso"), [
    ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00"),
    ("2024-05-01T10:00:00+02:00", "2024-05-01T10:00:00+02:00"),
    ("2024-05-01", "2024-05-01T00:00:00+00:00"),
    ("Tue, 07 May 2024 08:00:00 GMT", "2024-05-07T08:00:00+00:00"),
    ("Tue, 07 May 2024 08:00:00 +0200", "2024-05-07T08:00:00+02:00"),
    ("May 3, 2024 10:15 AM EDT", "2024-05-03T10:15:00-04:00"),
    ("3 May 2024, 10:15 CET", "2024-05-03T10:15:00+01:00"),
    (["2024-05-01T10:00:00Z", "2020-01-01"], "2024-05-01T10:00:00+00:00"),
    ("not a date at all", None),
    ("", None),
    (None, None),
    ("x" * 500, None),
])
def test_normalise_date(raw: object, iso: str | None) -> None:
    assert normalise_date(raw) == iso


def test_clean_authors() -> None:
    raw = ["By Jane Doe", "jane doe", "Max Mustermann and Erika Musterfrau (erika@mail.example)",
           "BY: John Smith, Staff Writer 2", "https://twitter.example/jd",
           "A sentence that is far too long to be anybody's name at all", "von Anna Schmidt"]
    assert clean_authors(raw) == ["Jane Doe", "Max Mustermann", "Erika Musterfrau",
                                  "John Smith", "Anna Schmidt"]


def test_detect_language_uses_hint_only_for_short_text() -> None:
    german = ("Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen. "
              "Die Opposition kritisierte die geplanten Ausgaben für den neuen Hafen deutlich.")
    assert detect_language(german, "en") == "de"
    assert detect_language("Kurz.", "de-AT") == "de"
    assert detect_language("", None) is None


PAGE = """<!doctype html><html lang="en-GB"><head><title>Fallback title</title>
<link rel="canonical" href="/news/council-budget">
<meta property="og:type" content="article"><meta property="og:title" content="OG title">
<meta property="og:image" content="/img/lead.jpg">
<meta property="article:tag" content="council"><meta property="article:tag" content="budget">
<meta name="description" content="Meta description.">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Gazette"},
 {"@type": "NewsArticle", "headline": "JSON-LD headline", "datePublished": "2024-05-01T10:00:00+02:00",
  "dateModified": "2024-05-02", "articleSection": "Politics",
  "author": [{"@type": "Person", "name": "By Ada Writer"}, {"@type": "Person", "name": "ada writer"}]}]}
</script></head>
<body><article><p>The council approved the budget on Tuesday after a long debate about the
harbour and the new ferry line, which will start running next spring.</p></article>
<aside><p class="author">Sidebar Columnist</p></aside></body></html>"""


def test_extract_metadata_prefers_jsonld_and_ignores_sidebars() -> None:
    tree = lxml.html.fromstring(PAGE)
    md = extract_metadata(tree, "https://n.example/news/council-budget?utm_source=x",
                          body_text="The council approved the budget on Tuesday after a long debate.")
    assert md["title"] == "JSON-LD headline"
    assert md["authors"] == ["Ada Writer"]
    assert md["published"] == "2024-05-01T10:00:00+02:00"
    assert md["modified"] == "2024-05-02T00:00:00+00:00"
    assert md["section"] == "Politics" and md["keywords"] == ["council", "budget"]
    assert md["canonical_url"] == "https://n.example/news/council-budget"
    assert md["image"] == "https://n.example/img/lead.jpg"
    assert md["description"] == "Meta description."
    assert md["language"] == "en" and md["og_type"] == "article"


def test_byline_inside_article_only() -> None:
    tree = lxml.html.fromstring(
        "<html><body><article><p class='byline'>By Carla Reporter</p><p>Text.</p></article>"
        "<aside><span rel='author'>Sidebar Person</span></aside></body></html>")
    assert extract_metadata(tree, "https://n.example/x")["authors"] == ["Carla Reporter"]


def test_empty_page_gives_empty_metadata() -> None:
    md = extract_metadata(lxml.html.fromstring("<html><body></body></html>"), None)
    assert md["title"] is None and md["authors"] == [] and md["published"] is None


def test_paywall_declaration_on_another_jsonld_node_is_carried() -> None:
    tree = lxml.html.fromstring(
        '<html><head><script type="application/ld+json">[{"@type": "NewsArticle", "headline": "H"},'
        ' {"@type": "WebPage", "isAccessibleForFree": "false"}]</script></head><body></body></html>')
    md = extract_metadata(tree, "https://n.example/a")
    assert md["jsonld"]["headline"] == "H" and md["jsonld"]["isAccessibleForFree"] == "false"
