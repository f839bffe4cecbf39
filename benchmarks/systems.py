"""The extractors the quality benchmark compares, behind one signature.

Every system gets the same input, the decoded HTML string and the page URL, and returns
the article body as plain text ("" when it finds nothing). Third-party extractors are
dev dependencies, imported only when their system is used.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["QUALITY_SYSTEMS", "SPEED_SYSTEMS", "Extractor", "get_system"]

Extractor = Callable[[str, "str | None"], str]

#: jusText with the settings the scrapinghub benchmark used for its published 0.804.
JUSTEXT_SETTINGS = {"length_low": 50, "length_high": 200, "stopwords_low": 0.1,
                    "stopwords_high": 0.2, "max_link_density": 0.2,
                    "max_heading_distance": 200, "no_headings": True}


def _newscrawl() -> Extractor:
    from classifier.extraction import extract

    return lambda html, url: extract(html, url=url).body


def _trafilatura(favor_precision: bool = False) -> Extractor:
    import trafilatura

    def run(html: str, url: str | None) -> str:
        # include_comments=False as in the benchmark: comments are not article body
        return trafilatura.extract(html, url=url, include_comments=False,
                                   favor_precision=favor_precision) or ""

    return run


def _readability() -> Extractor:
    import html_text
    from readability import Document

    def run(html: str, url: str | None) -> str:
        summary = Document(html, url=url).summary(html_partial=True)
        return str(html_text.extract_text(summary))

    return run


def _justext() -> Extractor:
    import justext

    stoplist = justext.get_stoplist("English")

    def run(html: str, url: str | None) -> str:
        paragraphs = justext.justext(html, stoplist, **JUSTEXT_SETTINGS)
        return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


def _lxml_parse() -> Extractor:
    import lxml.html

    def run(html: str, url: str | None) -> str:
        try:
            lxml.html.document_fromstring(html)
        except ValueError:  # str with an XML encoding declaration: lxml wants bytes
            lxml.html.document_fromstring(html.encode("utf-8"))
        return ""

    return run


_FACTORIES: dict[str, Callable[[], Extractor]] = {
    "newscrawl": _newscrawl,
    "trafilatura": _trafilatura,
    "trafilatura-precision": lambda: _trafilatura(favor_precision=True),
    "readability-lxml": _readability,
    "justext": _justext,
    "lxml-parse": _lxml_parse,
}

QUALITY_SYSTEMS = ("newscrawl", "trafilatura", "trafilatura-precision", "readability-lxml",
                   "justext")
SPEED_SYSTEMS = ("newscrawl", "trafilatura", "lxml-parse")


def get_system(name: str) -> Extractor:
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown system {name!r}; known: {', '.join(_FACTORIES)}") from None
    return factory()
