"""Fixtures for the demo-site tests: a small site and a server on port 0."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.demo import DemoServer, DemoSite


@pytest.fixture(scope="module")
def site() -> DemoSite:
    """The default demo site (never edited: tests that edit make their own)."""
    return DemoSite()


@pytest.fixture(scope="module")
def server(site: DemoSite) -> Iterator[DemoServer]:
    with DemoServer(site) as running:
        yield running
