"""WARC archive: records written and read back."""

from __future__ import annotations

from pathlib import Path

from crawler.warc import WarcArchive, iter_archived


def test_roundtrip_and_rotation(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, max_bytes=1)  # rotate after every record
    body = "<html><body><p>Grüße from the harbour</p></body></html>".encode()
    archive.write("https://n.example/a", 200,
                  [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                  body, {"newscrawl_kind": "article", "newscrawl_site": "n",
                         "request_url": "https://n.example/old-a"})
    archive.write("https://n.example/b", 404, [("Content-Type", "text/html")], b"gone", {})
    archive.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) == 2
    first = list(iter_archived(files[0]))
    assert len(first) == 1
    rec = first[0]
    assert rec["url"] == "https://n.example/a" and rec["status"] == 200 and rec["body"] == body
    assert rec["meta"]["newscrawl_kind"] == "article"
    assert rec["meta"]["request_url"] == "https://n.example/old-a"
    assert "Content-Encoding" not in rec["headers"]  # the stored body is decoded
    assert rec["headers"]["Content-Length"] == str(len(body))
    (second,) = iter_archived(files[1])
    assert second["status"] == 404 and second["body"] == b"gone"
