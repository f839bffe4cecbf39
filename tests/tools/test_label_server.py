"""The labelling web app's server: listing, safe view, save, and refusals."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest

from classifier import read_fixture
from crawler.labelling import FixtureStore, LabellingServer, PathRefused


def _request(server: LabellingServer, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        all_headers = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def _save(server: LabellingServer, rel: str, labels: dict[str, str],
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    status, body, _ = _request(server, "POST", f"/save/{rel}", json.dumps({"labels": labels})
                               .encode(), {"Content-Type": "application/json", **(headers or {})})
    return status, json.loads(body)


def test_index_lists_fixtures(fixture_dir: Path) -> None:
    (fixture_dir / ".hidden.html").write_text("<p>x</p>", encoding="utf-8")
    with LabellingServer(fixture_dir) as server:
        status, body, headers = _request(server, "GET", "/")
    assert status == 200
    text = body.decode()
    assert "/label/gazette/page-0.html" in text and "/label/blogpress/page-2.html" in text
    assert ".hidden" not in text
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_view_marks_blocks_and_runs_nothing(fixture_dir: Path) -> None:
    page = fixture_dir / "gazette" / "page-0.html"
    text = page.read_text(encoding="utf-8").replace(
        "<p class=\"byline\">", "<script>alert(1)</script><p class=\"byline\" onclick=\"x()\">")
    page.write_text(text, encoding="utf-8")
    with LabellingServer(fixture_dir) as server:
        status, body, headers = _request(server, "GET", "/view/gazette/page-0.html")
    view = body.decode()
    assert status == 200
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<script" not in view and "onclick" not in view
    fixture = read_fixture(page)
    for block, label in zip(fixture.blocks, fixture.labels, strict=True):
        assert f'data-nc-path="{block.path}" data-nc-label="{label}"' in view


def test_save_writes_labels_and_keeps_metadata(fixture_dir: Path) -> None:
    path = fixture_dir / "gazette" / "page-1.html"
    before = read_fixture(path)
    target = before.blocks[7]  # a body paragraph
    assert before.labels[7] == "content"
    with LabellingServer(fixture_dir) as server:
        status, result = _save(server, "gazette/page-1.html", {target.path: "paywall"})
    assert status == 200 and result["ok"] is True
    after = read_fixture(path)
    assert after.labels[7] == "paywall"
    unchanged = [i for i in range(len(before.labels)) if i != 7]
    assert [after.labels[i] for i in unchanged] == [before.labels[i] for i in unchanged]
    assert (after.url, after.template, after.source) == (before.url, "gazette", "handwritten")
    assert not list(path.parent.glob(".saving-*"))


@pytest.mark.parametrize("raw_path", [
    "/save/../secret.html",
    "/save/..%2Fsecret.html",
    "/save/gazette/..%2F..%2Fsecret.html",
    "/save/%2Ftmp%2Fsecret.html",
    "/save/gazette%5C..%5C..%5Csecret.html",
    "/save/gazette/page-0.txt",
    "/save/link/secret.html",
])
def test_save_refuses_paths_outside_the_fixture_dir(fixture_dir: Path, raw_path: str) -> None:
    secret = fixture_dir.parent / "secret.html"
    secret.write_text('<html><body data-label="navigation"><p>keep</p></body></html>',
                      encoding="utf-8")
    (fixture_dir / "gazette" / "page-0.txt").write_text("x", encoding="utf-8")
    (fixture_dir / "link").symlink_to(fixture_dir.parent, target_is_directory=True)
    original = secret.read_bytes()
    with LabellingServer(fixture_dir) as server:
        status, body, _ = _request(server, "POST", raw_path,
                                   json.dumps({"labels": {"/html/body/p": "ad"}}).encode(),
                                   {"Content-Type": "application/json"})
        view_status, _, _ = _request(server, "GET", raw_path.replace("/save/", "/view/", 1))
    assert status in (403, 404), body
    assert view_status in (403, 404)
    assert secret.read_bytes() == original


def test_store_resolve_refuses_escapes(fixture_dir: Path) -> None:
    store = FixtureStore(fixture_dir)
    assert store.resolve("gazette/page-0.html") == (fixture_dir / "gazette/page-0.html").resolve()
    for bad in ("../x.html", "/etc/passwd", "gazette/../../x.html", "", "a\x00.html"):
        with pytest.raises(PathRefused):
            store.resolve(bad)


def test_save_refuses_bad_requests(fixture_dir: Path) -> None:
    path = fixture_dir / "gazette" / "page-2.html"
    original = path.read_bytes()
    block = read_fixture(path).blocks[0]
    with LabellingServer(fixture_dir) as server:
        rel = "gazette/page-2.html"
        assert _save(server, rel, {block.path: "sidebar"})[0] == 400
        assert _save(server, rel, {"/html/body/nope": "ad"})[0] == 400
        assert _save(server, rel, {block.path: "ad"},
                     {"Origin": "http://evil.test"})[0] == 403
        status, _, _ = _request(server, "POST", f"/save/{rel}", b"labels=x",
                                {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 415
        status, _, _ = _request(server, "GET", "/", headers={"Host": "evil.test"})
        assert status == 403
    assert path.read_bytes() == original
