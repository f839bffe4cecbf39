"""Training: labelled pages in (hand-written fixtures and weak-labelled corpus pages), a fitted
:class:`~classifier.model.BlockModel` plus its sidecar out.

Corpus pages (``<corpus>/pages/<id>.html.gz`` + ``gold.jsonl``) are turned into labelled
fixtures by :mod:`classifier.weak_labels` and cached outside the repository (default
``~/.cache/newscrawl/weak-labels``), keyed by the page's and the labeller's hash.
Cross-validation groups pages by template / site so no site is in both train and test.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from sklearn.model_selection import GroupKFold

from classifier.anchors import load_anchors, save_anchors
from classifier.constants import (
    ANCHOR_CORPUS_PAGES,
    DEFAULT_MEMBERS,
    FINE_TUNE_ROUNDS,
    FIXTURE_WEIGHT,
    WEAK_MIN_RECALL,
)
from classifier.evaluation import corpus_scores
from classifier.features import FEATURE_VERSION, PageFeatures, page_features
from classifier.fixtures import LabelledPage, iter_fixtures, read_fixture
from classifier.model import BlockModel, model_version, save_model
from classifier.types import CONTENT, LABELS, NAVIGATION

__all__ = ["TrainingPage", "anchors_main", "corpus_pages", "cross_validate", "fine_tune",
           "fixture_pages", "fold_models", "main", "train", "write_anchors"]

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
#: Corpora the shipped model may learn from (the others are for evaluation only).
TRAINABLE_CORPORA = frozenset({"fundus", "readability"})
_LICENCES = {"fundus": "MIT repository; pages (c) publishers",
             "readability": "Apache-2.0 repository (NOTICE kept); pages (c) publishers",
             "fixtures": "project's own hand-written pages"}


@dataclass(slots=True)
class TrainingPage:
    """One page ready for the model: its features, labels, CV group and provenance."""

    features: PageFeatures
    labels: tuple[str, ...]
    group: str
    source: str
    body: str
    page: LabelledPage


def _cache_dir() -> Path:
    env = os.environ.get("NEWSCRAWL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "newscrawl" / "weak-labels"


def _to_training(page: LabelledPage, group: str, source: str) -> TrainingPage:
    return TrainingPage(page_features(page.segmentation), page.labels, group, source,
                        page.body, page)


def fixture_pages(root: str | Path) -> list[TrainingPage]:
    """Hand-written fixtures under ``root``, grouped by template."""
    out = []
    for path in iter_fixtures(root):
        if any(part.startswith("_") for part in path.parts):
            continue  # tool folders such as fixtures/_tools
        page = read_fixture(path)
        out.append(_to_training(page, f"template:{page.template}", "fixtures"))
    return out


# --- weak labels -----------------------------------------------------------------------------

def _weak_labeller(easylist: str | Path | None) -> tuple[Callable[..., Any] | None, str]:
    """``classifier.weak_labels.weak_label_page`` bound to an EasyList, or ``None`` (then the
    built-in fallback labeller is used), and a version string for the cache key."""
    try:
        from classifier import weak_labels
    except ImportError:
        return None, "builtin-1"
    rules = weak_labels.load_easylist(easylist) if easylist and Path(easylist).is_file() else None
    version = f"weak_labels-{_file_hash(Path(weak_labels.__file__))[:12]}-" \
              f"{_file_hash(Path(easylist))[:12] if rules is not None and easylist else 'none'}"

    def label(data: bytes, body: str, *, title: str | None, url: str | None,
              encoding: str | None) -> Any:
        return weak_labels.weak_label_page(data, body, title=title, easylist=rules, url=url,
                                           encoding=encoding)
    return label, version


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _shingles(words: Sequence[str], n: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}


def builtin_weak_labels(html: str | bytes, gold_body: str, *, title: str | None = None,
                        encoding: str | None = None) -> dict[str, str]:
    """Fallback labeller: blocks whose word trigrams are mostly in the gold body are content,
    the headline too; everything else is navigation. Returns ``{block path: label}``."""
    from classifier.segmentation import segment

    seg = segment(html, encoding=encoding)
    gold_words = [w.lower() for w in _WORD.findall(gold_body)]
    gold = _shingles(gold_words)
    gold_text = " ".join(gold_words)
    title_words = [w.lower() for w in _WORD.findall(title or "")]
    labels: dict[str, str] = {}
    for block in seg.blocks:
        words = [w.lower() for w in _WORD.findall(block.text)]
        if not words:
            continue
        if len(words) < 4:
            hit = f" {' '.join(words)} " in f" {gold_text} " and len(words) >= 2
        else:
            grams = _shingles(words)
            hit = sum(g in gold for g in grams) / len(grams) >= 0.6
        if hit or (title_words and words == title_words):
            labels[block.path] = CONTENT
        elif block.path not in labels:
            labels[block.path] = NAVIGATION
    return labels


def corpus_pages(corpus: str | Path, *, cache_dir: str | Path | None = None,
                 limit: int | None = None, progress: bool = False,
                 easylist: str | Path | None = None,
                 min_recall: float = WEAK_MIN_RECALL) -> list[TrainingPage]:
    """Weak-labelled pages of one corpus folder (``gold.jsonl`` + ``pages/``).

    ``easylist`` defaults to ``<corpus>/../easylist/easylist.txt`` when that file exists.
    Pages whose content labels recover less than ``min_recall`` of the gold are left out.
    """
    from classifier.fixtures import write_fixture

    root = Path(corpus)
    name = root.name
    if easylist is None:
        default = root.parent / "easylist" / "easylist.txt"
        easylist = default if default.is_file() else None
    labeller, labeller_version = _weak_labeller(easylist)
    cache = Path(cache_dir) if cache_dir else _cache_dir()
    rows = [json.loads(line) for line in (root / "gold.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    if limit is not None:
        rows = rows[:limit]
    out = []
    for row in _progress(rows, f"weak labels {name}", progress):
        page_file = root / "pages" / f"{row['id']}.html.gz"
        if not page_file.is_file() or not row.get("body"):
            continue
        data = gzip.decompress(page_file.read_bytes())
        encoding = "utf-8" if name == "fundus" else None
        key = hashlib.sha256(data + row["body"].encode() + labeller_version.encode()).hexdigest()
        cached = cache / name / f"{row['id']}-{key[:16]}.html"
        if not cached.is_file():
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
            try:
                meta = {"url": row.get("url"), "template": _site(row),
                        "source": f"{name}:{row['id']}", "license": _LICENCES.get(name)}
                if labeller is not None:
                    weak = labeller(data, row["body"], title=row.get("title"),
                                    url=row.get("url"), encoding=encoding)
                    if not weak.stats.usable or weak.stats.recall < min_recall:
                        continue
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    partial.write_text(weak.to_html(**meta), encoding="utf-8")
                else:
                    labels = builtin_weak_labels(data, row["body"], title=row.get("title"),
                                                 encoding=encoding)
                    write_fixture(partial, data, labels, encoding=encoding, **meta)
                # written aside, then renamed: a second training run never reads half a file
                os.replace(partial, cached)
                page = read_fixture(cached)
            except Exception as exc:  # one bad page must not stop training
                partial.unlink(missing_ok=True)
                logger.warning("skipping %s/%s: %s", name, row["id"], exc)
                continue
        else:
            page = read_fixture(cached)
        if not page.labels or CONTENT not in page.labels:
            continue
        out.append(_to_training(page, f"site:{_site(row)}", name))
    return out


def _site(row: dict[str, Any]) -> str:
    if row.get("publisher_key"):
        return str(row["publisher_key"])
    host = urlsplit(row.get("url") or "").hostname or str(row.get("id"))
    return host.removeprefix("www.")


def _progress(items: Sequence[Any], desc: str, enabled: bool) -> Iterable[Any]:
    if not enabled:
        return items
    from tqdm import tqdm
    return tqdm(items, desc=desc, file=sys.stderr, leave=False)


@contextmanager
def _bar(total: int, desc: str, enabled: bool) -> Iterator[Any]:
    """A tqdm progress bar on stderr, or None when ``enabled`` is false."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm
    with tqdm(total=total, desc=desc, file=sys.stderr, leave=False) as bar:
        yield bar


