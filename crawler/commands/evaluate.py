"""``scrapy evaluate``: block and article scores of a model, or two models side by side."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from scrapy.exceptions import UsageError

from crawler.labelling.cli import ToolCommand, load_model_option

logger = logging.getLogger(__name__)


class Command(ToolCommand):

    def syntax(self) -> str:
        return "[--model A] [--against B] FIXTURES...|CORPUS [--out DIR]"

    def short_desc(self) -> str:
        return "Score a model (or compare two) on labelled fixtures or a gold corpus"

    def long_desc(self) -> str:
        return (
            "On labelled fixtures: per-class precision / recall / F1, confusion matrix and "
            "precision-recall curves (PNG), per template. On a corpus folder with gold.jsonl: "
            "the article-body shingle metric. With --against B, model B is scored too and "
            "shown beside --model A (default: the shipped model) with B - A differences. "
            "Writes metrics.json and the PNGs to --out."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--model", metavar="A",
                            help="model to score (default: NEWSCRAWL_MODEL or shipped)")
        parser.add_argument("--against", metavar="B", help="second model, shown beside A")
        parser.add_argument("--out", metavar="DIR", default="out/evaluate",
                            help="folder for metrics.json and PNGs (default out/evaluate)")
        parser.add_argument("--split", help="corpus split to keep (e.g. dragnet's test)")
        parser.add_argument("--limit", type=int, help="at most this many corpus pages")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give fixture folders / files or one corpus folder")
        paths = [Path(a) for a in args]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageError(f"not found: {', '.join(missing)}", print_help=False)
        models = [(_name(opts.model, "shipped"), load_model_option(opts.model, self.settings))]
        if opts.against:
            models.append((_name(opts.against, "B"), load_model_option(opts.against, None)))
            if models[0][0] == models[1][0]:
                models = [("A:" + models[0][0], models[0][1]), ("B:" + models[1][0],
                                                                 models[1][1])]
        out = Path(opts.out)
        out.mkdir(parents=True, exist_ok=True)
        from crawler.labelling.comparison import is_corpus

        corpora = [p for p in paths if is_corpus(p)]
        if corpora and len(corpora) != len(paths):
            raise UsageError("give either fixtures or corpus folders, not both",
                             print_help=False)
        if corpora:
            result = _corpora(corpora, models, opts)
        else:
            result = _fixtures(paths, models, out)
            if result is None:
                self.exitcode = 1
                return
        (out / "metrics.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {out / 'metrics.json'}" + (" and PNG figures" if not corpora else ""))


def _name(path: str | None, default: str) -> str:
    return Path(path).stem if path else default


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def _signed(value: float | None) -> str:
    return "     -" if value is None else f"{value:+.3f}"


def _fixtures(paths: list[Path], models: list[tuple[str, Any]], out: Path) -> Any:
    from crawler.labelling.comparison import compare, evaluate_fixtures, fixture_files
    from crawler.labelling.plots import plot_confusion, plot_f1_bars, plot_pr_curves, pr_curves

    files = fixture_files(paths)
    if not files:
        logger.error("no .html fixtures under %s", ", ".join(map(str, paths)))
        return None
    runs = [evaluate_fixtures(files, model, name) for name, model in models]
    result = compare(runs[0], runs[1] if len(runs) > 1 else None)
    result["fixtures"] = len(files)
    curves = {run.name: pr_curves(run.gold, run.probs) for run in runs}
    result["pr_curves"] = curves
    for run in runs:
        plot_confusion(result["overall"][run.name]["confusion"], f"{run.name}: confusion "
                       f"({len(run.gold)} blocks)", out / f"confusion-{_safe(run.name)}.png")
    plot_pr_curves(curves, "precision-recall per class", out / "pr-curves.png")
    plot_f1_bars({run.name: {label: c["f1"] for label, c in
                             result["overall"][run.name]["per_class"].items()} for run in runs},
                 "F1 per class", out / "f1-per-class.png")
    plot_f1_bars({run.name: {t: s["macro_f1"] for t, s in result["per_template"][run.name]
                             .items()} for run in runs}, "macro F1 per template",
                 out / "f1-per-template.png")
    _print_fixtures(result, runs, len(files))
    return result


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _print_fixtures(result: dict[str, Any], runs: list[Any], pages: int) -> None:
    names = [run.name for run in runs]
    print(f"{pages} fixture pages, {len(runs[0].gold)} blocks")
    header = f"{'class':<11}" + "".join(f"{n[:22]:>24}" for n in names)
    if len(names) == 2:
        header += f"{'F1 B-A':>9}"
    print(header)
    print(f"{'':<11}" + "".join(f"{'P     R     F1':>24}" for _ in names))
    from classifier import LABELS

    for label in LABELS:
        row = f"{label:<11}"
        for name in names:
            c = result["overall"][name]["per_class"][label]
            row += f"{_fmt(c['precision']):>10}{_fmt(c['recall']):>7}{_fmt(c['f1']):>7}"
        if len(names) == 2:
            row += f"{_signed(result['delta']['per_class_f1'][label]):>9}"
        print(row)
    row = f"{'macro F1':<11}" + "".join(f"{_fmt(result['overall'][n]['macro_f1']):>24}"
                                        for n in names)
    if len(names) == 2:
        row += f"{_signed(result['delta']['macro_f1']):>9}"
    print(row)
    row = f"{'body F1':<11}" + "".join(
        f"{_fmt(result['overall'][n]['article']['f1']):>24}" for n in names)
    print(row)
    print(f"\n{'template':<22}" + "".join(f"{n[:16] + ' macro F1':>26}" for n in names)
          + (f"{'B-A':>9}" if len(names) == 2 else ""))
    for template in result["per_template"][names[0]]:
        row = f"{template[:21]:<22}" + "".join(
            f"{_fmt(result['per_template'][n][template]['macro_f1']):>26}" for n in names)
        if len(names) == 2:
            row += f"{_signed(result['delta']['per_template_macro_f1'][template]):>9}"
        print(row)
    for name, errors in result["errors"].items():
        if errors:
            print(f"{name}: {len(errors)} fixtures skipped, e.g. {errors[0]}")


def _corpora(paths: list[Path], models: list[tuple[str, Any]],
             opts: argparse.Namespace) -> dict[str, Any]:
    from crawler.labelling.comparison import evaluate_corpus_dir

    result: dict[str, Any] = {"models": [name for name, _ in models], "corpora": {}}
    for path in paths:
        per_model = {}
        for name, model in models:
            figures = evaluate_corpus_dir(path, model, split=opts.split, limit=opts.limit)
            per_model[name] = figures
            art = figures["article"]
            print(f"{path.name:<14} {name:<24} pages {art['pages']:>4}  P {_fmt(art['precision'])}"
                  f"  R {_fmt(art['recall'])}  F1 {_fmt(art['f1'])}  exact "
                  f"{_fmt(art['accuracy'])}")
        result["corpora"][str(path)] = per_model
    return result
