"""Paywall status and its evidence."""

from __future__ import annotations

import lxml.html

from crawler.paywall import paywall_status

LONG_BODY = "The harbour reopened this morning after repairs. " * 40


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body>{body}</body></html>")


def test_free_without_signals() -> None:
    result = paywall_status(jsonld={"@type": "NewsArticle"}, body=LONG_BODY,
                            tree=_tree(f"<article><p>{LONG_BODY}</p></article>"))
    assert result["status"] == "free"


def test_declared_free() -> None:
    result = paywall_status(jsonld={"isAccessibleForFree": True}, body=LONG_BODY)
    assert result == {"status": "free", "evidence": ["jsonld:isAccessibleForFree=true"]}


def test_hard_from_jsonld_has_part() -> None:
    tree = _tree("<article><p>Teaser text of the story...</p>"
                 "<div class='locked-body'>Subscribers only. Subscribe now.</div></article>")
    jsonld = {"isAccessibleForFree": "False", "hasPart": {
        "@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".locked-body"}}
    result = paywall_status(jsonld=jsonld, body="Teaser text of the story...", tree=tree)
    assert result["status"] == "hard"
    assert "jsonld:isAccessibleForFree=false" in result["evidence"]
    assert "jsonld:hasPart.cssSelector=.locked-body (1 matched)" in result["evidence"]


def test_metered_from_prompt_text() -> None:
    tree = _tree("<article><p>Start of the story...</p></article>"
                 "<div class='paywall-box'>You have 3 free articles left this month. "
                 "Subscribe for unlimited access.</div>")
    result = paywall_status(jsonld=None, body="Start of the story...", tree=tree)
    assert result["status"] == "metered"
    assert any(e.startswith("meter:3 free articles") for e in result["evidence"])
    assert any(e.startswith("truncated:") for e in result["evidence"])


def test_classifier_paywall_blocks() -> None:
    result = paywall_status(jsonld=None, body=LONG_BODY,
                            paywall_texts=["Become a member to read the rest of this story."])
    assert result["status"] == "hard"
    assert result["evidence"][0].startswith("classifier:1 paywall block(s): Become a member")


def test_truncation_alone_needs_a_prompt() -> None:
    no_prompt = paywall_status(jsonld=None, body="A short note that trails off...",
                               tree=_tree("<p>A short note that trails off...</p>"))
    assert no_prompt["status"] == "free"
    with_prompt = paywall_status(jsonld=None, body="A short note that trails off...",
                                 tree=_tree("<p>A short note that trails off...</p>"
                                            "<p>Subscribe to continue reading.</p>"))
    assert with_prompt["status"] == "hard"


def test_declared_free_but_classifier_disagrees_is_unknown() -> None:
    result = paywall_status(jsonld={"isAccessibleForFree": "true"}, body=LONG_BODY,
                            paywall_texts=["Subscribe today"])
    assert result["status"] == "unknown"


def test_empty_body_is_unknown() -> None:
    assert paywall_status(jsonld=None, body="")["status"] == "unknown"


def test_bad_selector_does_not_crash() -> None:
    result = paywall_status(jsonld={"hasPart": [{"isAccessibleForFree": False, "cssSelector": "[[["}]},
                            body=LONG_BODY, tree=_tree("<p>x</p>"))
    assert result["status"] == "hard"
    assert "jsonld:hasPart.cssSelector=[[[" in result["evidence"]


def test_schema_org_url_booleans_and_declarations_on_other_nodes() -> None:
    assert paywall_status(jsonld={"isAccessibleForFree": "http://schema.org/False"},
                          body=LONG_BODY)["status"] == "hard"
    assert paywall_status(jsonld={"isAccessibleForFree": "https://schema.org/True"},
                          body=LONG_BODY)["status"] == "free"
