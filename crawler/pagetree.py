"""One decode and one parse per page in the extraction worker, shared by the classifier,
the metadata reader, the paywall check and the page signals.

The tree is built the way ``classifier.extract`` builds it from bytes (same decoding, same
input cap, NULs dropped, crowded start tags cut, same parser options), so ``extract(tree)``
gives what ``extract(bytes)`` gives. It is an ``lxml.html`` tree, as the metadata code had
before: extruct needs ``HtmlElement`` (OpenGraph reads ``.head``, the microdata cleaner calls
``drop_tree`` on its copy); a Python element class per node costs the classifier's walk a
little, far less than the parse it no longer does. Nobody changes the tree: the classifier, metadata and paywall code only read it
(extruct's microdata cleaner works on a copy).
"""

from __future__ import annotations

import threading
from typing import Any

import lxml.etree
import lxml.html

from classifier import decode_html, thin_crowded_tags
from crawler.constants import MAX_PARSE_BYTES

__all__ = ["parse_page"]

_LOCAL = threading.local()  # an lxml parser must not be shared between threads


def _parser() -> Any:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        # the classifier's own parser options (classifier.segmentation), lxml.html elements
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                      no_network=True, collect_ids=False, default_doctype=False)
        _LOCAL.parser = parser
    return parser


def parse_page(body: bytes, http_charset: str | None = None) -> Any | None:
    """The root element of the page, or None when there is nothing to parse."""
    text, _encoding = decode_html(body[:MAX_PARSE_BYTES], http_charset)
    # NULs and lone surrogates would make libxml2 stop early or refuse the text
    payload = text.replace("\x00", "").encode("utf-8", errors="replace")
    payload, _cut = thin_crowded_tags(payload)  # libxml2 is quadratic in attributes
    if not payload.strip():
        return None
    try:
        return lxml.etree.fromstring(payload, _parser())
    except (lxml.etree.LxmlError, ValueError):
        return None
