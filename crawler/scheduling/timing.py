"""When is a site due: ``interval`` ("15m", "1h30m", "90s", "2d", or seconds) or ``cron``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from croniter import croniter

__all__ = ["ScheduleError", "next_run_after", "parse_interval", "validate_cron"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)


class ScheduleError(ValueError):
    """An interval or cron expression that cannot be used (message says which)."""


def parse_interval(value: str | int | float) -> float:
    """Seconds in ``value``: a number of seconds or a sum of ``<n><unit>`` parts."""
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            seconds = float(text)
        else:
            parts = _PART.findall(text)
            if not parts or _PART.sub("", text).strip():
                raise ScheduleError(f"bad interval {value!r} (expected e.g. '15m', '1h30m')")
            seconds = sum(float(n) * _UNITS[u.lower()] for n, u in parts)
    if seconds <= 0:
        raise ScheduleError(f"interval must be positive: {value!r}")
    return seconds


def validate_cron(expr: str) -> None:
    if not croniter.is_valid(expr):
        raise ScheduleError(f"bad cron expression {expr!r}")


def next_run_after(start: datetime, *, interval: str | None, cron: str | None,
                   default_interval_s: float) -> datetime:
    """The next due time after a run that started at ``start`` (aware UTC)."""
    if cron:
        validate_cron(cron)
        nxt = croniter(cron, start.astimezone(timezone.utc)).get_next(datetime)
        return nxt if nxt.tzinfo else nxt.replace(tzinfo=timezone.utc)
    seconds = parse_interval(interval) if interval else default_interval_s
    return start + timedelta(seconds=seconds)