def _page_weight(page: TrainingPage) -> float:
    """How much a page's blocks weigh in training: hand-written fixtures more than weak labels."""
    return FIXTURE_WEIGHT if page.source == "fixtures" else 1.0


# --- scoring ---------------------------------------------------------------------------------

def block_report(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Per-class precision / recall / F1 / support and the confusion matrix."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS),
                                                 zero_division=0)
    report: dict[str, Any] = {label: {"precision": round(float(p[i]), 4),
                                      "recall": round(float(r[i]), 4),
                                      "f1": round(float(f[i]), 4), "support": int(s[i])}
                              for i, label in enumerate(LABELS)}
    report["confusion"] = confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist()
    return report


def _body_of(page: TrainingPage, labels: Sequence[str]) -> str:
    return "\n\n".join(b.text for b, label in zip(page.page.blocks, labels, strict=True)
                       if label == CONTENT)


def fold_models(pages: Sequence[TrainingPage], params: dict[str, Any], *, folds: int,
                progress: bool = False) -> Iterator[tuple[BlockModel, np.ndarray]]:
    """Grouped K-fold over ``pages`` (a site's or template's pages in one fold): per fold, a
    model fitted without the held-out pages, and their indices."""
    groups = [p.group for p in pages]
    splits = list(GroupKFold(n_splits=folds).split(np.zeros(len(pages)), groups=groups))
    for train_idx, test_idx in _progress(splits, "cross-validation", progress):
        model = BlockModel(**params).fit([pages[i].features for i in train_idx],
                                         [pages[i].labels for i in train_idx],
                                         groups=[groups[i] for i in train_idx],
                                         page_weights=[_page_weight(pages[i])
                                                       for i in train_idx])
        yield model, test_idx


