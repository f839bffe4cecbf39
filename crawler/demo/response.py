"""What the demo site answers: a status, a type, bytes, and the dates for conditional GETs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["FEED_TYPES", "HTML", "XML", "Response", "html_response"]

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
FEED_TYPES = {"daily": "application/rss+xml; charset=utf-8",
              "courier": "application/rss+xml; charset=utf-8",
              "magazine": "application/atom+xml; charset=utf-8",
              "quill": "application/feed+json; charset=utf-8"}


@dataclass(frozen=True)
class Response:
    """One rendered answer. ``kind`` names the page type (request logs and tests use it)."""

    status: int
    content_type: str
    body: bytes
    kind: str
    last_modified: datetime | None = None
    location: str | None = None


def html_response(status: int, text: str, kind: str,
                  last_modified: datetime | None = None) -> Response:
    return Response(status, HTML, text.encode("utf-8"), kind, last_modified)
