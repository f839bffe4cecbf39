"""``scrapy train``: retrain the block model on your fixtures (optionally with the base data)."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

from scrapy.exceptions import UsageError

from classifier.constants import FINE_TUNE_ROUNDS
from crawler.labelling.basedata import base_data, read_sidecar
from crawler.labelling.cli import SHIPPED_MODEL, ToolCommand, is_shipped_model

logger = logging.getLogger(__name__)


class Command(ToolCommand):

    def syntax(self) -> str:
        return "FIXTURES... [--base] [--fine-tune [ROUNDS]] [-o MODEL] [--seed N]"

    def short_desc(self) -> str:
        return "Retrain the block model on labelled fixtures"

    def long_desc(self) -> str:
        return (
            "Train a block model on the labelled fixtures (folders or files) given, optionally "
            "together with the shipped model's own training data (--base, found from its "
            "sidecar). With --fine-tune the base model is not refitted: boosting rounds fitted "
            "to your pages (and the base data) are added to its trees, so templates your pages "
            "do not touch keep their predictions. Seeded and reproducible; writes MODEL, its JSON sidecar and a Markdown "
            "model card. The shipped model is never overwritten unless --force."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="MODEL", default="my-model.skops",
                            help="model file to write (default: my-model.skops)")
        parser.add_argument("--base", action="store_true",
                            help="also train on the shipped model's training data")
        parser.add_argument("--base-model", metavar="PATH", default=str(SHIPPED_MODEL),
                            help="model whose sidecar names the base data and parameters "
                                 "(and that --fine-tune continues)")
        parser.add_argument("--fine-tune", type=int, nargs="?", const=FINE_TUNE_ROUNDS,
                            metavar="ROUNDS",
                            help="continue the base model with ROUNDS more boosting rounds "
                                 f"(default {FINE_TUNE_ROUNDS}) instead of refitting it")
        parser.add_argument("--corpora", metavar="DIR",
                            help="folder of the base corpora (default: $NEWSCRAWL_SHARED/"
                                 "corpora or ../shared/corpora)")
        parser.add_argument("--base-limit", type=int, metavar="N",
                            help="use at most N pages of each base corpus (quick runs)")
        parser.add_argument("--repeat", type=int, default=1, metavar="N",
                            help="count each of your fixtures N times (weighs a few pages "
                                 "against a large base set; default 1)")
        parser.add_argument("--seed", type=int, default=None,
                            help="random seed (default: the base model's, else 0)")
        parser.add_argument("--cv-folds", type=int, default=4,
                            help="grouped cross-validation folds in the model card; 0 skips it")
        parser.add_argument("--max-iter", type=int, help="boosting rounds (default: base's)")
        parser.add_argument("--threads", type=int,
                            help="CPU threads for training (default: all)")
        parser.add_argument("--cache-dir", help="weak-label cache for base corpora")
        parser.add_argument("--no-check", action="store_true",
                            help="with --base: skip the regression check of the new model "
                                 "against the base model on the base fixtures")
        parser.add_argument("--fail-on-regression", action="store_true",
                            help="exit with status 3 when the regression check finds a base "
                                 "template that got worse (the model is still written)")
        parser.add_argument("--force", action="store_true",
                            help="allow overwriting the shipped model")
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one fixture folder or file")
        missing = [a for a in args if not Path(a).exists()]
        if missing:
            raise UsageError(f"no such fixture folder or file: {', '.join(missing)}",
                             print_help=False)
        if opts.repeat < 1:
            raise UsageError("--repeat must be at least 1", print_help=False)
        if opts.fine_tune is not None and opts.fine_tune < 1:
            raise UsageError("--fine-tune needs at least 1 round", print_help=False)
        output = Path(opts.output)
        if output.suffix != ".skops":
            raise UsageError("the model file name must end in .skops", print_help=False)
        if is_shipped_model(output) and not opts.force:
            raise UsageError(f"{output} is the shipped model; write elsewhere (-o) or pass "
                             "--force to replace it", print_help=False)
        if opts.threads:
            from threadpoolctl import threadpool_limits

            with threadpool_limits(opts.threads):
                self.exitcode = train_model(args, output, opts)
        else:
            self.exitcode = train_model(args, output, opts)


def train_model(fixtures: list[str], output: Path, opts: argparse.Namespace) -> int:
    """Train and save; return the exit code."""
    from classifier import ModelError, save_model, train

    sources: list[str | Path] = [Path(f) for f in fixtures for _ in range(opts.repeat)]
    base_fixtures: list[str | Path] = []
    corpora: list[str | Path] = []
    params: dict[str, Any] = {}
    seed = opts.seed
    base_info: dict[str, Any] | None = None
    try:
        base = base_data(opts.base_model, opts.corpora)
    except FileNotFoundError as exc:
        if opts.base:
            raise UsageError(f"--base: {exc}", print_help=False) from exc
        base = None
    if base is not None:  # the base model's hyper-parameters keep retrained models comparable
        params = {k: v for k, v in base.params.items() if k != "random_state"}
        if seed is None:
            seed = base.sidecar.get("seed")
    anchor_files: list[Path] = []
    if (opts.base or opts.fine_tune is not None) and base is not None:
        # a fine-tune always anchors on the base data: that keeps other templates level
        for problem in base.missing:
            logger.warning("base data not found: %s (%s)", problem,
                           "the shipped anchor set stands in for it" if opts.fine_tune
                           is not None else "the model will differ from a full retrain")
        base_fixtures = list(base.fixtures)
        corpora = list(base.corpora)
        base_info = base.summary()
        if opts.fine_tune is not None and any(m.startswith("corpus") for m in base.missing):
            anchor_files = _shipped_anchors()
    if opts.max_iter:
        params["max_iter"] = opts.max_iter
    seed = int(seed or 0)
    print(f"training on {len(fixtures)} fixture source(s) x{opts.repeat}"
          + (f" + base data ({', '.join(str(p) for p in [*base.fixtures, *base.corpora])})"
             if base_info and base is not None else "")
          + f", seed {seed}", flush=True)
    started = time.monotonic()
    try:
        if opts.fine_tune is not None:
            model, sidecar = _fine_tune(Path(opts.base_model), base_fixtures, corpora,
                                        sources, anchor_files, opts)
        else:
            # your pages last: the base data keeps its order, so only your pages make the
            # difference
            model, sidecar = train(fixtures=base_fixtures, corpora=corpora, seed=seed,
                                   params=params, cv_folds=opts.cv_folds,
                                   cache_dir=opts.cache_dir, progress=not opts.quiet,
                                   corpus_limit=opts.base_limit, added_fixtures=sources)
    except (ValueError, ModelError) as exc:  # bad data, or a corrupt anchor set
        logger.error("training failed: %s", exc)
        return 1
    sidecar = {
        **sidecar,
        "trained_by": "scrapy train",
        "user_fixtures": [str(Path(f)) for f in fixtures],
        "repeat": opts.repeat,
        "base": base_info,
        "training_seconds": round(time.monotonic() - started, 1),
    }
    regression = None
    if base_info and base is not None and base.fixtures and not opts.no_check:
        regression = _check_against_base(base.model, base.fixtures, model)
        sidecar["base_regression"] = regression
    save_model(model, output, sidecar)
    sidecar = read_sidecar(output) or sidecar  # now with the file hash and library versions
    card = output.with_suffix(".md")
    card.write_text(model_card(output, sidecar), encoding="utf-8")
    print(f"wrote {output}, {output.with_suffix('.json')} and {card} "
          f"in {sidecar['training_seconds']} s")
    print(json.dumps({"training_data": sidecar.get("training_data"),
                      "block_counts": sidecar.get("block_counts")}, indent=1))
    print(f"compare it on pages you did not train on: scrapy evaluate --model "
          f"{_shown(Path(opts.base_model))} --against {output} TEST_FIXTURES fixtures")
    if regression and regression["regressed"] and opts.fail_on_regression:
        return 3
    return 0


def _shipped_anchors() -> list[Path]:
    from classifier.anchors import default_anchors_path

    path = default_anchors_path()
    if path.is_file():
        return [path]
    logger.warning("no anchor set at %s: the fine-tuned model may move on other templates",
                   path)
    return []


def _fine_tune(base_model: Path, base_fixtures: list[str | Path], corpora: list[str | Path],
               sources: list[str | Path], anchor_files: list[Path],
               opts: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    from classifier import ModelError, load_model
    from classifier.training import fine_tune

    try:
        base = load_model(base_model)
    except ModelError as exc:
        raise ValueError(f"--fine-tune: cannot load the base model: {exc}") from None
    print(f"fine-tuning {base_model.name}: {opts.fine_tune} more boosting rounds, anchored on "
          + ", ".join(str(p) for p in [*base_fixtures, *corpora, *anchor_files]), flush=True)
    return fine_tune(base, fixtures=base_fixtures, corpora=corpora, added_fixtures=sources,
                     rounds=opts.fine_tune, cache_dir=opts.cache_dir, progress=not opts.quiet,
                     corpus_limit=opts.base_limit, anchor_files=anchor_files)


def _check_against_base(base_model: Path, base_fixtures: list[Path],
                        model: Any) -> dict[str, Any] | None:
    """Score the base and the new model on the base fixtures; print and return the report."""
    from classifier import ModelError, load_model
    from crawler.labelling.regression import format_regression, regression_check

    try:
        before = load_model(base_model)
    except (ModelError, OSError, ValueError) as exc:
        logger.warning("regression check skipped: cannot load the base model: %s", exc)
        return None
    report = regression_check(base_fixtures, before, model)
    print("\n".join(format_regression(report)), flush=True)
    if report["regressed"]:
        logger.warning(
            "the new model is worse than the base model on %d base template(s) (%s), pages "
            "both models trained on. A block the base model was barely sure of is most likely "
            "chance; a confident flip means your pages pull such blocks to the new label: "
            "check those blocks' look-alikes in your pages against docs/taxonomy.md, lower "
            "--repeat if you raised it, or add a labelled page with such blocks to yours.",
            len(report["regressed"]), ", ".join(report["regressed"]))
    return report


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def model_card(path: Path, sidecar: dict[str, Any]) -> str:
    """A short Markdown model card from the sidecar."""
    lines = [f"# Model card: {path.name}", "",
             f"- trained by `scrapy train` at {sidecar.get('created_at')}, seed "
             f"{sidecar.get('seed')}, {sidecar.get('training_seconds')} s",
             f"- your fixtures: {', '.join(sidecar.get('user_fixtures', []))} "
             f"(each counted {sidecar.get('repeat')}x)"]
    if sidecar.get("fine_tuned_from"):
        anchors = sidecar.get("anchors") or {}
        lines.append(f"- fine-tuned: {sidecar.get('fine_tune_rounds')} boosting rounds added to "
                     f"{sidecar['fine_tuned_from']}, anchored on "
                     f"{anchors.get('training_pages', 0)} base training pages and "
                     f"{anchors.get('shipped_pages', 0)} pages of the shipped anchor set")
    base = sidecar.get("base")
    if base:
        lines.append(f"- base data of {base.get('model')} ({base.get('model_version')}): "
                     f"{', '.join(base.get('used', [])) or 'none found'}")
        if base.get("missing"):
            lines.append(f"- base data missing: {'; '.join(base['missing'])}")
    regression = sidecar.get("base_regression")
    if regression:
        lines += ["", "## Regression check against the base model (base fixtures)", "",
                  "| template | base macro F1 | new macro F1 | change |", "|---|---|---|---|"]
        for template, s in regression.get("per_template", {}).items():
            lines.append(f"| {template} | {_fmt(s.get('base'))} | {_fmt(s.get('new'))} | "
                         f"{_fmt(s.get('delta'))} |")
        lines += ["", f"Blocks the base model got right and this one gets wrong: "
                      f"{regression.get('broken_blocks')}; the other way round: "
                      f"{regression.get('fixed_blocks')}."]
    lines += ["", "## Training data", "", "| source | pages | licence |", "|---|---|---|"]
    for source, info in sorted((sidecar.get("training_data") or {}).items()):
        lines.append(f"| {source} | {info.get('pages')} | {info.get('licence')} |")
    lines += ["", "## Blocks per label", ""]
    lines += [f"- {label}: {count}" for label, count in (sidecar.get("block_counts") or {}).items()]
    cv = sidecar.get("cross_validation") or {}
    if cv:
        lines += ["", f"## Grouped cross-validation ({cv.get('folds')} folds, by template / site)",
                  "", "| source | class | precision | recall | F1 |", "|---|---|---|---|---|"]
        for source, entry in sorted((k, v) for k, v in cv.items() if isinstance(v, dict)):
            for label, scores in entry.items():
                if isinstance(scores, dict) and "precision" in scores and label != "body":
                    lines.append(f"| {source} | {label} | {_fmt(scores['precision'])} | "
                                 f"{_fmt(scores['recall'])} | {_fmt(scores['f1'])} |")
    lines += ["", f"Versions: {json.dumps(sidecar.get('versions', {}))}", ""]
    return "\n".join(lines)