def cross_validate(pages: Sequence[TrainingPage], params: dict[str, Any], *, folds: int = 4,
                   progress: bool = False) -> dict[str, Any]:
    """Grouped CV: block scores per source and the article-body shingle F1 per source."""
    n_splits = min(folds, len({p.group for p in pages}))
    if n_splits < 2:
        return {}
    preds: list[list[str]] = [[] for _ in pages]
    for model, test_idx in fold_models(pages, params, folds=n_splits, progress=progress):
        for i in test_idx:
            preds[i] = list(model.predict([pages[i].features]))
    report: dict[str, Any] = {"folds": n_splits}
    for source in sorted({p.source for p in pages}):
        idx = [i for i, p in enumerate(pages) if p.source == source]
        y_true = [lab for i in idx for lab in pages[i].labels]
        y_pred = [lab for i in idx for lab in preds[i]]
        entry = block_report(y_true, y_pred)
        # the benchmark's own metric, so CV figures compare with benchmarks/quality.py
        body = corpus_scores((_body_of(pages[i], preds[i]), pages[i].body) for i in idx)
        entry["body"] = {key: round(body[key] or 0.0, 4)
                         for key in ("precision", "recall", "f1")} | {"pages": len(idx)}
        report[source] = entry
    return report


# --- the whole run ---------------------------------------------------------------------------

def _manifest(pages: Sequence[TrainingPage]) -> dict[str, Any]:
    by_source: dict[str, list[str]] = {}
    for page in pages:
        path = page.page.path
        data = Path(path).read_bytes() if path is not None and Path(path).is_file() else b""
        digest = hashlib.sha256(data).hexdigest()
        by_source.setdefault(page.source, []).append(digest)
    out = {}
    for source, digests in sorted(by_source.items()):
        out[source] = {"pages": len(digests), "licence": _LICENCES.get(source, "unknown"),
                       "manifest_sha256": hashlib.sha256("\n".join(sorted(digests))
                                                         .encode()).hexdigest()}
    return out


def train(*, fixtures: Sequence[str | Path] = (), corpora: Sequence[str | Path] = (),
          out: str | Path | None = None, seed: int = 0, params: dict[str, Any] | None = None,
          cv_folds: int = 4, cache_dir: str | Path | None = None, progress: bool = True,
          allow_any_corpus: bool = False, corpus_limit: int | None = None,
          easylist: str | Path | None = None,
          added_fixtures: Sequence[str | Path] = ()) -> tuple[BlockModel, dict[str, Any]]:
    """Train a model; save it (and its sidecar) to ``out`` when given.

    ``added_fixtures`` (the user's pages in ``scrapy train --base``) are read after the
    corpora, so the base pages keep their rows and with them the model's seeded navigation
    sample: the retrained model differs from the base model by the added pages, not by a
    reshuffled sample (which broke blocks of unrelated templates).

    Returns ``(model, sidecar)``. Corpora other than fundus / readability are refused unless
    ``allow_any_corpus`` (they are evaluation data or not licensed for a shipped model).
    """
    random.seed(seed)
    np.random.seed(seed)
    pages = _load_pages(fixtures, corpora, added_fixtures, cache_dir=cache_dir,
                        progress=progress, allow_any_corpus=allow_any_corpus,
                        corpus_limit=corpus_limit, easylist=easylist)
    model_params = {"random_state": seed, **(params or {})}
    cv = cross_validate(pages, model_params, folds=cv_folds, progress=progress) if cv_folds else {}
    model = BlockModel(**model_params).fit([p.features for p in pages],
                                           [p.labels for p in pages],
                                           groups=[p.group for p in pages],
                                           page_weights=[_page_weight(p) for p in pages])
    sidecar = _sidecar(model, pages, seed) | {"cross_validation": cv}
    if out is not None:
        save_model(model, out, sidecar)
    return model, sidecar


