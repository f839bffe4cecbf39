"""The command line: manifest output, the scrapy command, stats parsing, the summary flow."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from crawler.demo import DemoSite, runner
from crawler.demo import __main__ as cli
from crawler.sites import load_sites

SCRAPY_LOG = """\
2026-11-28 21:31:32 [scrapy.core.engine] INFO: Closing spider (finished)
2026-11-28 21:31:32 [scrapy.statscollectors] INFO: Dumping Scrapy stats:
{'downloader/request_count': 140,
 'downloader/response_status_count/200': 127,
 'downloader/response_status_count/404': 7,
 'elapsed_time_seconds': 9.87,
 'finish_reason': 'finished',
 'finish_time': datetime.datetime(2026, 11, 28, 21, 31, 32, 1, tzinfo=datetime.timezone.utc),
 'newscrawl/dropped/not_article': 21,
 'newscrawl/dropped/empty': 3,
 'start_time': datetime.datetime(2026, 11, 28, 21, 31, 22, 2, tzinfo=datetime.timezone.utc)}
2026-11-28 21:31:32 [scrapy.core.engine] INFO: Spider closed (finished)
"""


def test_manifest_command_prints_one_line_per_article(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["manifest", "--articles", "30", "--seed", "5", "--base",
                     "http://h:1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = list(DemoSite(seed=5, articles=30).manifest(base="http://h:1"))
    assert lines == expected
    assert {"url_path", "title", "body", "paywall", "publisher", "published", "modified",
            "authors", "url"} <= set(lines[0])


def test_scrapy_command_puts_everything_under_out(tmp_path: Path) -> None:
    cmd = runner.scrapy_command(tmp_path, site="http://127.0.0.1:9/daily/",
                                redis_url="redis://127.0.0.1:6379/3", settings=["FOO=bar"])
    assert cmd[1:5] == ["-m", "scrapy", "crawl", "news"]
    assert cmd[5:7] == ["-a", "site=http://127.0.0.1:9/daily/"]
    settings = dict(cmd[i + 1].split("=", 1) for i, arg in enumerate(cmd) if arg == "-s")
    assert settings["NEWSCRAWL_OUTPUT_DIR"] == str(tmp_path / "articles")
    assert settings["NEWSCRAWL_STATE_DIR"] == str(tmp_path / "state")
    assert settings["JOBDIR"] == str(tmp_path / "job")
    assert settings["NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES"] == "True"
    assert settings["NEWSCRAWL_REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert settings["FOO"] == "bar"
    polite = runner.scrapy_command(tmp_path, sites_file=tmp_path / "s.yaml", polite=True)
    assert "-a" in polite and f"sites={tmp_path / 's.yaml'}" in polite
    assert not any(a.startswith("DOWNLOAD_DELAY=") for a in polite)
    with pytest.raises(ValueError):
        runner.scrapy_command(tmp_path)


def test_sites_file_is_readable_by_the_crawler(tmp_path: Path) -> None:
    urls = {"daily": "http://127.0.0.1:4001/daily/", "quill": "http://127.0.0.1:4004/quill/"}
    sites = load_sites(runner.write_sites_file(tmp_path / "sites.yaml", urls))
    assert [(s.name, s.start_urls) for s in sites] == [
        ("daily", ("http://127.0.0.1:4001/daily/",)), ("quill", ("http://127.0.0.1:4004/quill/",))]
    assert runner.site_name("http://127.0.0.1:4001/courier/") == "courier"
    assert runner.site_name("http://127.0.0.1:4001/") == "127-0-0-1-4001"


def test_parse_stats_reads_the_last_dump() -> None:
    stats = runner.parse_stats("noise\n" + SCRAPY_LOG.replace("140", "1") + SCRAPY_LOG)
    assert stats["downloader/request_count"] == 140
    assert stats["newscrawl/dropped/not_article"] == 21
    assert stats["finish_reason"] == "finished"
    assert stats["elapsed_time_seconds"] == pytest.approx(9.87)
    assert runner.parse_stats("no stats here") == {}


def test_compare_and_read_articles(tmp_path: Path) -> None:
    manifest = list(DemoSite(articles=24).manifest())
    base = "http://127.0.0.1:5000"
    lines = [json.dumps({"url": base + m["url_path"], "body": m["body"],
                         "paywall": {"status": m["paywall"], "evidence": []}}) for m in manifest[1:]]
    lines.append(json.dumps({"url": base + "/daily/politics/", "body": "a listing"}))
    lines.append(json.dumps({"url": base + manifest[2]["url_path"], "body": "edited",
                             "revision": 2, "paywall": "free"}))
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "articles-1.jsonl").write_text("\n".join(lines) + "\n{\"torn", "utf-8")
    result = runner.compare(runner.read_articles(tmp_path), manifest)
    assert result.missing == [manifest[0]["url_path"]]
    assert result.extra == ["/daily/politics/"]
    assert len(result.found) == len(manifest) - 1 and not result.duplicates
    assert result.exact_bodies == len(manifest) - 2  # the later revision replaced one body
    assert result.paywall_right == len(manifest) - 1 - (manifest[2]["paywall"] != "free")
    assert 0.9 < result.mean_similarity < 1.0
    assert runner.body_similarity("a b c", "a b c") == 1.0
    assert runner.body_similarity("a b", "c d") == 0.0


FAKE_CRAWL = textwrap.dedent("""
    import json, sys, pathlib, urllib.request
    import yaml
    out, mode, log = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
    sites = yaml.safe_load((out / "sites.yaml").read_text())["sites"]
    from crawler.demo import DemoSite
    manifest = list(DemoSite(articles=24).manifest())
    (out / "articles").mkdir(parents=True, exist_ok=True)
    bases = {s["name"]: s["start_urls"][0].rsplit("/", 2)[0] for s in sites}
    with open(out / "articles" / "a.jsonl", "w") as f:
        for m in manifest[1:]:
            url = bases[m["publisher"]] + m["url_path"]
            urllib.request.urlopen(url).read()  # the server is really up
            f.write(json.dumps({"url": url, "body": m["body"], "paywall": m["paywall"]}) + "\\n")
    log.write_text(LOG)
    sys.exit(0 if mode == "ok" else 3)
