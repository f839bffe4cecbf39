"""Input guards the crawler applies before handing hostile bytes to a parser.

libxml2's HTML parser compares each attribute of an element with the ones before it, so one
start tag with 50,000 distinct attributes (450 KB) costs seconds and 200,000 cost minutes: a
page built that way would stall the reactor thread where the spider parses listing pages, or an
extraction worker. A ``<title>`` the page never closes would make libxml2 read the rest of
the page as the title (no links, no text), a self-closed ``<html/>`` makes it an empty
document, and it drops whatever follows ``</html>``. The guards live in the classifier, which
applies them before it parses (``repair_markup``); the crawler applies the same ones before
its own parses (listing pages, metadata).
"""

from __future__ import annotations

from classifier import repair_markup, thin_crowded_tags

__all__ = ["repair_markup", "thin_crowded_tags"]
