"""Item pipelines: extraction -> validation -> dedup -> incremental -> JSONL storage.

Extraction, validation and dedup live here; storage and incremental state in
``storage.py`` / ``incremental.py``. Import them by dotted path (ITEM_PIPELINES); this
package does not import them eagerly so that workers stay light.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

__all__ = ["NewscrawlLogFormatter"]


class NewscrawlLogFormatter(LogFormatter):
    """Drops are logged as one line (the reason names the URL), never the whole item:
    a page item carries the raw page and an article its full body."""

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        result["args"] = {"exception": exception}
        return result
