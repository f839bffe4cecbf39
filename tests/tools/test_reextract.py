"""``scrapy reextract``: article lines from a WARC archive, in the crawl's schema."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from classifier import load_model
from crawler.items import ARTICLE_FIELDS
from tests.tools.conftest import run_scrapy
from tests.tools.pages import article_html


def _write_pair(writer: WARCWriter, url: str, body: bytes, meta: dict[str, object],
                status: str = "200 OK", content_type: str = "text/html; charset=utf-8") -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type),
                                     ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    response = writer.create_warc_record(url, "response", payload=BytesIO(body),
                                         length=len(body), http_headers=http)
    writer.write_record(response)
    payload = json.dumps(meta).encode()
    writer.write_record(writer.create_warc_record(
        url, "metadata", payload=BytesIO(payload), length=len(payload),
        warc_content_type="application/json",
        warc_headers_dict={"WARC-Concurrent-To":
                           response.rec_headers.get_header("WARC-Record-ID")}))


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "crawl" / "newscrawl-test.warc.gz"
    path.parent.mkdir()
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n in (1, 2):
            _write_pair(writer, f"http://gazette.test/story-{n}",
                        article_html("gazette", n).encode(),
                        {"newscrawl_kind": "article", "newscrawl_site": "gazette"})
        _write_pair(writer, "http://gazette.test/story-1",  # the same page archived twice
                    article_html("gazette", 1).encode(),
                    {"newscrawl_kind": "article", "newscrawl_site": "gazette"})
        _write_pair(writer, "http://gazette.test/feed.xml", b"<rss/>",
                    {"newscrawl_kind": "feed"}, content_type="application/rss+xml")
        _write_pair(writer, "http://gazette.test/gone", b"<html>gone</html>",
                    {"newscrawl_kind": "article"}, status="404 Not Found")
    (tmp_path / "crawl" / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    return path.parent


def test_reextract_writes_article_lines(tmp_path: Path, tiny_model: Path, archive: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSCRAWL_MODEL", str(tiny_model))  # restored after the test
    out = tmp_path / "out.jsonl"
    code = run_scrapy("reextract", str(archive), "-o", str(out), "--model", str(tiny_model),
                      "--quiet")
    assert code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [item["url"] for item in lines] == ["http://gazette.test/story-1",
                                               "http://gazette.test/story-2"]
    version = load_model(tiny_model).model_version_
    for item in lines:
        assert set(item) == set(ARTICLE_FIELDS) - {"blocks"}
        assert item["site"] == "gazette" and item["model"] == version
        assert "Engineers found that the old timber frame" in item["body"]
        assert "Subscribe today" not in item["body"]
    # a second run refuses to clobber the output unless asked
    assert run_scrapy("reextract", str(archive), "-o", str(out), "--quiet") == 2
    before = out.read_bytes()
    assert run_scrapy("reextract", str(archive), "-o", str(out), "--quiet", "--append") == 0
    assert out.read_bytes() == before  # appending skips articles already in the file
