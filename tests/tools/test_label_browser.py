"""The labelling page in headless Chromium: a real click changes a label and Save writes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from classifier import read_fixture
from crawler.labelling import LabellingServer
from crawler.report import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture()
def browser_page() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


def _open(page: Any, server: LabellingServer, rel: str) -> Any:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(server.label_url(rel))
    page.wait_for_selector("body[data-ready='1']")
    page.dialogs = dialogs
    return page.frame_locator("#page")


def test_click_cycles_label_and_save_writes_it(fixture_dir: Path, browser_page: Any) -> None:
    path = fixture_dir / "gazette" / "page-0.html"
    before = read_fixture(path)
    index = 8  # the second body paragraph: content
    assert before.labels[index] == "content"
    with LabellingServer(fixture_dir) as server:
        frame = _open(browser_page, server, "gazette/page-0.html")
        block = frame.locator(f"[data-nc-block='{index}']")
        block.click()
        assert block.get_attribute("data-nc-label") == "navigation"
        block.click()
        assert block.get_attribute("data-nc-label") == "ad"
        browser_page.click("#save")
        browser_page.wait_for_selector("#status.saved")
    after = read_fixture(path)
    assert after.labels[index] == "ad"
    assert [label for i, label in enumerate(after.labels) if i != index] == \
        [label for i, label in enumerate(before.labels) if i != index]


def test_keyboard_shortcuts_and_no_fixture_script(fixture_dir: Path, browser_page: Any) -> None:
    path = fixture_dir / "blogpress" / "page-1.html"
    html = path.read_text(encoding="utf-8").replace(
        "<div class=\"foot\">", "<script>alert('fixture script ran')</script>"
        "<img src=x onerror=\"alert('handler ran')\"><div class=\"foot\">")
    path.write_text(html, encoding="utf-8")
    with LabellingServer(fixture_dir) as server:
        frame = _open(browser_page, server, "blogpress/page-1.html")
        frame.locator("[data-nc-block='0']").hover()
        browser_page.keyboard.press("p")  # hovered block (a menu item) -> paywall
        browser_page.keyboard.press("j")  # focus moves to the first block ...
        browser_page.keyboard.press("j")  # ... then the second
        browser_page.keyboard.press("a")
        browser_page.keyboard.press("s")
        browser_page.wait_for_selector("#status.saved")
        dialogs = browser_page.dialogs
    labels = read_fixture(path).labels
    assert labels[0] == "paywall" and labels[1] == "ad" and labels[2] == "navigation"
    assert dialogs == []
