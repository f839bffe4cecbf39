"""Where does one system lose against another? Reads the per-page scores written by
``benchmarks.quality`` and lists the pages with the largest F1 loss; with the predicted
texts (``--save-texts``) it also shows the gold paragraphs the system missed and the
paragraphs it added. Run from the repository root::

    python -m benchmarks.error_analysis benchmarks/results/quality-pages.json \\
        --corpus dragnet-test --texts /tmp/texts --top 15

Never use it on scrapinghub for tuning: that corpus is for evaluation only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.quality import CORPORA, default_corpora_dir
from classifier.evaluation import SHINGLE_SIZE, read_corpus, shingles, tokenize

#: A paragraph counts as missed / added when less than this share of its shingles is
#: found on the other side.
UNMATCHED_SHARE = 0.5
SNIPPET_CHARS = 110


def unmatched_paragraphs(text: str, other: str) -> list[str]:
    """Paragraphs of ``text`` whose shingles are mostly absent from ``other``."""
    other_shingles = shingles(other)
    other_words = f" {' '.join(tokenize(other))} "
    found = []
    for paragraph in (p.strip() for p in text.split("\n")):
        words = tokenize(paragraph)
        if not words:
            continue
        if len(words) < SHINGLE_SIZE:  # one short shingle: look for the words in a row
            if f" {' '.join(words)} " not in other_words:
                found.append(paragraph)
            continue
        own = shingles(paragraph)
        if sum((own & other_shingles).values()) / own.total() < UNMATCHED_SHARE:
            found.append(paragraph)
    return found


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS - 1] + "…"


def losses(rows: dict[str, list[dict[str, Any]]], system: str,
           against: str) -> list[tuple[float, dict[str, Any], dict[str, Any]]]:
    theirs = {r["id"]: r for r in rows[against]}
    found = [(theirs[r["id"]]["f1"] - r["f1"], r, theirs[r["id"]])
             for r in rows[system] if r["id"] in theirs]
    return sorted(found, key=lambda item: item[0], reverse=True)


def _pr(row: dict[str, Any]) -> str:
    p, r = row["precision"], row["recall"]
    return f"P {'-' if p is None else f'{p:.2f}'} R {'-' if r is None else f'{r:.2f}'}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.error_analysis",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages_json", type=Path)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--system", default="newscrawl")
    parser.add_argument("--against", default="trafilatura")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--texts", type=Path, help="the --save-texts folder of that run")
    parser.add_argument("--paragraphs", type=int, default=3,
                        help="missed / added paragraphs shown per page")
    parser.add_argument("--corpora-dir", type=Path, default=default_corpora_dir())
    args = parser.parse_args(argv)
    if args.corpus == "scrapinghub":
        print("refusing: scrapinghub is evaluation data, not for error analysis / tuning",
              file=sys.stderr)
        return 2
    rows = json.loads(args.pages_json.read_text(encoding="utf-8"))[args.corpus]
    ranked = losses(rows, args.system, args.against)
    wins = sum(1 for delta, _, _ in ranked if delta < 0)
    lost = sum(1 for delta, _, _ in ranked if delta > 0)
    print(f"{args.corpus}: {args.system} better on {wins} pages, worse on {lost}, "
          f"of {len(ranked)}; mean F1 difference {sum(d for d, _, _ in ranked) / len(ranked):+.3f}")
    gold: dict[str, str] = {}
    if args.texts:
        spec = CORPORA[args.corpus]
        gold = {p.id: p.gold for p in read_corpus(args.corpora_dir / spec.folder,
                                                  split=spec.split)}
    for delta, ours, theirs in ranked[:args.top]:
        if delta <= 0:
            break
        print(f"\n{ours['id']}: F1 {ours['f1']:.2f} vs {theirs['f1']:.2f} ({-delta:+.2f})  "
              f"{args.system} {_pr(ours)} ({ours['pred_words']} words), "
              f"{args.against} {_pr(theirs)}, gold {ours['gold_words']} words")
        if not args.texts:
            continue
        text_path = args.texts / args.corpus / args.system / f"{ours['id']}.txt"
        predicted = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
        for paragraph in unmatched_paragraphs(gold[ours["id"]], predicted)[:args.paragraphs]:
            print(f"   missed: {_snippet(paragraph)}")
        for paragraph in unmatched_paragraphs(predicted, gold[ours["id"]])[:args.paragraphs]:
            print(f"   added:  {_snippet(paragraph)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
