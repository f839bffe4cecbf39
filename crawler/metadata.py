"""Article metadata from JSON-LD, microdata and OpenGraph (via extruct), cleaned.

Dates become ISO 8601 with a time zone (naive dates are taken as UTC), the language
comes from py3langid with the page's ``lang`` as a hint, authors are cleaned of "By",
e-mail addresses, organisations-as-sentences and duplicates, and are taken only from
the article's own markup (never from sidebars).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import extruct
from lxml import etree

from crawler.constants import (
    DATE_LANGUAGES,
    LANGUAGE_CONFIDENCE,
    LANGUAGE_SAMPLE_CHARS,
    MAX_AUTHOR_CHARS,
    MAX_AUTHOR_WORDS,
    MIN_LANGUAGE_SAMPLE_CHARS,
)
from crawler.discovery.links import ARTICLE_TYPES
from crawler.discovery.urls import clean_url

__all__ = [
    "clean_authors",
    "detect_language",
    "extract_metadata",
    "normalise_date",
]

log = logging.getLogger(__name__)

_SYNTAXES = ["json-ld", "microdata", "opengraph"]
_BY_PREFIX = re.compile(r"^\s*(?:written\s+|posted\s+|reported\s+)?(?:by|von|par|por|di|door|av)[\s:]+",
                        re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_SPLIT_AUTHORS = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|&|\|)\s*", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"https?://|www\.|\d|@", re.IGNORECASE)
_BYLINE_XPATH = (
    "//*[self::article or @role='article' or contains(concat(' ', normalize-space(@class), ' '), "
    "' article ')]//*[@rel='author' or contains(@class, 'byline') or contains(@class, 'author')]"
)


# ---------------------------------------------------------------------------- dates
def normalise_date(value: object, language: str | None = None) -> str | None:
    """ISO 8601 with a time zone (``2024-05-01T10:00:00+00:00``), or None if unparsable.

    Tries the strict ISO / RFC 822 forms first (fast, unambiguous), then dateparser for
    free text ("3 May 2024, 10:15 CET", in ``language`` or a common European language).
    Naive results are taken as UTC.
    """
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, str) and value.strip() and len(value) < 100:
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = _parse_loose(text, language)
    else:
        return None
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat()


def _parse_loose(text: str, language: str | None = None) -> datetime | None:
    try:
        rfc822 = parsedate_to_datetime(text)  # as in RSS
        if rfc822.tzinfo is not None:  # naive means a zone name it did not know
            return rfc822
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # slow to import: only when the cheap parsers fail

    # a fixed language list: letting dateparser try all ~200 locales costs seconds per process
    languages = list(dict.fromkeys([*([language] if language else []), *DATE_LANGUAGES]))
    for attempt in (languages, list(DATE_LANGUAGES)):
        try:
            # no settings: aware when the text names a zone, naive (-> UTC below) otherwise
            return dateparser.parse(text, languages=attempt)
        except ValueError:  # a language dateparser does not know: retry without it
            continue
        except (OverflowError, RecursionError, TypeError):
            return None
    return None


# ---------------------------------------------------------------------------- authors
def _author_names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if str(value.get("@type", "")).lower() == "organization" and "name" not in value:
            return []
        name = value.get("name")
        return _author_names(name) if name else []
    if isinstance(value, list):
        return [n for v in value[:20] for n in _author_names(v)]
    return []


def clean_authors(values: Iterable[str]) -> list[str]:
    """Names without "By", e-mails, URLs, non-names and duplicates (case-insensitive)."""
    out: dict[str, str] = {}
    for raw in values:
        text = _EMAIL.sub(" ", " ".join(str(raw).split()))
        text = _BY_PREFIX.sub("", text)
        for part in _SPLIT_AUTHORS.split(text):
            name = part.strip(" \t-–—|·,;:()[]")
            name = _BY_PREFIX.sub("", name).strip()
            if (not name or len(name) > MAX_AUTHOR_CHARS or _NOT_A_NAME.search(name)
                    or len(name.split()) > MAX_AUTHOR_WORDS or len(name) < 2):
                continue
            out.setdefault(name.casefold(), name)
    return list(out.values())


# ---------------------------------------------------------------------------- language
_IDENTIFIER: Any = None


def _identifier() -> Any:
    global _IDENTIFIER
    if _IDENTIFIER is None:
        from py3langid import langid  # loads its model on first use

        _IDENTIFIER = langid.LanguageIdentifier.from_modelpath(
            langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code from py3langid; the page's ``lang`` wins when the detector is unsure."""
    hint_code = (hint or "").split("-")[0].split("_")[0].strip().lower() or None
    sample = " ".join(text[:LANGUAGE_SAMPLE_CHARS].split())
    if len(sample) < MIN_LANGUAGE_SAMPLE_CHARS:
        return hint_code
    code, confidence = _identifier().classify(sample)
    if hint_code and code != hint_code and confidence < LANGUAGE_CONFIDENCE:
        return hint_code
    return str(code)


# ---------------------------------------------------------------------------- extruct
def _first(*values: object) -> Any:
    for value in values:
        if isinstance(value, list):
            value = next((v for v in value if v), None)
        if isinstance(value, dict):
            value = value.get("url") or value.get("name") or value.get("@id")
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, bool | int | float):
            return value
    return None


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {n.rsplit("/", 1)[-1].lower() for n in names if isinstance(n, str)}


