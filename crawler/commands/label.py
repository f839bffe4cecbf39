"""``scrapy label``: pre-label a page with the current model into a fixture, or serve the
labelling web app to correct fixtures in the browser."""

from __future__ import annotations

import argparse
import logging
import webbrowser
from collections import Counter
from pathlib import Path

from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings, Settings

from crawler.constants import LABEL_SERVER_PORT
from crawler.labelling.cli import ToolCommand, load_model_option
from crawler.labelling.server import LabellingServer
from crawler.labelling.sources import SourceError, load_page
from crawler.middlewares.safety import policy_from_settings

logger = logging.getLogger(__name__)


class Command(ToolCommand):

    def syntax(self) -> str:
        return "URL|FILE -o FIXTURE [options] | --serve FIXTURE_DIR [--port P]"

    def short_desc(self) -> str:
        return "Pre-label a page into a fixture, or correct fixtures in the browser"

    def long_desc(self) -> str:
        return (
            "With URL or FILE: fetch or read the page, label every block with the current "
            "model and write a labelled fixture (-o) ready to correct. With --serve DIR: serve "
            "the labelling page for the fixtures in DIR on 127.0.0.1 (click a block to cycle "
            "its label; keys c/n/a/p, j/k, s to save)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FIXTURE", help="fixture file to write")
        parser.add_argument("--model", metavar="PATH",
                            help="model used to pre-label (default: NEWSCRAWL_MODEL or shipped)")
        parser.add_argument("--template", help="site template name stored in the fixture "
                            "(default: the output folder's name)")
        parser.add_argument("--url", help="the page's URL when labelling a local FILE")
        parser.add_argument("--license", help="license of the page text, stored in the fixture")
        parser.add_argument("--force", action="store_true",
                            help="overwrite an existing fixture file")
        parser.add_argument("--serve", metavar="FIXTURE_DIR",
                            help="serve the labelling page for the fixtures in this folder")
        parser.add_argument("--port", type=int, default=LABEL_SERVER_PORT,
                            help=f"port of --serve on 127.0.0.1 (default {LABEL_SERVER_PORT}; "
                                 "0 picks a free one)")
        parser.add_argument("--open", action="store_true",
                            help="open the labelling page in the default browser")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.serve:
            if args:
                raise UsageError("--serve takes no URL or FILE")
            self._serve(Path(opts.serve), opts.port, opts.open)
            return
        if len(args) != 1 or not opts.output:
            raise UsageError("give one URL or FILE and -o FIXTURE")
        self.exitcode = label_page(args[0], Path(opts.output), opts, self.settings)

    def _serve(self, root: Path, port: int, open_browser: bool) -> None:
        try:
            server = LabellingServer(root, port=port)
        except OSError as exc:
            raise UsageError(f"cannot serve {root}: {exc}", print_help=False) from exc
        print(f"Labelling {root} at {server.url}  (Ctrl-C to stop)", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped")


def label_page(target: str, output: Path, opts: argparse.Namespace, settings: BaseSettings | None) -> int:
    """Write ``target`` as a fixture pre-labelled by the model; return the exit code."""
    from classifier import extract, write_fixture

    if output.exists() and not opts.force:
        raise UsageError(f"{output} exists; use --force to overwrite it", print_help=False)
    if output.suffix.lower() not in (".html", ".htm"):
        raise UsageError("the fixture file name must end in .html", print_help=False)
    policy = policy_from_settings(settings or Settings())
    try:
        source = load_page(target, policy=policy)
    except SourceError as exc:
        logger.error("cannot label %s: %s", target, exc)
        return 1
    model = load_model_option(opts.model, settings)
    url = source.url or opts.url
    article = extract(source.body, url=url, model=model, encoding=source.http_charset)
    if not article.blocks:
        logger.error("cannot label %s: no text blocks (%s)", target,
                     ", ".join(article.warnings) or "empty page")
        return 1
    labels = {block.path: block.label for block in article.blocks}
    meta = {"url": url, "template": opts.template or output.parent.name,
            "source": "scrapy-label", "license": opts.license}
    write_fixture(output, source.body, labels, encoding=source.http_charset,
                  **{k: v for k, v in meta.items() if v})
    counts = Counter(block.label for block in article.blocks)
    summary = ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))
    print(f"wrote {output}: {len(article.blocks)} blocks pre-labelled by "
          f"{article.model_version or 'the model'} ({summary})")
    if article.warnings:
        print(f"warnings: {', '.join(article.warnings)}")
    print(f"correct it in the browser: scrapy label --serve {output.parent}")
    return 0
