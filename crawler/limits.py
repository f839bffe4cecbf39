"""Input guards the crawler applies before handing hostile bytes to a parser.

libxml2's HTML parser compares each attribute of an element with the ones before it, so one
start tag with 50,000 distinct attributes (450 KB) costs seconds and 200,000 cost minutes: a
page built that way would stall the reactor thread where the spider parses listing pages, or an
extraction worker. The guard itself lives in the classifier, which applies it before it parses;
the crawler applies the same one before its own parses (listing pages, metadata).
"""

from __future__ import annotations

from classifier import thin_crowded_tags

__all__ = ["thin_crowded_tags"]