def _flatten_jsonld(items: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            graph = item.get("@graph")
            if isinstance(graph, list):
                out.extend(g for g in graph if isinstance(g, dict))
            out.append(item)
    return out


def _article_node(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    for node in nodes:
        if _types(node) & ARTICLE_TYPES:
            return node
    return {}


def _keywords(value: object) -> list[str]:
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list):
        parts = [v for v in value if isinstance(v, str)]
    else:
        return []
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _meta_pairs(tree: etree._Element) -> list[tuple[str, str]]:
    """``(name / property / itemprop in lower case, content)`` of every ``<meta>`` with
    content, in document order: one walk of the tree for all the lookups of a page."""
    pairs = []
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if content:
            key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
            pairs.append((key, content))
    return pairs


def _meta_content(pairs: list[tuple[str, str]], *names: str) -> str | None:
    wanted = {n.lower() for n in names}
    return next((content for key, content in pairs if key in wanted), None)


def _byline_names(tree: etree._Element) -> list[str]:
    # only bylines inside the article element: sidebars list other people's names
    try:
        nodes = tree.xpath(_BYLINE_XPATH)
    except etree.XPathError:
        return []
    return [" ".join("".join(n.itertext()).split()) for n in nodes[:10]]


def _run_extruct(tree: etree._Element, url: str | None) -> dict[str, list[Any]]:
    try:
        return extruct.extract(tree, base_url=url, syntaxes=_SYNTAXES, uniform=True,
                               with_og_array=True, errors="ignore")
    except Exception as exc:  # extruct surfaces many parser errors; metadata is optional
        log.debug("extruct failed on %s: %s", url, exc)
        return {}


def extract_metadata(tree: etree._Element, url: str | None = None, *,
                     body_text: str = "") -> dict[str, Any]:
    """Metadata of a parsed HTML page (an ``lxml.html`` tree the caller gives up).

    Keys: ``title``, ``authors``, ``published``, ``modified``, ``description``, ``image``,
    ``section``, ``keywords``, ``canonical_url``, ``language``, ``og_type``, ``jsonld``
    (the article's JSON-LD node, for paywall evidence).
    """
    data = _run_extruct(tree, url)
    jsonld = _flatten_jsonld(data.get("json-ld", []))
    micro = [m for m in data.get("microdata", []) if isinstance(m, dict)]
    og: dict[str, Any] = next((o for o in data.get("opengraph", []) if isinstance(o, dict)), {})
    art = _article_node(jsonld)
    mart = _article_node(micro)
    # paywall declarations sometimes sit on another node (WebPage, a second Article)
    for key in ("isAccessibleForFree", "hasPart"):
        if key not in art:
            donor = next((n for n in [*jsonld, *micro] if key in n), None)
            if donor is not None:
                art = {**art, key: donor[key]}

    metas = _meta_pairs(tree)
    authors_raw = _author_names(art.get("author")) or _author_names(mart.get("author"))
    if not authors_raw:
        authors_raw = _author_names(og.get("article:author")) or _author_names(
            _meta_content(metas, "author", "dc.creator", "parsely-author", "sailthru.author"))
    if not authors_raw:
        authors_raw = _byline_names(tree)

    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = clean_url(link.get("href") or "", url)
            break
    canonical = canonical or clean_url(_first(og.get("og:url")) or "", url)

    html_lang = None
    root = tree.getroottree().getroot()
    if root is not None:
        html_lang = root.get("lang") or root.get("xml:lang")
    lang_hint = html_lang or _first(art.get("inLanguage"), og.get("og:locale"))
    title_el = tree.find(".//title")
    date_lang = (str(lang_hint or "").split("-")[0].split("_")[0].lower() or None)
    return {
        "title": _first(art.get("headline"), mart.get("headline"), og.get("og:title"),
                        title_el.text if title_el is not None else None),
        "authors": clean_authors(authors_raw),
        "published": normalise_date(_first(
            art.get("datePublished"), mart.get("datePublished"),
            og.get("article:published_time"),
            _meta_content(metas, "article:published_time", "pubdate", "publishdate",
                          "date", "dc.date", "parsely-pub-date")), date_lang),
        "modified": normalise_date(_first(
            art.get("dateModified"), mart.get("dateModified"), og.get("article:modified_time"),
            og.get("og:updated_time"), _meta_content(metas, "article:modified_time")), date_lang),
        "description": _first(art.get("description"), og.get("og:description"),
                              _meta_content(metas, "description")),
        "image": clean_url(str(_first(art.get("image"), og.get("og:image")) or ""), url),
        "section": _first(art.get("articleSection"), og.get("article:section"),
                          _meta_content(metas, "article:section")),
        "keywords": _keywords(art.get("keywords") or og.get("article:tag")
                              or _meta_content(metas, "keywords", "news_keywords")),
        "canonical_url": canonical,
        "language": detect_language(body_text, lang_hint) if body_text else (
            (lang_hint or "").split("-")[0].lower() or None),
        "og_type": (_first(og.get("@type"), og.get("og:type")) or None),
        "jsonld": art,
    }
