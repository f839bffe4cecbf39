"""``scrapy reextract``: re-run extraction with a (new) model over archived WARC crawls."""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrapy.exceptions import UsageError

from crawler.labelling.cli import ToolCommand

logger = logging.getLogger(__name__)

#: Environment variable the classifier reads for its default model.
_MODEL_ENV = "NEWSCRAWL_MODEL"


class Command(ToolCommand):

    def syntax(self) -> str:
        return "WARC... -o OUT.jsonl [--model PATH]"

    def short_desc(self) -> str:
        return "Re-extract articles from archived crawls (WARC) with a new model"

    def long_desc(self) -> str:
        return (
            "Read the responses archived by a crawl with NEWSCRAWL_WARC_ENABLED (files or "
            "folders of .warc.gz), run the crawl's own extraction and validation on each "
            "article page with the chosen model, and write article lines in the crawl's "
            "JSONL schema. Bad records are skipped and counted; lines already written stay."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="OUT.jsonl", help="JSONL file to write")
        parser.add_argument("--model", metavar="PATH",
                            help="model to extract with (default: NEWSCRAWL_MODEL or shipped)")
        parser.add_argument("--append", action="store_true", help="append to OUT.jsonl")
        parser.add_argument("--force", action="store_true", help="overwrite OUT.jsonl")
        parser.add_argument("--keep-all", action="store_true",
                            help="keep pages validation would drop (listings, short bodies)")
        parser.add_argument("--blocks", action="store_true",
                            help="include every block with its label (like NEWSCRAWL_ITEM_BLOCKS)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args or not opts.output:
            raise UsageError("give WARC files or folders and -o OUT.jsonl")
        files = warc_files([Path(a) for a in args])
        if not files:
            raise UsageError("no .warc / .warc.gz files found", print_help=False)
        output = Path(opts.output)
        if output.exists() and not (opts.append or opts.force):
            raise UsageError(f"{output} exists; use --append or --force", print_help=False)
        model = opts.model or (self.settings.get("NEWSCRAWL_MODEL") if self.settings else None)
        if model:
            from crawler.labelling.cli import load_model_option

            load_model_option(model, None)  # a bad model file stops here, with its reason
            os.environ[_MODEL_ENV] = str(model)  # the crawl's extraction uses the default model
        counts = reextract(files, output, append=opts.append, keep_all=opts.keep_all,
                           with_blocks=opts.blocks, progress=not opts.quiet)
        print(json.dumps({"output": str(output), **counts}, indent=1))
        # Skipped records are counted above; only an archive set with nothing readable fails.
        unreadable = counts.get("newscrawl/reextract/errors", 0) and \
            not counts.get("newscrawl/reextract/records", 0)
        self.exitcode = 1 if unreadable else 0


def warc_files(paths: list[Path]) -> list[Path]:
    """WARC files named, or found in the folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.name.endswith((".warc", ".warc.gz")))
        elif path.is_file():
            found.append(path)
        else:
            logger.warning("no such WARC file or folder: %s", path)
    return found


def _charset(headers: dict[str, str]) -> str | None:
    from email.message import Message

    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    message = Message()
    message["content-type"] = content_type
    charset = message.get_content_charset()
    return str(charset) if charset else None


def _is_html(headers: dict[str, str]) -> bool:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return not content_type or "html" in content_type.lower()


def _records(files: list[Path], counts: Counter[str]) -> Iterator[dict[str, Any]]:
    from crawler.warc import iter_archived

    for file in files:
        try:
            for record in iter_archived(file):
                counts["newscrawl/reextract/records"] += 1
                yield record
        except Exception as exc:  # a truncated or corrupt archive: keep what came before
            counts["newscrawl/reextract/errors"] += 1
            logger.error("stopped reading %s: %s: %s", file, type(exc).__name__, exc)


def _already_written(output: Path) -> set[tuple[str, str]]:
    """(url, content hash) of the lines already in ``output``: appending skips them."""
    seen: set[tuple[str, str]] = set()
    if not output.is_file():
        return seen
    with output.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                item = json.loads(line)
                seen.add((str(item["url"]), str(item["content_hash"])))
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line of an interrupted run
    return seen


def reextract(files: list[Path], output: Path, *, append: bool = False, keep_all: bool = False,
              with_blocks: bool = False, progress: bool = True) -> dict[str, int]:
    """Write one article line per archived article page; return the counts."""
    from tqdm import tqdm

    from crawler.items import PRIVATE_KEY, make_page_item
    from crawler.pipelines.extraction import build_article
    from crawler.pipelines.storage import encode_line
    from crawler.pipelines.validation import rejection_reason

    counts: Counter[str] = Counter()
    seen = _already_written(output) if append else set()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("ab" if append else "wb") as out:
        records = tqdm(_records(files, counts), unit=" pages", disable=not progress,
                       desc="reextract")
        for record in records:
            meta = record.get("meta") or {}
            kind = meta.get("newscrawl_kind")
            if kind not in (None, "article") or not 200 <= int(record["status"]) < 300 \
                    or not _is_html(record["headers"]):
                counts["newscrawl/reextract/skipped/not_article_page"] += 1
                continue
            page = make_page_item(
                url=record["url"], status=int(record["status"]), headers=record["headers"],
                body=record["body"], encoding=_charset(record["headers"]),
                site=meta.get("newscrawl_site") or "", meta=meta,
                discovered_via=meta.get("newscrawl_via") or "warc")
            try:
                item = build_article(page, with_blocks=with_blocks)
            except Exception as exc:  # one bad page is counted, the rest go on
                counts["newscrawl/reextract/errors"] += 1
                logger.warning("extraction failed for %s: %s: %s", record["url"],
                               type(exc).__name__, exc)
                continue
            reason = None if keep_all else rejection_reason(item)
            item.pop(PRIVATE_KEY, None)
            if reason:
                counts[f"newscrawl/reextract/dropped/{reason}"] += 1
                continue
            key = (item["url"], item["content_hash"])
            if key in seen:
                counts["newscrawl/reextract/dropped/duplicate"] += 1
                continue
            seen.add(key)
            out.write(encode_line(item))
            out.flush()
            counts["newscrawl/reextract/written"] += 1
        out.flush()
        os.fsync(out.fileno())
    return dict(sorted(counts.items()))
