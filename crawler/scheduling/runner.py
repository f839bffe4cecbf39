"""The scheduler loop behind ``scrapy schedule``.

Each due site runs as its own child process. A per-site lock file (``flock``, inherited by
the child) keeps two runs of one site apart, even across a scheduler restart while an old
child still runs. Next-run times and last results live in ``schedule.json`` (written
atomically), each run has a log file and a stats JSON under ``runs/<site>/``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from crawler.constants import SCHEDULE_DEFAULT_INTERVAL_S, SCHEDULE_TERM_GRACE_S, SCHEDULE_TICK_S
from crawler.scheduling.timing import next_run_after
from crawler.sites import SiteConfig

__all__ = ["ChildArgv", "Scheduler", "site_entry"]

logger = logging.getLogger(__name__)

#: Builds a child's command line from (site, its one-site sites file, stats path).
ChildArgv = Callable[[SiteConfig, Path, Path], Sequence[str]]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def site_entry(site: SiteConfig) -> dict[str, Any]:
    """The sites-file entry of ``site`` (for the one-site file a child crawls)."""
    entry: dict[str, Any] = {"name": site.name, "start_urls": list(site.start_urls),
                             "allowed_domains": list(site.allowed_domains)}
    for key in ("feeds", "sitemaps", "article_patterns"):
        if getattr(site, key):
            entry[key] = list(getattr(site, key))
    entry.update(site.extra)
    return entry


@dataclass
class _Run:
    site: SiteConfig
    proc: subprocess.Popen[bytes]
    lock_fd: int
    started: datetime
    log: Path
    stats: Path


class Scheduler:
    def __init__(self, sites: Sequence[SiteConfig], directory: str | Path, *,
                 child_argv: ChildArgv, env: dict[str, str] | None = None,
                 tick_s: float = SCHEDULE_TICK_S, grace_s: float = SCHEDULE_TERM_GRACE_S,
                 default_interval_s: float = SCHEDULE_DEFAULT_INTERVAL_S) -> None:
        self.sites = {s.name: s for s in sites}
        self.directory = Path(directory)
        self.child_argv = child_argv
        self.env = env
        self.tick_s = tick_s
        self.grace_s = grace_s
        self.default_interval_s = default_interval_s
        self.state_path = self.directory / "schedule.json"
        self.running: dict[str, _Run] = {}
        self._stop = threading.Event()
        for sub in ("locks", "runs", "sites"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        self.state: dict[str, dict[str, Any]] = self._load_state()
        for site in sites:  # fail early on a bad interval / cron
            next_run_after(_now(), interval=site.interval, cron=site.cron,
                           default_interval_s=default_interval_s)

    # --- persistent state -------------------------------------------------------------------
    def _load_state(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            logger.error("Unreadable %s (%s): starting with an empty schedule",
                         self.state_path, exc)
            return {}
        return data.get("sites", {}) if isinstance(data, dict) else {}

    def save_state(self) -> None:
        tmp = self.state_path.with_suffix(".json.tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump({"sites": self.state}, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_path)

    # --- decisions ----------------------------------------------------------------------------
    def is_due(self, name: str, now: datetime) -> bool:
        entry = self.state.get(name, {})
        if entry.get("running"):
            return True  # the previous scheduler died mid-run: finish that run
        nxt = entry.get("next_run")
        return nxt is None or datetime.fromisoformat(nxt) <= now

    # --- lock files ------------------------------------------------------------------------------
    def _try_lock(self, name: str) -> int | None:
        fd = os.open(self.directory / "locks" / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    # --- starting and reaping children ---------------------------------------------------------
    def _start(self, site: SiteConfig, now: datetime) -> None:
        lock_fd = self._try_lock(site.name)
        if lock_fd is None:
            logger.debug("Site %s: a run still holds its lock; not starting another",
                         site.name)
            return
        self._settle_orphan(site.name)
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        run_dir = self.directory / "runs" / site.name
        run_dir.mkdir(parents=True, exist_ok=True)
        log_path, stats_path = run_dir / f"{stamp}.log", run_dir / f"{stamp}.stats.json"
        sites_file = self.directory / "sites" / f"{site.name}.yaml"
        sites_file.write_text(yaml.safe_dump({"sites": [site_entry(site)]}), encoding="utf-8")
        argv = list(self.child_argv(site, sites_file, stats_path))
        os.ftruncate(lock_fd, 0)
        with log_path.open("ab") as log:
            # Own session: a Ctrl-C on the terminal reaches the scheduler only, which then
            # stops the children itself. The child inherits the lock fd and so keeps the
            # site locked even if this scheduler dies.
            proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                    pass_fds=(lock_fd,), start_new_session=True)
        os.write(lock_fd, f"{proc.pid}\n".encode())
        self.running[site.name] = _Run(site, proc, lock_fd, now, log_path, stats_path)
        entry = self.state.setdefault(site.name, {})
        entry.update(running={"pid": proc.pid, "started": _iso(now), "log": str(log_path),
                              "stats": str(stats_path)},
                     next_run=_iso(next_run_after(now, interval=site.interval, cron=site.cron,
                                                  default_interval_s=self.default_interval_s)))
        self.save_state()
        logger.info("Site %s: started run (pid %d), log %s", site.name, proc.pid, log_path)

    def _settle_orphan(self, name: str) -> None:
        """A run recorded as running whose lock is now free ended without us watching."""
        entry = self.state.get(name, {})
        orphan = entry.pop("running", None)
        if orphan:
            stats = Path(orphan["stats"])
            entry["last"] = self._result(orphan["started"], None, stats, Path(orphan["log"]),
                                         status="finished" if stats.exists() else "interrupted")

    def _result(self, started: str, code: int | None, stats_path: Path, log: Path,
                status: str) -> dict[str, Any]:
        result: dict[str, Any] = {"status": status, "exit_code": code, "started": started,
                                  "ended": _iso(_now()), "log": str(log),
                                  "stats": str(stats_path) if stats_path.exists() else None}
        try:
            stats = json.loads(stats_path.read_text(encoding="utf-8"))
            result["finish_reason"] = stats.get("finish_reason")
            result["articles_written"] = stats.get("newscrawl/articles/written", 0)
        except (OSError, ValueError):
            pass
        return result

    def _reap(self, name: str, run: _Run, status: str | None = None) -> None:
        code = run.proc.returncode
        os.close(run.lock_fd)
        del self.running[name]
        if status is None:
            status = "finished" if code == 0 else "failed"
        entry = self.state.setdefault(name, {})
        entry.pop("running", None)
        entry["last"] = self._result(_iso(run.started), code, run.stats, run.log, status)
        if status == "terminated":
            entry["next_run"] = _iso(_now())  # resume (JOBDIR) as soon as we are back
        self.save_state()
        logger.info("Site %s: run %s (exit %s)", name, status, code)

    def _poll(self) -> None:
        for name, run in list(self.running.items()):
            if run.proc.poll() is not None:
                self._reap(name, run)

    # --- the loop ---------------------------------------------------------------------------------
    def request_stop(self, *_: Any) -> None:
        self._stop.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)

    def tick(self) -> int:
        """Start every due site that is not running; returns how many started."""
        self._poll()
        now = _now()
        started = 0
        for name, site in self.sites.items():
            if name not in self.running and self.is_due(name, now):
                self._start(site, now)
                started += name in self.running
        return started

    def run(self, *, once: bool = False) -> int:
        if not self.tick() and once:
            upcoming = sorted((e.get("next_run", ""), n) for n, e in self.state.items()
                              if n in self.sites)
            logger.info("No site is due%s", f"; next: {upcoming[0][1]} at {upcoming[0][0]}"
                        if upcoming else "")
        while not self._stop.is_set():
            if once and not self.running:
                break
            self._stop.wait(self.tick_s)
            if once:
                self._poll()
            else:
                self.tick()
        self.shutdown()
        return 0

    def shutdown(self) -> None:
        """Stop the children (SIGTERM: Scrapy closes gracefully), then save the state."""
        if self.running:
            logger.info("Stopping %d running crawl(s)", len(self.running))
        for run in self.running.values():
            if run.proc.poll() is None:
                run.proc.terminate()
        deadline = time.monotonic() + self.grace_s
        for name, run in list(self.running.items()):
            try:
                run.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("Site %s: no exit %.0fs after SIGTERM; killing", name,
                               self.grace_s)
                run.proc.kill()
                run.proc.wait()
            self._reap(name, run, status="terminated")
        self.save_state()
