"""Paywall status of an article, with the evidence for it.

Status: ``free``, ``metered`` (some free reads, then a wall), ``hard`` (subscribers
only) or ``unknown`` (nothing to go on, or the signals disagree). Evidence, strongest
first: the page's JSON-LD ``isAccessibleForFree`` and ``hasPart.cssSelector``, the
classifier's paywall blocks, a subscribe prompt in a paywall-looking element, and
truncation (a short body ending in "..." next to a subscribe prompt). Metered vs hard
comes from what the prompt says ("3 free articles left" -> metered).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from crawler.constants import EVIDENCE_CHARS, TRUNCATED_BODY_CHARS

__all__ = ["FREE", "HARD", "METERED", "STATUSES", "UNKNOWN", "paywall_status"]

FREE, METERED, HARD, UNKNOWN = "free", "metered", "hard", "unknown"
STATUSES = (FREE, METERED, HARD, UNKNOWN)

_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|zwei|drei|vier|fünf)"
_METER = re.compile(
    rf"\b{_NUMBER}\s+(?:more\s+|of\s+\w+\s+)?(?:free|remaining|kostenlose|gratuits?)\s+"
    r"(?:articles?|stories|story|reads?|views?|pages?|artikel|articles)\b"
    r"|\bfree\s+(?:articles?|stories|reads?)\s+(?:left|remaining|this\s+(?:month|week))"
    r"|\b(?:monthly|weekly)\s+(?:article\s+)?limit\b|\breached\s+your\s+(?:\w+\s+)?limit\b"
    r"|\bmetered\b|\barticles?\s+remaining\b",
    re.IGNORECASE)
_PROMPT = re.compile(
    r"\bsubscrib\w*|\bsubscription\b|\bsubscribers?\s+only\b|\bmembers?\s+only\b"
    r"|\bbecome\s+a\s+member\b|\bsign\s+in\s+to\s+(?:continue|read)|\blog\s*in\s+to\s+(?:continue|read)"
    r"|\bunlock\s+(?:this|the\s+full)\b|\bcontinue\s+reading\s+with\b|\babonn\w*|\bpremium\b",
    re.IGNORECASE)
_PAYWALL_HOOK = re.compile(r"paywall|regwall|subscri|meter|premium|piano|tp-container|locked",
                           re.IGNORECASE)
_ELLIPSIS = ("...", "…", "[...]", "(...)")
_WITH_CLASS_OR_ID = etree.XPath("descendant-or-self::*[@class or @id]")


def _not_free(value: object) -> bool | None:
    """True when the value says "not accessible for free"; None when it says nothing.

    JSON-LD booleans come as bools, as "False" / "false", or as schema.org URLs."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        # "False", "false", "http://schema.org/False"
        word = value.strip().lower().rsplit("/", 1)[-1]
        if word in ("false", "true"):
            return word == "false"
    return None


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_CHARS else text[:EVIDENCE_CHARS - 1] + "…"


def _parts(node: dict[str, Any]) -> list[dict[str, Any]]:
    parts = node.get("hasPart")
    if isinstance(parts, dict):
        parts = [parts]
    return [p for p in parts or [] if isinstance(p, dict)][:20]


def _selector_texts(tree: etree._Element | None, selector: str) -> list[str] | None:
    """Texts of the elements ``selector`` matches, or None if it cannot be evaluated."""
    if tree is None:
        return None
    try:
        from lxml.cssselect import CSSSelector

        return ["".join(e.itertext()) for e in CSSSelector(selector)(tree)[:10]]
    except Exception:  # cssselect raises several error types on odd selectors
        return None


def _hook_texts(tree: etree._Element | None) -> list[str]:
    """Texts of elements whose class / id looks like a paywall or subscribe box."""
    if tree is None:
        return []
    texts = []
    for elem in _WITH_CLASS_OR_ID(tree):  # not tree.iter(): most elements have neither
        hook = f"{elem.get('class') or ''} {elem.get('id') or ''}"
        if hook.strip() and _PAYWALL_HOOK.search(hook):
            texts.append("".join(elem.itertext()))
            if len(texts) >= 10:
                break
    return texts


def paywall_status(*, jsonld: dict[str, Any] | None, body: str,
                   paywall_texts: Sequence[str] = (), tree: etree._Element | None = None
                   ) -> dict[str, Any]:
    """``{"status": ..., "evidence": [...]}`` for one page.

    ``jsonld`` is the article's JSON-LD node, ``paywall_texts`` the texts of the blocks
    the classifier labelled paywall, ``tree`` the parsed page (read only).
    """
    evidence: list[str] = []
    walled = False
    declared_free = False
    prompts: list[str] = []

    node = jsonld or {}
    not_free = _not_free(node.get("isAccessibleForFree"))
    if not_free is True:
        walled = True
        evidence.append("jsonld:isAccessibleForFree=false")
    elif not_free is False:
        declared_free = True
        evidence.append("jsonld:isAccessibleForFree=true")
    for part in _parts(node):
        selector = part.get("cssSelector")
        if _not_free(part.get("isAccessibleForFree")) is not True or not isinstance(selector, str):
            continue
        walled = True
        matched = _selector_texts(tree, selector)
        evidence.append(f"jsonld:hasPart.cssSelector={selector}"
                        + ("" if matched is None else f" ({len(matched)} matched)"))
        prompts.extend(matched or [])

    # the classifier's paywall blocks count when they read like a wall: a block it merely
    # thinks looks like one (a tagline, a donation line) is not evidence enough
    worded = [t for t in paywall_texts if _PROMPT.search(t) or _METER.search(t)]
    if worded:
        walled = True
        evidence.append(f"classifier:{len(worded)} paywall block(s): " + _cut(worded[0]))
        prompts.extend(worded)

    hooks = [t for t in _hook_texts(tree) if _PROMPT.search(t) or _METER.search(t)]
    if hooks:
        walled = True
        evidence.append("prompt:" + _cut(hooks[0]))
        prompts.extend(hooks)

    stripped = body.rstrip()
    if stripped and len(stripped) < TRUNCATED_BODY_CHARS and stripped.endswith(_ELLIPSIS):
        prompt = next((p for p in prompts if _PROMPT.search(p)), None)
        if prompt is None and tree is not None:
            page_text = " ".join(tree.itertext())[:200_000]
            found = _PROMPT.search(page_text)
            prompt = found.group(0) if found else None
        if prompt is not None:
            walled = True
            evidence.append("truncated:short body ends in an ellipsis next to a subscribe prompt")

    if walled:
        if declared_free and not_free is False and not any(
                e.startswith(("jsonld:hasPart", "truncated")) for e in evidence):
            return {"status": UNKNOWN, "evidence": evidence}  # page says free, blocks disagree
        meter = next((m for m in (_METER.search(p) for p in prompts) if m), None)
        if meter is not None:
            evidence.append("meter:" + _cut(meter.group(0)))
            return {"status": METERED, "evidence": evidence}
        return {"status": HARD, "evidence": evidence}
    if not body.strip():
        return {"status": UNKNOWN, "evidence": evidence or ["no body extracted"]}
    return {"status": FREE, "evidence": evidence or ["no paywall signals"]}
