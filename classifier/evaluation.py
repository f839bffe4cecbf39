"""Evaluation: the scrapinghub article-body metric, per-class block scores, and the
``python -m classifier evaluate`` command.

The article metric is the one defined in ``shared/corpora/scrapinghub/README.md`` (the
scrapinghub article-extraction benchmark): ``\\w+`` tokens with case kept, multisets of
4-word shingles, per-page precision and recall, averaged over pages, F1 of the averages,
and exact-match accuracy on word sequences. Every result here is plain JSON data.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from classifier.constants import LABEL_ATTRIBUTE, META_CHARSET_SCAN_BYTES
from classifier.types import CONTENT, LABELS

__all__ = [
    "CorpusPage",
    "PageScore",
    "align_labels",
    "block_scores",
    "bootstrap_std",
    "corpus_scores",
    "decode_corpus_page",
    "evaluate",
    "evaluate_corpus",
    "evaluate_fixtures",
    "exact_match",
    "main",
    "read_corpus",
    "score_page",
    "shingle_scores",
    "shingles",
    "summarise",
    "tokenize",
]

# Part of the metric's definition (not tuning knobs), so they live with the metric.
SHINGLE_SIZE = 4
BOOTSTRAP_SAMPLES = 1000
_TOKEN_RE = re.compile(r"\w+")


# --------------------------------------------------------------------------- article metric

def tokenize(text: str | None) -> list[str]:
    """Words as the benchmark sees them: ``\\w+`` runs, case kept."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-word shingles of ``text``.

    As in the benchmark's reference code, a text with fewer than ``size`` words (but at
    least one) gives a single shorter shingle, so short texts still count.
    """
    words = tokenize(text)
    if not words:
        return Counter()
    count = max(1, len(words) - size + 1)
    return Counter(tuple(words[i:i + size]) for i in range(count))


def shingle_scores(pred: str | None, gold: str | None) -> tuple[float | None, float | None]:
    """Per-page (precision, recall) of ``pred`` against ``gold``.

    Both sides empty scores (1, 1). A side with no shingles makes its ratio undefined
    (``None``): an empty prediction has no precision, an empty gold no recall.
    """
    pred_sh, gold_sh = shingles(pred), shingles(gold)
    if not pred_sh and not gold_sh:
        return 1.0, 1.0
    common = sum((pred_sh & gold_sh).values())
    precision = common / pred_sh.total() if pred_sh else None
    recall = common / gold_sh.total() if gold_sh else None
    return precision, recall


def exact_match(pred: str | None, gold: str | None) -> bool:
    """True when the two texts have exactly the same word sequence."""
    return tokenize(pred) == tokenize(gold)


@dataclass(frozen=True, slots=True)
class PageScore:
    """The metric on one page; ``precision`` / ``recall`` are ``None`` when undefined."""

    id: str
    precision: float | None
    recall: float | None
    exact: bool

    @property
    def f1(self) -> float:
        """Per-page F1 for error analysis (an undefined side counts as 0)."""
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "f1": self.f1}


def score_page(pred: str | None, gold: str | None, page_id: str = "") -> PageScore:
    precision, recall = shingle_scores(pred, gold)
    return PageScore(page_id, precision, recall, exact_match(pred, gold))


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def summarise(scores: Sequence[PageScore]) -> dict[str, Any]:
    """Corpus figures from per-page scores: averages over the pages where each is defined."""
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    precision, recall = _mean(precisions), _mean(recalls)
    return {
        "pages": len(scores),
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "accuracy": _mean([float(s.exact) for s in scores]),
        "precision_pages": len(precisions),
        "recall_pages": len(recalls),
    }


def corpus_scores(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, Any]:
    """The benchmark's corpus figures for ``(predicted, gold)`` text pairs."""
    return summarise([score_page(pred, gold) for pred, gold in pairs])