def fine_tune(base: BlockModel, *, fixtures: Sequence[str | Path] = (),
              corpora: Sequence[str | Path] = (), added_fixtures: Sequence[str | Path] = (),
              rounds: int = FINE_TUNE_ROUNDS, out: str | Path | None = None,
              cache_dir: str | Path | None = None, progress: bool = True,
              corpus_limit: int | None = None, easylist: str | Path | None = None,
              anchor_files: Sequence[str | Path] = ()) -> tuple[BlockModel, dict[str, Any]]:
    """Continue boosting ``base`` (unchanged): ``rounds`` more rounds fitted to the labelled
    pages in ``added_fixtures`` (see :meth:`BlockModel.fine_tuned`).

    The pages of ``fixtures`` / ``corpora`` (the base model's own training data) are anchors:
    their labels are not used, the base model's predictions on them are kept as targets, so
    the added trees change the model where the new pages need it and as little as they can
    elsewhere; so are the pages of ``anchor_files`` (:mod:`classifier.anchors`, e.g. the shipped
    set, for when the corpora are not at hand). Returns ``(model, sidecar)``.
    """
    anchors = _load_pages(fixtures, corpora, (), cache_dir=cache_dir, progress=progress,
                          corpus_limit=corpus_limit, easylist=easylist, allow_empty=True)
    pages = _load_pages((), (), added_fixtures, cache_dir=cache_dir, progress=progress,
                        corpus_limit=corpus_limit, easylist=easylist)
    shipped = [page for file in anchor_files for page in load_anchors(file)]
    stages = (2 if base.stage2_ is not None else 1) * (1 + len(base.members_))
    with _bar(rounds * stages, "fine-tuning rounds", progress) as bar:
        model = base.fine_tuned([p.features for p in pages], [p.labels for p in pages],
                                rounds=rounds, page_weights=[_page_weight(p) for p in pages],
                                anchors=[*(p.features for p in anchors), *shipped],
                                on_round=bar.update if bar is not None else None)
    pages = anchors + pages
    sidecar = _sidecar(model, pages, int(base.random_state)) | {
        "fine_tuned_from": model_version(base), "fine_tune_rounds": rounds,
        "anchors": {"training_pages": len(anchors), "shipped_pages": len(shipped),
                    "files": [{"file": Path(f).name, "sha256": _file_hash(Path(f))}
                              for f in anchor_files]},
        "cross_validation": {}}
    if out is not None:
        save_model(model, out, sidecar)
    return model, sidecar


def _load_pages(fixtures: Sequence[str | Path], corpora: Sequence[str | Path],
                added_fixtures: Sequence[str | Path], *, cache_dir: str | Path | None,
                progress: bool, corpus_limit: int | None, easylist: str | Path | None,
                allow_any_corpus: bool = False, allow_empty: bool = False
                ) -> list[TrainingPage]:
    pages: list[TrainingPage] = []
    for root in fixtures:
        pages += fixture_pages(root)
    for corpus in corpora:
        name = Path(corpus).name
        if name == "scrapinghub":
            raise ValueError("scrapinghub is evaluation data: never train on it")
        if name not in TRAINABLE_CORPORA and not allow_any_corpus:
            raise ValueError(f"corpus {name!r} may not be used for a shipped model "
                             "(pass allow_any_corpus for experiments)")
        pages += corpus_pages(corpus, cache_dir=cache_dir, progress=progress,
                              limit=corpus_limit, easylist=easylist)
    for root in added_fixtures:
        pages += fixture_pages(root)
    if not pages and not allow_empty:
        raise ValueError("no training pages found")
    return pages


