"""Tools for retraining: the local labelling web app, page loading and block marking.

Used by the ``scrapy label / explain`` commands (``crawler/commands``) and the explain report.
"""

from crawler.labelling.annotate import LABEL_COLOURS, BlockMark, legend_css, mark_page
from crawler.labelling.server import FixtureStore, LabellingServer, PathRefused
from crawler.labelling.sources import PageSource, SourceError, is_url, load_page

__all__ = [
    "LABEL_COLOURS",
    "BlockMark",
    "FixtureStore",
    "LabellingServer",
    "PageSource",
    "PathRefused",
    "SourceError",
    "is_url",
    "legend_css",
    "load_page",
    "mark_page",
]
