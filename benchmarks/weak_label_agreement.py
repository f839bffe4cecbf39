"""How well do the weak labels agree with human labels?

1. **l3s-gn1** (human block labels, ``blocks.jsonl``): each page is weak-labelled from its
   gold body and title, then both labellings are laid over the page's words (the human blocks'
   words and our blocks' words are aligned with ``difflib``). Human ``content`` is
   ``headline`` + ``fulltext`` (the main figure) or also ``supplemental`` (captions, bylines,
   datelines, but also other snippets the assessors kept; printed as a second figure). We
   print precision / recall / F1 of our ``content`` label and accuracy, weighted by characters
   (words, by their length) and by blocks (each of our blocks takes the human label of most
   of its characters).
2. **fundus, readability, dragnet**: the share of the gold body the content blocks recover
   (``WeakLabelStats.recall``), the share of content text that is in the gold (precision) and
   how many pages pass the training cut (``WEAK_MIN_RECALL``).

    python benchmarks/weak_label_agreement.py [--shared ../shared/corpora] [--limit N]
        [--easylist ../shared/corpora/easylist/easylist.txt]

l3s-gn1 is research-use only and dragnet AGPL: this script only measures, it writes nothing.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from classifier.constants import WEAK_MIN_RECALL  # noqa: E402
from classifier.weak_labels import (  # noqa: E402
    EasyList,
    load_easylist,
    normalise_words,
    weak_label_page,
)

HUMAN_CONTENT = frozenset({"headline", "fulltext"})
HUMAN_CONTENT_SUPPLEMENTAL = HUMAN_CONTENT | {"supplemental"}


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _words_with_labels(items: list[tuple[str, str]]) -> tuple[list[str], list[str], list[int]]:
    """Words of a sequence of ``(text, label)`` items, each word's label and item number."""
    words: list[str] = []
    labels: list[str] = []
    owner: list[int] = []
    for n, (text, label) in enumerate(items):
        for w in normalise_words(text):
            words.append(w)
            labels.append(label)
            owner.append(n)
    return words, labels, owner


class Tally:
    """Counts for precision / recall / F1 / accuracy of a binary ``content`` decision."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0.0

    def add(self, ours: bool, human: bool, weight: float = 1.0) -> None:
        if ours and human:
            self.tp += weight
        elif ours:
            self.fp += weight
        elif human:
            self.fn += weight
        else:
            self.tn += weight

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        total = self.tp + self.fp + self.fn + self.tn
        acc = (self.tp + self.tn) / total if total else 0.0
        return {"precision": p, "recall": r, "f1": f, "accuracy": acc}


def l3s_agreement(corpus: Path, *, easylist: EasyList | None = None, limit: int | None = None,
                  supplemental: bool = False) -> dict[str, Any]:
    """Agreement of weak ``content`` labels with l3s-gn1's human labels (see module doc)."""
    human_set = HUMAN_CONTENT_SUPPLEMENTAL if supplemental else HUMAN_CONTENT
    gold = {g["id"]: g for g in _jsonl(corpus / "gold.jsonl")}
    by_chars, by_blocks = Tally(), Tally()
    pages = skipped = 0
    for n, row in enumerate(_jsonl(corpus / "blocks.jsonl")):
        if limit is not None and n >= limit:
            break
        g = gold.get(row["id"])
        path = corpus / "pages" / f"{row['id']}.html.gz"
        if g is None or not path.exists():
            skipped += 1
            continue
        html = gzip.decompress(path.read_bytes())
        page = weak_label_page(html, g.get("body") or "", title=g.get("title"), easylist=easylist)
        if not page.blocks:
            skipped += 1
            continue
        pages += 1
        h_words, h_labels, _ = _words_with_labels(
            [(b["text"], b["label"]) for b in row["blocks"]])
        o_words, o_labels, o_owner = _words_with_labels(
            [(b.text, lab) for b, lab in zip(page.blocks, page.labels, strict=True)])
        matcher = difflib.SequenceMatcher(None, o_words, h_words, autojunk=False)
        human_for_ours: list[str | None] = [None] * len(o_words)
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                human_for_ours[a + k] = h_labels[b + k]
        # words only one side has: ours unmatched count as human non-content, and human
        # content words we never emitted count as misses
        block_votes: dict[int, dict[bool, int]] = {}
        for i, word in enumerate(o_words):
            human = human_for_ours[i] in human_set if human_for_ours[i] else False
            ours = o_labels[i] == "content"
            by_chars.add(ours, human, len(word) + 1)
            votes = block_votes.setdefault(o_owner[i], {True: 0, False: 0})
            votes[human] += len(word) + 1
        matched_h = {b + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}
        for j, word in enumerate(h_words):
            if j not in matched_h and h_labels[j] in human_set:
                by_chars.add(False, True, len(word) + 1)
        for idx, votes in block_votes.items():
            by_blocks.add(page.labels[idx] == "content", votes[True] > votes[False])
    return {"pages": pages, "skipped": skipped, "chars": by_chars.scores(),
            "blocks": by_blocks.scores(), "human_content": sorted(human_set)}