""")


@pytest.mark.parametrize(("mode", "strict", "code"), [("ok", False, 0), ("ok", True, 1),
                                                       ("fail", False, 1)])
def test_demo_command_serves_crawls_and_reports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        mode: str, strict: bool, code: int) -> None:
    script = FAKE_CRAWL.replace("LOG)", repr(SCRAPY_LOG) + ")")

    def fake_command(out: Path, **kwargs: object) -> list[str]:
        assert kwargs["sites_file"] == out / "sites.yaml"
        return [sys.executable, "-c", script, str(out), mode, str(kwargs["log_file"])]

    monkeypatch.setattr(runner, "scrapy_command", fake_command)
    args = ["--out", str(tmp_path), "--articles", "24"] + (["--strict"] if strict else [])
    assert cli.main(args) == code
    out = capsys.readouterr().out
    assert "found 22 of 23, missing 1, extra 0" in out
    assert "newscrawl/dropped/not_article" in out
    if mode == "ok":
        assert "Crawl finished" in out
    else:
        assert "Crawl FAILED" in out


def test_fixtures_command_writes_gold_labels_matching_the_manifest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from classifier import read_fixture

    assert cli.main(["fixtures", "--out", str(tmp_path), "--articles", "36"]) == 0
    assert "labelled fixtures" in capsys.readouterr().out
    manifest = {m["id"]: m for m in DemoSite(articles=36).manifest()}
    paths = sorted(tmp_path.glob("demo-*/*.html"))
    assert len(paths) == len(manifest)
    labels_seen: set[str] = set()
    for path in paths:
        page = read_fixture(path)
        entry = manifest[int(path.stem.split("-")[1])]
        assert page.template == f"demo-{entry['publisher']}"
        assert page.body == entry["body"], path
        labels_seen |= set(page.labels)
        if entry["paywall"] != "free":
            assert "paywall" in page.labels
    assert labels_seen == {"content", "navigation", "ad", "paywall"}
    assert cli.main(["fixtures", "--out", str(tmp_path / "q"), "--articles", "36",
                     "--publisher", "quill", "--limit", "3"]) == 0
    assert len(list((tmp_path / "q" / "demo-quill").glob("*.html"))) == 3


def test_demo_reruns_reuse_ports_and_edit_flag_changes_articles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = FAKE_CRAWL.replace("LOG)", repr(SCRAPY_LOG) + ")")
    monkeypatch.setattr(runner, "scrapy_command", lambda out, **kw: [
        sys.executable, "-c", script, str(out), "ok", str(kw["log_file"])])
    assert cli.main(["--out", str(tmp_path), "--articles", "24"]) == 0
    first = (tmp_path / "sites.yaml").read_text()
    assert cli.main(["--out", str(tmp_path), "--articles", "24", "--edit", "1"]) == 0
    assert (tmp_path / "sites.yaml").read_text() == first  # same URLs: state stays valid
    out = capsys.readouterr().out
    newest = next(DemoSite(articles=24).manifest())["url_path"]
    assert [line.split()[1] for line in out.splitlines() if line.startswith("Edited")] == [newest]


def test_serve_command_serves_until_terminated(tmp_path: Path) -> None:
    import signal
    import subprocess

    from tests.demo.helpers import fetch

    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo", "serve", "--port", "0", "--layout", "ports",
         "--articles", "24", "--sites-file", str(tmp_path / "sites.yaml")],
        stdout=subprocess.PIPE, text=True, cwd=runner.REPO_ROOT)
    try:
        assert proc.stdout is not None
        urls = {}
        for line in proc.stdout:
            if line.startswith("Serving until"):
                break
            parts = line.split()
            if len(parts) == 2 and parts[1].startswith("http://"):
                urls[parts[0]] = parts[1]
        assert set(urls) == {"daily", "courier", "magazine", "quill"}
        assert fetch(urls["quill"]).status == 200
        assert [s.start_urls[0] for s in load_sites(tmp_path / "sites.yaml")] == list(urls.values())
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