def bootstrap_std(scores: Sequence[PageScore], samples: int = BOOTSTRAP_SAMPLES,
                  seed: int = 0) -> dict[str, float]:
    """Standard deviation of each corpus figure over page resamples (as the benchmark
    reports its ± values), to tell real differences from noise."""
    if len(scores) < 2:
        return {}
    rng = random.Random(seed)
    values: dict[str, list[float]] = {}
    for _ in range(samples):
        sample = [scores[rng.randrange(len(scores))] for _ in scores]
        for key in ("precision", "recall", "f1", "accuracy"):
            value = summarise(sample)[key]
            if value is not None:
                values.setdefault(key, []).append(value)
    return {f"{key}_std": _stdev(vals) for key, vals in values.items() if len(vals) > 1}


def _stdev(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5


# --------------------------------------------------------------------------- block metric

def block_scores(gold: Sequence[str], pred: Sequence[str],
                 labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Per-class precision / recall / F1 / support and the confusion matrix.

    ``confusion[gold_label][predicted_label]`` counts blocks. A ratio with an empty
    denominator (no gold or no predicted block of that class) is ``None``.
    This is also the scoring function for held-out (group K-fold) evaluation.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    unknown = (set(gold) | set(pred)) - set(labels)
    if unknown:
        raise ValueError(f"unknown labels: {sorted(unknown)}")
    confusion = {g: dict.fromkeys(labels, 0) for g in labels}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    per_class: dict[str, dict[str, Any]] = {}
    for label in labels:
        hits = confusion[label][label]
        support = sum(confusion[label].values())
        predicted = sum(confusion[g][label] for g in labels)
        precision = hits / predicted if predicted else None
        recall = hits / support if support else None
        per_class[label] = {"precision": precision, "recall": recall,
                            "f1": _f1(precision, recall), "support": support,
                            "predicted": predicted}
    f1s = [c["f1"] for c in per_class.values() if c["f1"] is not None]
    return {
        "blocks": len(gold),
        "accuracy": _mean([float(g == p) for g, p in zip(gold, pred, strict=True)]),
        "macro_f1": _mean(f1s),
        "per_class": per_class,
        "confusion": confusion,
    }


# --------------------------------------------------------------------------- corpora

@dataclass(frozen=True, slots=True)
class CorpusPage:
    """One page of a gold corpus (``gold.jsonl`` + ``pages/<id>.html.gz``)."""

    id: str
    url: str | None
    html: bytes
    gold: str
    record: dict[str, Any]


def read_corpus(corpus_dir: str | Path, *, split: str | None = None,
                limit: int | None = None) -> Iterator[CorpusPage]:
    """Pages of a corpus in ``gold.jsonl`` order; ``split`` keeps records whose
    ``split`` field matches (dragnet's ``train`` / ``test``)."""
    corpus_dir = Path(corpus_dir)
    seen = 0
    with (corpus_dir / "gold.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            if split is not None and record.get("split") != split:
                continue
            if limit is not None and seen >= limit:
                return
            page_path = corpus_dir / "pages" / f"{record['id']}.html.gz"
            yield CorpusPage(str(record["id"]), record.get("url"),
                             gzip.decompress(page_path.read_bytes()),
                             record.get("body") or "", record)
            seen += 1


def decode_corpus_page(data: bytes) -> str:
    """Decode a corpus page the way the corpus READMEs say: UTF-8 (scrapinghub, l3s-gn1,
    fundus and readability store UTF-8 whatever the page declares). The few non-UTF-8
    pages (dragnet's raw bytes) are decoded as a browser would: the declared charset, with
    latin-1 read as cp1252, and bad bytes replaced."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET_RE.search(data[:META_CHARSET_SCAN_BYTES])
    declared = match.group(1).decode("ascii").lower() if match else "cp1252"
    if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        declared = "cp1252"
    try:
        return data.decode(declared, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.I)


# --------------------------------------------------------------------------- evaluation

def _load(model_path: str | Path | None) -> Any:
    if model_path is None:
        return None
    from classifier.model import load_model

    return load_model(model_path)


def _extract(html: str, url: str | None, model: Any) -> Any:
    """The article ``model`` extracts (the one seam tests replace)."""
    from classifier.extraction import extract

    return extract(html, url=url, model=model)


def evaluate_corpus(corpus_dir: str | Path, *, model: Any = None, split: str | None = None,
                    limit: int | None = None) -> dict[str, Any]:
    """The article metric of ``model`` (default model when ``None``) on a gold corpus."""
    scores: list[PageScore] = []
    errors: list[dict[str, str]] = []
    warnings: Counter[str] = Counter()
    for page in read_corpus(corpus_dir, split=split, limit=limit):
        try:
            article = _extract(decode_corpus_page(page.html), page.url, model)
            body = article.body
            warnings.update(article.warnings)
        except Exception as exc:  # a failing page is scored as empty, and counted
            errors.append({"id": page.id, "error": f"{type(exc).__name__}: {exc}"})
            body = ""
        scores.append(score_page(body, page.gold, page.id))
    return {"kind": "corpus", "path": str(corpus_dir), "split": split,
            "article": {**summarise(scores), **bootstrap_std(scores)},
            "warnings": dict(warnings), "errors": errors,
            "page_scores": [s.to_dict() for s in scores]}


def _unlabelled_html(page: Any) -> str:
    """The fixture page without its ``data-label`` attributes, so the model cannot see the
    answer. Works on a copy: the page's tree stays as it is."""
    from lxml import etree

    root = copy.deepcopy(page.segmentation.root)
    for element in root.iter():
        if isinstance(element.tag, str):
            element.attrib.pop(LABEL_ATTRIBUTE, None)
    return str(etree.tostring(root, method="html", encoding="unicode"))


def _occurrence_keys(paths: Iterable[str]) -> list[tuple[str, int]]:
    """``(path, n)`` keys: one element can hold several blocks (text split around a child)."""
    seen: Counter[str] = Counter()
    keys = []
    for path in paths:
        keys.append((path, seen[path]))
        seen[path] += 1
    return keys


def align_labels(gold: Sequence[tuple[str, str]],
                 predicted: Sequence[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Gold and predicted labels of the blocks both sides have, matched by DOM path.

    Each argument is a sequence of ``(path, label)`` in document order.
    """
    pred_by_key = dict(zip(_occurrence_keys(p for p, _ in predicted),
                           (label for _, label in predicted), strict=True))
    gold_labels, pred_labels = [], []
    for key, (_, label) in zip(_occurrence_keys(p for p, _ in gold), gold, strict=True):
        if key in pred_by_key:
            gold_labels.append(label)
            pred_labels.append(pred_by_key[key])
    return gold_labels, pred_labels


def evaluate_fixtures(fixtures_dir: str | Path, *, model: Any = None) -> dict[str, Any]:
    """Per-class block scores and the article metric of ``model`` on labelled fixtures."""
    from classifier.fixtures import iter_fixtures, read_fixture

    fixtures_dir = Path(fixtures_dir)
    gold: list[str] = []
    pred: list[str] = []
    scores: list[PageScore] = []
    errors: list[dict[str, str]] = []
    warnings: Counter[str] = Counter()
    unaligned = 0
    paths = list(iter_fixtures(fixtures_dir))
    for path in paths:
        try:
            page = read_fixture(path)
            article = _extract(_unlabelled_html(page), page.url, model)
        except Exception as exc:  # one bad fixture must not hide the others' scores
            errors.append({"id": str(path), "error": f"{type(exc).__name__}: {exc}"})
            continue
        warnings.update(article.warnings)
        page_gold, page_pred = align_labels(
            [(block.path, label) for block, label in zip(page.blocks, page.labels, strict=True)],
            [(block.path, block.label) for block in article.blocks])
        unaligned += len(page.labels) - len(page_gold)
        gold += page_gold
        pred += page_pred
        # The fixture's expected body is all its content blocks, headline included, so
        # compare with the predicted content blocks (``Article.body`` leaves the headline out).
        body = "\n\n".join(b.text for b in article.blocks if b.label == CONTENT)
        scores.append(score_page(body, page.body, str(path.relative_to(fixtures_dir))))
    return {"kind": "fixtures", "path": str(fixtures_dir), "pages": len(paths),
            "blocks": block_scores(gold, pred), "unaligned_blocks": unaligned,
            "article": summarise(scores), "warnings": dict(warnings), "errors": errors,
            "page_scores": [s.to_dict() for s in scores]}


def evaluate(path: str | Path, *, model: Any = None, model_path: str | Path | None = None,
             split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Evaluate on a fixture directory or on a corpus directory (one with ``gold.jsonl``)."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: not a directory")
    if model is None:
        model = _load(model_path)
    if (path / "gold.jsonl").is_file():
        return evaluate_corpus(path, model=model, split=split, limit=limit)
    return evaluate_fixtures(path, model=model)


# --------------------------------------------------------------------------- report

def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def format_article(figures: dict[str, Any]) -> str:
    line = (f"pages {figures['pages']}  precision {_fmt(figures['precision'])}  "
            f"recall {_fmt(figures['recall'])}  F1 {_fmt(figures['f1'])}  "
            f"exact {_fmt(figures['accuracy'])}")
    if "f1_std" in figures:
        line += f"  (F1 ± {figures['f1_std']:.3f})"
    return line


def format_blocks(scores: dict[str, Any]) -> str:
    labels = list(scores["per_class"])
    rows = [f"{'class':<11} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    for label, c in scores["per_class"].items():
        rows.append(f"{label:<11} {_fmt(c['precision']):>9} {_fmt(c['recall']):>7} "
                    f"{_fmt(c['f1']):>6} {c['support']:>8}")
    rows.append(f"blocks {scores['blocks']}  accuracy {_fmt(scores['accuracy'])}  "
                f"macro F1 {_fmt(scores['macro_f1'])}")
    rows.append("")
    rows.append("confusion (rows gold, columns predicted)")
    rows.append(f"{'':<11}" + "".join(f"{label:>11}" for label in labels))
    for g in labels:
        rows.append(f"{g:<11}" + "".join(f"{scores['confusion'][g][p]:>11}" for p in labels))
    return "\n".join(rows)


def format_report(result: dict[str, Any]) -> str:
    parts = [f"{result['kind']}: {result['path']}"]
    if result["kind"] == "fixtures":
        parts += [format_blocks(result["blocks"]), ""]
        if result["unaligned_blocks"]:
            parts.append(f"gold blocks without a predicted block: {result['unaligned_blocks']}")
    parts.append("article body: " + format_article(result["article"]))
    if result["warnings"]:
        parts.append("extraction warnings: " + ", ".join(
            f"{reason} {count}" for reason, count in sorted(result["warnings"].items())))
    if result["errors"]:
        parts.append(f"errors on {len(result['errors'])} pages, e.g. {result['errors'][0]}")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m classifier evaluate",
        description="Evaluate a block model on labelled fixtures (per-class block scores and "
                    "confusion matrix) or on a corpus with gold bodies (scrapinghub metric).")
    parser.add_argument("path", type=Path, help="FIXTURES_DIR or CORPUS_DIR (with gold.jsonl)")
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--json", type=Path, help="write the full results, per page, here")
    parser.add_argument("--split", help="corpus split to keep (e.g. dragnet's 'test')")
    parser.add_argument("--limit", type=int, help="evaluate at most this many corpus pages")
    args = parser.parse_args(argv)
    if not args.path.is_dir():
        print(f"error: {args.path}: not a directory", file=sys.stderr)
        return 2
    try:
        model = _load(args.model)
    except Exception as exc:  # ModelError and friends: the message names the file
        print(f"error: cannot load the model: {exc}", file=sys.stderr)
        return 2
    result = evaluate(args.path, model=model, split=args.split, limit=args.limit)
    print(format_report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    # Nothing scored (e.g. every page failed) is a failure; some failed pages are reported.
    return 0 if result["page_scores"] else 1