def gold_recovery(corpus: Path, *, easylist: EasyList | None = None,
                  limit: int | None = None) -> dict[str, Any]:
    """Share of the gold body recovered by the weak content labels on a corpus."""
    recalls: list[float] = []
    precisions: list[float] = []
    problems: dict[str, int] = {}
    counts: dict[str, int] = {}
    for n, g in enumerate(_jsonl(corpus / "gold.jsonl")):
        if limit is not None and n >= limit:
            break
        path = corpus / "pages" / f"{g['id']}.html.gz"
        if not path.exists():
            problems["missing-page"] = problems.get("missing-page", 0) + 1
            continue
        title = g.get("title") if isinstance(g.get("title"), str) else None
        page = weak_label_page(gzip.decompress(path.read_bytes()), g.get("body") or "",
                               title=title, easylist=easylist)
        recalls.append(page.stats.recall)
        precisions.append(page.stats.precision)
        if page.stats.problem:
            problems[page.stats.problem] = problems.get(page.stats.problem, 0) + 1
        for label, c in page.stats.counts.items():
            counts[label] = counts.get(label, 0) + c
    return {
        "pages": len(recalls),
        "mean_recall": statistics.fmean(recalls) if recalls else 0.0,
        "median_recall": statistics.median(recalls) if recalls else 0.0,
        "mean_precision": statistics.fmean(precisions) if precisions else 0.0,
        "pass_min_recall": sum(r >= WEAK_MIN_RECALL for r in recalls),
        "problems": problems, "block_counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "corpora")
    parser.add_argument("--easylist", type=Path, default=None,
                        help="EasyList file (default: <shared>/easylist/easylist.txt if present)")
    parser.add_argument("--limit", type=int, default=None, help="pages per corpus")
    args = parser.parse_args(argv)
    if not (args.shared / "l3s-gn1").is_dir():
        print(f"no corpora under {args.shared}", file=sys.stderr)
        return 2
    easy_path = args.easylist or args.shared / "easylist" / "easylist.txt"
    easylist = load_easylist(easy_path) if easy_path.exists() else None
    print(f"EasyList: {easy_path if easylist else 'none'}")
    start = time.perf_counter()
    for supplemental in (False, True):
        res = l3s_agreement(args.shared / "l3s-gn1", easylist=easylist, limit=args.limit,
                            supplemental=supplemental)
        print(f"\nl3s-gn1 ({res['pages']} pages, human content = {' + '.join(res['human_content'])})")
        print(f"  {'':8} {'precision':>9} {'recall':>7} {'F1':>7} {'accuracy':>9}")
        for unit in ("chars", "blocks"):
            s = res[unit]
            print(f"  {unit:8} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:7.3f} "
                  f"{s['accuracy']:9.3f}")
    print(f"\nshare of gold recovered (pass = recall >= {WEAK_MIN_RECALL})")
    print(f"  {'corpus':12} {'pages':>5} {'mean':>6} {'median':>7} {'precision':>9} {'pass':>5}")
    for name in ("fundus", "readability", "dragnet"):
        if not (args.shared / name).is_dir():
            continue
        r = gold_recovery(args.shared / name, easylist=easylist, limit=args.limit)
        print(f"  {name:12} {r['pages']:5d} {r['mean_recall']:6.3f} {r['median_recall']:7.3f} "
              f"{r['mean_precision']:9.3f} {r['pass_min_recall']:5d}   labels {r['block_counts']}")
    print(f"\n{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
