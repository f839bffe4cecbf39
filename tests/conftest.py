"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_DIR = REPO_ROOT / "fixtures"


def _shared_corpora_dir() -> Path | None:
    env = os.environ.get("NEWSCRAWL_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(REPO_ROOT.parent / "shared")
    for base in candidates:
        if (base / "corpora").is_dir():
            return base / "corpora"
    return None


@pytest.fixture(scope="session")
def shared_corpora() -> Path:
    """The ../shared/corpora directory; the test is skipped when it is absent."""
    path = _shared_corpora_dir()
    if path is None:
        pytest.skip("../shared/corpora is not available")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES_DIR
