"""Article-body quality on modern pages of sites the model never saw: the training corpora
(fundus, readability), each page scored by a model trained without its site.

The pages are split the way ``python -m classifier train --cv-folds N`` splits them (grouped
K-fold by publisher / template, the project's fixtures included); per fold a model is trained
with the shipped parameters (or ``--param`` overrides) and ``classifier.extract`` runs on the
held-out corpus pages with it, so the whole article assembly is scored, with the scrapinghub
benchmark's metric. Other systems (``--systems``) run on the same pages. This is the tuning
proxy for assembly rules and model parameters on 2023-2026 pages (docs/benchmarks.md); it
never reads scrapinghub. Run from the repository root::

    nice python -m benchmarks.holdout --systems newscrawl,trafilatura
    python -m benchmarks.holdout --seed 1 --param navigation_sample=0.6 --json /tmp/h.json
    python -m benchmarks.holdout --seeds 0,1,2 --param max_iter=90   # judge a model change

The training seed alone moves the pooled F1 by up to 0.004 (it draws the navigation sample), so
a model change is judged on several seeds (``--seeds``: mean and spread), an assembly change on
the fold models of one or more seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.quality import REPO_ROOT, default_corpora_dir
from benchmarks.systems import get_system
from classifier import training
from classifier.evaluation import PageScore, decode_corpus_page, read_corpus, score_page, summarise
from classifier.extraction import extract
from classifier.model import BlockModel
from classifier.training import TrainingPage, corpus_pages, fixture_pages

DEFAULT_CORPORA = ("fundus", "readability")
DEFAULT_FOLDS = 2


@dataclass(frozen=True)
class HeldOutPage:
    corpus: str
    id: str
    url: str | None
    html: str
    gold: str
    group: str
    fold: int


def fold_models(pages: Sequence[TrainingPage], params: dict[str, Any], folds: int,
                progress: bool = False) -> list[tuple[BlockModel, set[int]]]:
    """One model per fold, each with the indices of the pages it did not train on (the
    training command's grouped split, ``classifier.training.fold_models``)."""
    return [(model, {int(i) for i in test})
            for model, test in training.fold_models(pages, params, folds=folds,
                                                    progress=progress)]


def held_out_pages(pages: Sequence[TrainingPage], folds: Sequence[tuple[BlockModel, set[int]]],
                   corpora_dir: Path) -> list[HeldOutPage]:
    """The corpus pages among ``pages`` (not the fixtures), as the original HTML with its gold
    body and the fold that held it out."""
    fold_of = {i: number for number, (_, test) in enumerate(folds) for i in test}
    wanted = {p.page.source: (i, p.group) for i, p in enumerate(pages)
              if p.source != "fixtures" and p.page.source}
    out = []
    for corpus in sorted({p.source for p in pages if p.source != "fixtures"}):
        for page in read_corpus(corpora_dir / corpus):
            key = f"{corpus}:{page.id}"
            if key not in wanted:
                continue  # left out of training (unusable weak labels): no fold holds it
            index, group = wanted[key]
            out.append(HeldOutPage(corpus, page.id, page.url, decode_corpus_page(page.html),
                                   page.gold, group, fold_of[index]))
    return out


def score_held_out(held_out: Sequence[HeldOutPage],
                   folds: Sequence[tuple[BlockModel, set[int]]],
                   systems: Sequence[str]) -> dict[str, dict[str, list[PageScore]]]:
    """Per corpus and system, the page scores; newscrawl uses the model of the page's fold."""
    scores: dict[str, dict[str, list[PageScore]]] = {}
    for name in systems:
        other = None if name == "newscrawl" else get_system(name)
        for page in held_out:
            try:
                if other is None:
                    body = extract(page.html, url=page.url, model=folds[page.fold][0]).body
                else:
                    body = other(page.html, page.url)
            except Exception:  # a baseline's crash scores as an empty body, as in quality.py
                body = ""
            scores.setdefault(page.corpus, {}).setdefault(name, []).append(
                score_page(body, page.gold, f"{page.corpus}:{page.id}"))
    return scores


def report(scores: dict[str, dict[str, list[PageScore]]]) -> dict[str, Any]:
    """Corpus-level figures, and all held-out pages pooled (pages weigh alike)."""
    out: dict[str, Any] = {}
    systems = sorted({name for by_system in scores.values() for name in by_system})
    for corpus, by_system in scores.items():
        out[corpus] = {name: summarise(page_scores) for name, page_scores in by_system.items()}
    out["pooled"] = {name: summarise([s for by_system in scores.values()
                                      for s in by_system.get(name, [])]) for name in systems}
    return out


def parse_param(text: str) -> tuple[str, Any]:
    key, _, value = text.partition("=")
    if not key or not value:
        raise argparse.ArgumentTypeError(f"--param wants key=value, not {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.holdout", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default=",".join(DEFAULT_CORPORA))
    parser.add_argument("--corpora-dir", type=Path, default=None)
    parser.add_argument("--fixtures", type=Path, default=REPO_ROOT / "fixtures")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS)
    parser.add_argument("--seed", type=int, default=0, help="the model's random_state")
    parser.add_argument("--seeds", type=parse_seeds, default=None,
                        help="comma-separated random_states (e.g. 0,1,2): fold models per "
                             "seed, then the mean and spread of each figure; a model change "
                             "moves the held-out F1 by up to 0.004 with the seed alone")
    parser.add_argument("--param", type=parse_param, action="append", default=[],
                        help="a BlockModel parameter, key=value (JSON values); repeatable")
    parser.add_argument("--systems", default="newscrawl",
                        help="comma-separated: newscrawl and any of benchmarks.quality's")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    corpora_dir = args.corpora_dir or default_corpora_dir()
    names = [n for n in args.corpora.split(",") if n]
    if "scrapinghub" in names:
        parser.error("scrapinghub is evaluation data: never a tuning proxy")
    missing = [n for n in names if not (corpora_dir / n / "gold.jsonl").is_file()]
    if missing:
        parser.error(f"corpora not found in {corpora_dir}: {', '.join(missing)}")
    seeds = args.seeds or [args.seed]
    pages = fixture_pages(args.fixtures) if args.fixtures.is_dir() else []
    for name in names:
        pages += corpus_pages(corpora_dir / name)
    systems = args.systems.split(",")
    runs = {}
    for seed in seeds:
        params = {"random_state": seed, **dict(args.param)}
        folds = fold_models(pages, params, args.folds, progress=True)
        held_out = held_out_pages(pages, folds, corpora_dir)
        # the other systems do not depend on the seed: scored with the first one only
        runs[seed] = report(score_held_out(held_out, folds,
                                           systems if seed == seeds[0] else ["newscrawl"]))
        if len(seeds) > 1:
            print(f"seed {seed}")
        _print(runs[seed])
    out: dict[str, Any] = {"params": {"random_state": seeds[0], **dict(args.param)},
                           "folds": args.folds, "results": runs[seeds[0]]}
    if len(seeds) > 1:
        out["seeds"] = {str(seed): results for seed, results in runs.items()}
        out["across_seeds"] = across_seeds(list(runs.values()))
        print(f"newscrawl over seeds {','.join(map(str, seeds))} (mean ± standard deviation)")
        for corpus, figures in out["across_seeds"].items():
            print(f"  {corpus:12} F1 {figures['f1_mean']:.4f} ± {figures['f1_std']:.4f}  "
                  f"(min {figures['f1_min']:.4f}, max {figures['f1_max']:.4f})")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


def _print(results: dict[str, Any]) -> None:
    for corpus, by_system in results.items():
        print(f"{corpus}")
        for name, figures in by_system.items():
            print(f"  {name:22} F1 {figures['f1']:.4f}  P {figures['precision']:.4f}  "
                  f"R {figures['recall']:.4f}  exact {figures['accuracy']:.3f}  "
                  f"({figures['pages']} pages)")


def across_seeds(runs: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per corpus, newscrawl's F1 over the seeds' runs: mean, standard deviation, min, max."""
    out = {}
    for corpus in runs[0]:
        f1 = np.array([run[corpus]["newscrawl"]["f1"] for run in runs], dtype=float)
        out[corpus] = {"f1_mean": float(f1.mean()), "f1_std": float(f1.std(ddof=1)),
                       "f1_min": float(f1.min()), "f1_max": float(f1.max()), "seeds": len(f1)}
    return out


def parse_seeds(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seeds wants integers, not {text!r}") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"--seeds wants distinct integers, not {text!r}")
    return seeds


if __name__ == "__main__":
    sys.exit(main())
