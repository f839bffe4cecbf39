"""Stand-in extraction work for the process-pool tests (importable by worker processes)."""

from __future__ import annotations

import os
import time
from typing import Any


def no_warm_up() -> None:
    pass


def fake_work(page: dict[str, Any], with_blocks: bool = False) -> dict[str, Any]:
    """Crashes the worker on ``crash``, hangs on ``hang``, else returns a tiny article."""
    if page["body"] == b"crash":
        os._exit(3)
    if page["body"] == b"hang":
        time.sleep(60)
    return {"url": page["url"], "body": page["body"].decode(), "content_hash": "h"}
