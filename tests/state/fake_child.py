"""A stand-in crawl process for scheduler tests: writes stats JSON, sleeps, honours SIGTERM.

Usage: fake_child.py STATS_PATH SECONDS MARKER_DIR
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

stats, seconds, markers = Path(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])
reason = "finished"


def _term(*_: object) -> None:
    global reason
    reason = "shutdown"


signal.signal(signal.SIGTERM, _term)
markers.mkdir(parents=True, exist_ok=True)
(markers / f"{os.getpid()}.start").write_text(str(time.time()))
deadline = time.monotonic() + seconds
while time.monotonic() < deadline and reason == "finished":
    time.sleep(0.02)
stats.write_text(json.dumps({"finish_reason": reason, "newscrawl/articles/written": 3}))
print("fake crawl done", reason)
sys.exit(0 if reason == "finished" else 3)
