"""Keep a JOBDIR only when it can be trusted.

Scrapy writes a JOBDIR's queue index and dupefilter file fully only on a clean close. After
a SIGKILL its ``requests.seen`` may name requests that are in no queue (they would never be
fetched: lost articles), and after a *finished* crawl it names every URL (a re-run would
fetch nothing). So a JOBDIR is resumed only after a graceful pause (close reason
``shutdown``); otherwise it is cleared and the crawl starts over, with the state store
skipping what is already written.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

__all__ = ["RUN_MARKER", "guard_jobdir", "mark_run_closed", "mark_run_started"]

logger = logging.getLogger(__name__)

RUN_MARKER = "newscrawl-run.json"
#: Close reasons after which Scrapy's JOBDIR state is complete and worth resuming.
_RESUMABLE = frozenset({"shutdown"})


def _read_marker(jobdir: Path) -> dict | None:
    try:
        data = json.loads((jobdir / RUN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_marker(jobdir: Path, data: dict) -> None:
    jobdir.mkdir(parents=True, exist_ok=True)
    tmp = jobdir / f"{RUN_MARKER}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, jobdir / RUN_MARKER)


def guard_jobdir(jobdir: str | Path | None) -> str:
    """Clear ``jobdir`` unless the last run paused cleanly. Returns what was decided."""
    if not jobdir:
        return "none"
    path = Path(jobdir)
    contents = [p for p in path.iterdir() if p.name != RUN_MARKER] if path.is_dir() else []
    if not contents:
        return "empty"
    marker = _read_marker(path)
    if marker and marker.get("status") == "closed" and marker.get("reason") in _RESUMABLE:
        logger.info("Resuming the paused crawl in JOBDIR %s", path)
        return "resume"
    why = ("the previous run was killed" if not marker or marker.get("status") == "running"
           else f"the previous run ended ({marker.get('reason')})")
    logger.warning("Clearing JOBDIR %s: %s; the state store skips what is already written",
                   path, why)
    for entry in contents:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return "cleared"


def mark_run_started(jobdir: str | Path | None) -> None:
    if jobdir:
        _write_marker(Path(jobdir), {"status": "running", "pid": os.getpid()})


def mark_run_closed(jobdir: str | Path | None, reason: str) -> None:
    if jobdir:
        _write_marker(Path(jobdir), {"status": "closed", "reason": reason, "pid": os.getpid()})