def _sidecar(model: BlockModel, pages: Sequence[TrainingPage], seed: int) -> dict[str, Any]:
    label_counts = Counter(lab for p in pages for lab in p.labels)
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "labels": list(LABELS),
        "feature_version": FEATURE_VERSION,
        "n_features": int(model.n_features_in_),
        "model_params": model.get_params(),
        "training_data": _manifest(pages),
        "block_counts": {label: int(label_counts[label]) for label in LABELS},
        "fixture_weight": FIXTURE_WEIGHT,
    }


def write_anchors(corpora: Sequence[str | Path], out: str | Path, *,
                  per_corpus: int = ANCHOR_CORPUS_PAGES, cache_dir: str | Path | None = None,
                  easylist: str | Path | None = None, progress: bool = True) -> Path:
    """Ship the first ``per_corpus`` usable pages of each corpus as fine-tuning anchors
    (features only, see :mod:`classifier.anchors`); only corpora a shipped model may use."""
    pages: list[TrainingPage] = []
    for corpus in corpora:
        pages += _load_pages((), [corpus], (), cache_dir=cache_dir, progress=progress,
                             corpus_limit=None, easylist=easylist)[:per_corpus]
    return save_anchors([p.features for p in pages], out, {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "purpose": "anchor pages for fine-tuning (scrapy train --fine-tune)",
        "per_corpus": per_corpus, "training_data": _manifest(pages)})


def anchors_main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m classifier anchors",
                                     description="Write the fine-tuning anchor set.")
    parser.add_argument("--corpus", action="append", default=[], required=True,
                        help="corpus folder (fundus, readability); repeatable")
    parser.add_argument("--out", required=True, help="anchor file to write (.npz)")
    parser.add_argument("--pages", type=int, default=ANCHOR_CORPUS_PAGES,
                        help=f"pages per corpus (default {ANCHOR_CORPUS_PAGES})")
    parser.add_argument("--cache-dir", default=None)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    out = write_anchors(args.corpus, args.out, per_corpus=args.pages,
                        cache_dir=args.cache_dir, progress=not args.quiet)
    print(Path(out).with_suffix(".json").read_text(encoding="utf-8"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m classifier train",
                                     description="Train the block model.")
    parser.add_argument("--fixtures", action="append", default=[],
                        help="folder (or file) of labelled fixtures; repeatable")
    parser.add_argument("--corpus", action="append", default=[],
                        help="corpus folder with gold.jsonl and pages/; repeatable")
    parser.add_argument("--out", required=True, help="model file to write (.skops)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cv-folds", type=int, default=4, help="0 skips cross-validation")
    parser.add_argument("--cache-dir", default=None, help="weak-label cache (outside the repo)")
    parser.add_argument("--easylist", default=None,
                        help="EasyList file for weak ad labels (default: ../easylist/easylist.txt "
                             "next to the corpus, when present)")
    parser.add_argument("--max-iter", type=int, default=None,
                        help="boosting iterations of the first stage")
    parser.add_argument("--stage2-max-iter", type=int, default=None,
                        help="boosting iterations of the second stage")
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS,
                        help="models averaged, each with its own navigation sample (seed, "
                             f"seed + 1, ...); default {DEFAULT_MEMBERS}, as the shipped model; "
                             "3 is more accurate and about 1.4x slower to extract with")
    parser.add_argument("--no-second-stage", action="store_true")
    parser.add_argument("--allow-any-corpus", action="store_true",
                        help="experiments only: allow corpora not licensed for shipping")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    params: dict[str, Any] = {}
    if args.max_iter:
        params["max_iter"] = args.max_iter
    if args.stage2_max_iter:
        params["stage2_max_iter"] = args.stage2_max_iter
    if args.learning_rate:
        params["learning_rate"] = args.learning_rate
    if args.no_second_stage:
        params["second_stage"] = False
    if args.members < 1:
        parser.error("--members must be at least 1")
    params["n_members"] = args.members
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    _, sidecar = train(fixtures=args.fixtures, corpora=args.corpus, out=args.out,
                       seed=args.seed, params=params, cv_folds=args.cv_folds,
                       cache_dir=args.cache_dir, progress=not args.quiet,
                       allow_any_corpus=args.allow_any_corpus, easylist=args.easylist)
    print(json.dumps({"out": args.out, "training_data": sidecar["training_data"],
                      "cross_validation": sidecar["cross_validation"]}, indent=2))
    return 0
