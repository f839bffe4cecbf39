"""``scrapy explain``: an HTML report of how the model labelled every block of a page."""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from pathlib import Path

from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings, Settings

from crawler.labelling.cli import ToolCommand, load_model_option
from crawler.labelling.sources import SourceError, load_page
from crawler.middlewares.safety import policy_from_settings

logger = logging.getLogger(__name__)


class Command(ToolCommand):

    def syntax(self) -> str:
        return "URL|FILE -o REPORT.html [--png [FILE]] [--model PATH]"

    def short_desc(self) -> str:
        return "Show how the model labels a page: blocks, scores, top features, article"

    def long_desc(self) -> str:
        return (
            "Write an HTML report: the page with every block outlined in its label's colour "
            "with its score and the features that drove it, beside the extracted article. "
            "A PNG screenshot is saved too when Chromium is installed (--png forces it, "
            "--no-png skips it)."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="REPORT", help="HTML report to write")
        parser.add_argument("--model", metavar="PATH",
                            help="model to explain (default: NEWSCRAWL_MODEL or shipped)")
        parser.add_argument("--url", help="the page's URL when explaining a local FILE")
        parser.add_argument("--png", nargs="?", const="", default=None, metavar="FILE",
                            help="also save a screenshot (default name: REPORT with .png); "
                                 "fails when Chromium is missing")
        parser.add_argument("--no-png", action="store_true", help="never take a screenshot")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or not opts.output:
            raise UsageError("give one URL or FILE and -o REPORT.html")
        self.exitcode = explain_page(args[0], Path(opts.output), opts, self.settings)


def explain_page(target: str, output: Path, opts: argparse.Namespace, settings: BaseSettings | None) -> int:
    """Write the report for ``target``; return the exit code."""
    from classifier import extract, segment
    from crawler.report import chromium_path, explain_blocks, render_report, screenshot

    try:
        source = load_page(target, policy=policy_from_settings(settings or Settings()))
    except SourceError as exc:
        logger.error("cannot explain %s: %s", target, exc)
        return 1
    model = load_model_option(opts.model, settings)
    segmentation = segment(source.body, encoding=source.http_charset)
    article = extract(segmentation.root if segmentation.root is not None else source.body,
                      url=source.url or opts.url, model=model)
    if segmentation.warnings:  # decoding / size warnings are only seen by the first parse
        article = replace(article, warnings=(*segmentation.warnings, *article.warnings))
    explanations = explain_blocks(segmentation, article, model)
    output.parent.mkdir(parents=True, exist_ok=True)
    report = render_report(segmentation.root, article, explanations,
                           source=source.url or opts.url or target)
    output.write_text(report, encoding="utf-8")
    print(f"wrote {output}: {len(explanations)} blocks, body {len(article.body)} characters")
    want_png = opts.png is not None or (not opts.no_png and chromium_path() is not None)
    if want_png:
        png = Path(opts.png) if opts.png else output.with_suffix(".png")
        try:
            screenshot(output, png)
        except RuntimeError as exc:
            logger.error("no screenshot: %s", exc)
            return 1 if opts.png is not None else 0
        print(f"wrote {png}")
    return 0

