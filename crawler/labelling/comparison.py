"""Scores of one or two models on labelled fixtures or a gold corpus, for ``scrapy evaluate``.

Block metrics come from :mod:`classifier.evaluation` (``block_scores``); this module only
collects, per model, the gold and predicted labels with every block's probabilities (for the
precision-recall curves), grouped per template, and the article-body shingle scores.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier import CONTENT, LABELS, extract, read_fixture

__all__ = ["FixtureRun", "compare", "evaluate_corpus_dir", "evaluate_fixtures", "fixture_files",
           "is_corpus"]

logger = logging.getLogger(__name__)


def _evaluation_api() -> tuple[Any, Any, Any]:
    from classifier import block_scores, corpus_scores, evaluate

    return block_scores, corpus_scores, evaluate


def is_corpus(path: Path) -> bool:
    return path.is_dir() and (path / "gold.jsonl").is_file()


def fixture_files(paths: Iterable[Path]) -> list[Path]:
    """Fixture files under ``paths`` (folders or files), skipping ``_tools``-style folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
            continue
        for file in sorted(path.rglob("*.html")):
            rel = file.relative_to(path).parts
            if not any(part.startswith(("_", ".")) for part in rel):
                found.append(file)
    return found


@dataclass
class FixtureRun:
    """One model on a set of fixtures: every block's gold label, prediction, probabilities."""

    name: str
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    probs: list[list[float]] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    #: where each block is (``file#index``) and its text, to show which blocks changed
    places: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    bodies: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def scores(self, template: str | None = None) -> dict[str, Any]:
        block_scores, corpus_scores, _ = _evaluation_api()
        keep = [i for i, t in enumerate(self.templates) if template is None or t == template]
        result: dict[str, Any] = block_scores([self.gold[i] for i in keep],
                                              [self.pred[i] for i in keep])
        pairs = [pair for t, items in self.bodies.items() if template in (None, t)
                 for pair in items]
        result["article"] = corpus_scores(pairs)
        return result


def evaluate_fixtures(files: Sequence[Path], model: Any, name: str) -> FixtureRun:
    run = FixtureRun(name)
    for file in files:
        try:
            page = read_fixture(file)
        except (OSError, ValueError) as exc:
            run.errors.append(f"{file}: {exc}")
            logger.warning("skipping fixture %s: %s", file, exc)
            continue
        template = page.template or file.parent.name
        # Extract from the fixture's own tree so blocks line up one to one with its labels.
        article = extract(page.segmentation.root, url=page.url, model=model)
        if len(article.blocks) != len(page.blocks):
            run.errors.append(f"{file}: {', '.join(article.warnings) or 'blocks differ'}")
            continue
        for index, (gold, block) in enumerate(zip(page.labels, article.blocks, strict=True)):
            run.places.append(f"{file}#{index}")
            run.texts.append(block.text)
            run.gold.append(gold)
            run.pred.append(block.label)
            run.probs.append([float(block.scores.get(label, 0.0)) for label in LABELS])
            run.templates.append(template)
        # The fixture's expected body is all its content blocks (headline included), so
        # the prediction is assembled the same way rather than taken from ``Article.body``.
        predicted = "\n\n".join(b.text for b in article.blocks if b.label == CONTENT)
        run.bodies.setdefault(template, []).append((predicted, page.body))
    return run


def evaluate_corpus_dir(path: Path, model: Any, *, split: str | None = None,
                        limit: int | None = None) -> dict[str, Any]:
    _, _, evaluate = _evaluation_api()
    result: dict[str, Any] = evaluate(path, model=model, split=split, limit=limit)
    return result


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def compare(a: FixtureRun, b: FixtureRun | None) -> dict[str, Any]:
    """Per class and per template figures of ``a`` (and ``b``, with ``b - a`` deltas)."""
    runs = [a] if b is None else [a, b]
    templates = sorted(set(a.templates))
    out: dict[str, Any] = {"models": [r.name for r in runs], "overall": {}, "per_template": {}}
    for run in runs:
        out["overall"][run.name] = run.scores()
        out["per_template"][run.name] = {t: run.scores(t) for t in templates}
    if b is not None:
        overall_a, overall_b = out["overall"][a.name], out["overall"][b.name]
        out["delta"] = {
            "per_class_f1": {label: _delta(overall_a["per_class"][label]["f1"],
                                           overall_b["per_class"][label]["f1"])
                             for label in LABELS},
            "macro_f1": _delta(overall_a["macro_f1"], overall_b["macro_f1"]),
            "per_template_macro_f1": {
                t: _delta(out["per_template"][a.name][t]["macro_f1"],
                          out["per_template"][b.name][t]["macro_f1"]) for t in templates},
        }
    out["errors"] = {run.name: run.errors for run in runs}
    return out
