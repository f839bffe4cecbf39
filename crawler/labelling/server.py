"""The local labelling web app behind ``scrapy label --serve FIXTURE_DIR``.

A small threaded HTTP server bound to 127.0.0.1 only. Routes:

- ``GET /``: the fixtures under FIXTURE_DIR;
- ``GET /label/<fixture>``: the labelling page (toolbar + the fixture in a sandboxed frame);
- ``GET /view/<fixture>``: the fixture, script-free, with every block marked (see annotate);
- ``POST /save/<fixture>``: ``{"labels": {block path: label}}``, written back with
  :func:`classifier.write_fixture` (atomically: temp file + rename);
- ``GET /static/<name>``: the app's JS and CSS.

Every fixture path is resolved and must stay inside FIXTURE_DIR (no ``..``, no absolute paths,
no symlinks out). Requests must name this server in ``Host`` (no DNS rebinding) and saves must
be same-origin JSON, so a web page open in the same browser cannot write fixtures.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from classifier import LABELS, LabelledPage, read_fixture, write_fixture
from crawler.constants import LABEL_SERVER_MAX_POST_BYTES
from crawler.labelling.annotate import LABEL_COLOURS, PAGE_CSP, BlockMark, legend_css, mark_page

__all__ = ["FixtureStore", "LabellingServer", "PathRefused", "fixture_marks"]

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_FIXTURE_SUFFIXES = (".html", ".htm")
_APP_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'")
#: Page metadata attributes of a fixture carried over unchanged when it is saved.
_META_FIELDS = ("url", "template", "source", "license")


class PathRefused(ValueError):
    """A requested fixture path is outside FIXTURE_DIR or not a fixture."""


def fixture_marks(page: LabelledPage) -> list[BlockMark]:
    """One mark per classifier block of a fixture, labelled as the fixture says."""
    return [BlockMark(path=block.path, label=label, index=block.index,
                      title=f"{label}: {block.text[:80]}")
            for block, label in zip(page.blocks, page.labels, strict=True)]


@dataclass(frozen=True)
class FixtureStore:
    """The fixtures under one directory, with every path checked against it."""

    root: Path

    def list(self) -> list[str]:
        found = []
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if any(part.startswith(".") for part in rel.parts):
                continue  # hidden files and our own temp files
            if path.suffix.lower() in _FIXTURE_SUFFIXES and path.is_file():
                with contextlib.suppress(PathRefused):
                    self.resolve(rel.as_posix())
                    found.append(rel.as_posix())
        return found

    def resolve(self, rel: str) -> Path:
        """The file for ``rel``; :class:`PathRefused` unless it is a fixture inside root."""
        if not rel or "\x00" in rel or rel.startswith(("/", "\\")) or "\\" in rel:
            raise PathRefused(f"bad fixture path {rel!r}")
        root = self.root.resolve()
        candidate = (root / rel).resolve()
        if not candidate.is_relative_to(root) or candidate == root:
            raise PathRefused(f"{rel!r} is outside the fixture directory")
        if candidate.suffix.lower() not in _FIXTURE_SUFFIXES:
            raise PathRefused(f"{rel!r} is not an .html fixture")
        if not candidate.is_file():
            raise PathRefused(f"{rel!r} does not exist")
        return candidate

    def view(self, rel: str) -> str:
        page = read_fixture(self.resolve(rel))
        return mark_page(page.segmentation.root, fixture_marks(page), css=legend_css(),
                         title=rel)

    def save(self, rel: str, labels: dict[str, str]) -> int:
        """Write ``labels`` (block path -> label) into the fixture; return blocks written."""
        path = self.resolve(rel)
        raw = path.read_bytes()
        page = read_fixture(path)
        known = {block.path for block in page.blocks}
        unknown = set(labels) - known
        if unknown:
            raise ValueError(f"unknown block paths: {sorted(unknown)[:3]}")
        bad = {label for label in labels.values() if label not in LABELS}
        if bad:
            raise ValueError(f"unknown labels: {sorted(bad)}")
        current = {block.path: label for block, label in zip(page.blocks, page.labels,
                                                             strict=True)}
        merged = {**current, **labels}
        meta = {name: getattr(page, name, None) for name in _META_FIELDS}
        meta = {name: value for name, value in meta.items() if value}
        handle, tmp_name = tempfile.mkstemp(prefix=".saving-", suffix=".html", dir=path.parent)
        os.close(handle)
        try:
            write_fixture(tmp_name, raw, merged, **meta)
            os.replace(tmp_name, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        return len(labels)


def _template(name: str) -> Template:
    return Template((STATIC_DIR / name).read_text(encoding="utf-8"))


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "newscrawl-label"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("label server: " + format, *args)

    # -- plumbing ------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, csp: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if csp:
            self.send_header("Content-Security-Policy", csp)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _error(self, status: HTTPStatus, reason: str) -> None:
        self._json(status, {"ok": False, "error": reason})

    def _host_ok(self) -> bool:
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _route(self) -> tuple[str, str]:
        path = urlsplit(self.path).path
        head, _, rest = path.lstrip("/").partition("/")
        return head, unquote(rest)

    # -- GET -----------------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._host_ok():
            self._error(HTTPStatus.FORBIDDEN, "wrong Host header")
            return
        head, rest = self._route()
        store = self.server.store
        try:
            if head == "":
                self._index(store)
            elif head == "static":
                self._static(rest)
            elif head == "label":
                store.resolve(rest)
                self._app(rest)
            elif head == "view":
                body = store.view(rest).encode("utf-8")
                self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", PAGE_CSP)
            else:
                self._error(HTTPStatus.NOT_FOUND, "no such page")
        except PathRefused as exc:
            self._error(HTTPStatus.FORBIDDEN if "outside" in str(exc) or "bad" in str(exc)
                        else HTTPStatus.NOT_FOUND, str(exc))
        except (OSError, ValueError) as exc:
            logger.warning("label server: cannot show %s: %s", rest, exc)
            self._error(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc))
        except Exception as exc:  # one broken fixture must not take the server down
            logger.exception("label server: error on %s", self.path)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}")

    do_HEAD = do_GET

    def _index(self, store: FixtureStore) -> None:
        items = "\n".join(
            f'<li><a href="/label/{quote(rel)}">{html.escape(rel)}</a></li>'
            for rel in store.list()
        ) or "<li>No .html fixtures here yet: create some with <code>scrapy label</code>.</li>"
        body = _template("index.html").substitute(
            root=html.escape(str(store.root)), items=items)
        self._send(HTTPStatus.OK, body.encode(), "text/html; charset=utf-8", _APP_CSP)

    def _app(self, rel: str) -> None:
        legend = "".join(
            f'<span class="legend-item" data-label="{label}">'
            f'<span class="swatch"></span>{label} (<kbd>{label[0]}</kbd>) '
            f'<b class="count" data-count="{label}">0</b></span>'
            for label in LABEL_COLOURS
        )
        body = _template("label.html").substitute(
            title=html.escape(rel), fixture=html.escape(rel, quote=True),
            view_url=html.escape("/view/" + quote(rel), quote=True), legend=legend)
        self._send(HTTPStatus.OK, body.encode(), "text/html; charset=utf-8", _APP_CSP)

    def _static(self, name: str) -> None:
        if name == "labels.css":  # the legend's colours, from the one palette
            css = "".join(f'[data-label="{label}"] .swatch{{background:{colour}}}\n'
                          for label, colour in LABEL_COLOURS.items())
            self._send(HTTPStatus.OK, css.encode(), _STATIC_TYPES[".css"])
            return
        path = STATIC_DIR / name
        if "/" in name or path.suffix not in _STATIC_TYPES or not path.is_file():
            self._error(HTTPStatus.NOT_FOUND, "no such file")
            return
        self._send(HTTPStatus.OK, path.read_bytes(), _STATIC_TYPES[path.suffix])

    # -- POST ----------------------------------------------------------------------------
    def do_POST(self) -> None:
        if not self._host_ok():
            self._error(HTTPStatus.FORBIDDEN, "wrong Host header")
            return
        origin = self.headers.get("Origin")
        port = self.server.server_address[1]
        if origin is not None and origin not in (f"http://127.0.0.1:{port}",
                                                 f"http://localhost:{port}"):
            self._error(HTTPStatus.FORBIDDEN, "cross-origin save refused")
            return
        if self.headers.get_content_type() != "application/json":
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
            return
        head, rest = self._route()
        if head != "save":
            self._error(HTTPStatus.NOT_FOUND, "no such action")
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > LABEL_SERVER_MAX_POST_BYTES:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "bad or too large body")
            return
        try:
            payload = json.loads(self.rfile.read(length) or b"{}")
            labels = payload.get("labels") if isinstance(payload, dict) else None
            if not isinstance(labels, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
                raise ValueError('expected {"labels": {"<block path>": "<label>"}}')
            written = self.server.store.save(rest, labels)
        except PathRefused as exc:
            self._error(HTTPStatus.FORBIDDEN, str(exc))
            return
        except (ValueError, OSError) as exc:  # JSONDecodeError is a ValueError
            logger.warning("label server: save of %s refused: %s", rest, exc)
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        except Exception as exc:  # report it to the page; keep serving
            logger.exception("label server: error saving %s", rest)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}: {exc}")
            return
        logger.info("label server: saved %s (%d blocks)", rest, written)
        self._json(HTTPStatus.OK, {"ok": True, "saved": rest, "blocks": written})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, store: FixtureStore) -> None:
        self.store = store
        super().__init__(("127.0.0.1", port), _Handler)


class LabellingServer:
    """Serve FIXTURE_DIR on 127.0.0.1. Use :meth:`serve_forever`, or as a context manager
    (runs in a background thread) in tests and scripts."""

    def __init__(self, fixture_dir: str | Path, port: int = 0) -> None:
        root = Path(fixture_dir)
        if not root.is_dir():
            raise NotADirectoryError(f"{root}: not a directory")
        self._server = _Server(port, FixtureStore(root))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def label_url(self, rel: str) -> str:
        return f"{self.url}label/{quote(rel)}"

    def serve_forever(self) -> None:
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def __enter__(self) -> LabellingServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="label-server")
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
