"""One decode and one parse per page in the extraction worker, shared by the classifier,
the metadata reader, the paywall check and the page signals.

The tree is the classifier's own parse (``classifier.parse_html``: same decoding, input cap,
NUL removal, crowded-tag cut and parser options), so ``extract(tree)`` gives what
``extract(bytes)`` gives. It is made of ``lxml.html`` elements, as the metadata code had
before: extruct needs ``HtmlElement`` (OpenGraph reads ``.head``, the microdata cleaner calls
``drop_tree`` on its copy); a Python element class per node costs the classifier's walk a
little, far less than the parse it no longer does. Nobody changes the tree: the classifier,
metadata and paywall code only read it (extruct's microdata cleaner works on a copy).
"""

from __future__ import annotations

from typing import Any

from classifier import parse_html

__all__ = ["parse_page"]


def parse_page(body: bytes, http_charset: str | None = None) -> Any | None:
    """The root element of the page, or None when there is nothing to parse."""
    root, _encoding, _warnings = parse_html(body, encoding=http_charset, html_elements=True)
    return root
