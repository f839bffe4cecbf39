"""Block classifier: split a news page into blocks, label each one content / navigation /
ad / paywall, and assemble the clean article.

This package never imports Scrapy. The crawler uses only the names in ``__all__``.
"""

from classifier.types import AD, CONTENT, LABELS, NAVIGATION, PAYWALL, Article, LabelledBlock

__all__ = [
    "AD",
    "CONTENT",
    "LABELS",
    "NAVIGATION",
    "PAYWALL",
    "Article",
    "LabelledBlock",
]
