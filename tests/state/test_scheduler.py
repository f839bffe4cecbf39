"""The scheduler loop, with a stand-in child process instead of a real crawl."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.scheduling import ScheduleError, Scheduler, next_run_after, parse_interval
from crawler.sites import SiteConfig

FAKE = Path(__file__).with_name("fake_child.py")
REPO_ROOT = Path(__file__).resolve().parents[2]


def _sites(*specs: tuple[str, str | None, str | None]) -> list[SiteConfig]:
    return [SiteConfig(name=n, start_urls=(f"http://{n}.test/",), allowed_domains=(f"{n}.test",),
                       interval=i, cron=c) for n, i, c in specs]


def _scheduler(tmp_path: Path, sites: list[SiteConfig], seconds: float = 0.2) -> Scheduler:
    def argv(site: SiteConfig, sites_file: Path, stats: Path) -> list[str]:
        assert sites_file.exists()
        return [sys.executable, str(FAKE), str(stats), str(seconds), str(tmp_path / "m")]
    return Scheduler(sites, tmp_path / "sched", child_argv=argv, tick_s=0.05, grace_s=10)


def test_parse_interval_and_cron() -> None:
    assert parse_interval("15m") == 900
    assert parse_interval("1h30m") == 5400
    assert parse_interval("90") == 90
    with pytest.raises(ScheduleError):
        parse_interval("soon")
    start = datetime(2026, 1, 1, 10, 7, tzinfo=timezone.utc)
    assert next_run_after(start, interval=None, cron="*/15 * * * *",
                          default_interval_s=60) == start.replace(minute=15)
    assert next_run_after(start, interval="2h", cron=None,
                          default_interval_s=60) == start + timedelta(hours=2)
    with pytest.raises(ScheduleError):
        next_run_after(start, interval=None, cron="every day", default_interval_s=60)


def test_once_runs_due_sites_and_remembers_next_runs(tmp_path: Path) -> None:
    sites = _sites(("a", "1h", None), ("b", None, "0 3 * * *"))
    assert _scheduler(tmp_path, sites).run(once=True) == 0
    state = json.loads((tmp_path / "sched" / "schedule.json").read_text())["sites"]
    for name in ("a", "b"):
        last = state[name]["last"]
        assert last["status"] == "finished" and last["articles_written"] == 3
        assert Path(last["log"]).read_text().startswith("fake crawl done")
        assert datetime.fromisoformat(state[name]["next_run"]) > datetime.now(timezone.utc)
    # a restarted scheduler finds nothing due
    again = _scheduler(tmp_path, sites)
    assert again.tick() == 0
    assert len(list((tmp_path / "m").glob("*.start"))) == 2


def test_a_locked_site_is_not_started_twice(tmp_path: Path) -> None:
    sites = _sites(("a", "1h", None), ("b", "1h", None))
    sched = _scheduler(tmp_path, sites)
    fd = os.open(tmp_path / "sched" / "locks" / "a.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another run of "a" holds the lock
    try:
        sched.run(once=True)
    finally:
        os.close(fd)
    state = sched.state
    assert "last" not in state.get("a", {}) and state["b"]["last"]["status"] == "finished"


def test_sigterm_stops_children_and_saves_state(tmp_path: Path) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(REPO_ROOT)!r})\n"
        "from pathlib import Path\n"
        "from crawler.scheduling import Scheduler\n"
        "from crawler.sites import SiteConfig\n"
        f"tmp = Path({str(tmp_path)!r})\n"
        "site = SiteConfig(name='a', start_urls=('http://a.test/',), allowed_domains=('a.test',))\n"
        "argv = lambda s, f, st: [sys.executable, "
        f"{str(FAKE)!r}, str(st), '60', str(tmp / 'm')]\n"
        "sched = Scheduler([site], tmp / 'sched', child_argv=argv, tick_s=0.05)\n"
        "sched.install_signal_handlers()\n"
        "sys.exit(sched.run())\n")
    proc = subprocess.Popen([sys.executable, str(driver)])
    try:
        for _ in range(500):
            if list((tmp_path / "m").glob("*.start")):
                break
            time.sleep(0.02)
        else:
            pytest.fail("the child never started")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    state = json.loads((tmp_path / "sched" / "schedule.json").read_text())["sites"]["a"]
    assert "running" not in state
    assert state["last"]["status"] == "terminated"
    assert state["last"]["finish_reason"] == "shutdown"
    child_pid = int(next((tmp_path / "m").glob("*.start")).stem)
    with pytest.raises(ProcessLookupError):
        os.kill(child_pid, 0)


def test_a_run_lost_by_a_dead_scheduler_is_redone(tmp_path: Path) -> None:
    sites = _sites(("a", "1h", None))
    sched = _scheduler(tmp_path, sites)
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    sched.state = {"a": {"next_run": later, "running": {
        "pid": 999999, "started": "2026-01-01T00:00:00+00:00",
        "log": str(tmp_path / "gone.log"), "stats": str(tmp_path / "gone.json")}}}
    sched.save_state()
    restarted = _scheduler(tmp_path, sites)
    assert restarted.run(once=True) == 0
    log = json.loads((tmp_path / "sched" / "schedule.json").read_text())["sites"]["a"]
    assert log["last"]["status"] == "finished"
    assert len(list((tmp_path / "m").glob("*.start"))) == 1
