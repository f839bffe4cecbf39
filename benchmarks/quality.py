"""Article-body quality and speed of newscrawl against trafilatura, readability-lxml and
jusText, on the scrapinghub benchmark, the dragnet test split and l3s-gn1.

Quality uses the scrapinghub benchmark's metric for every corpus and system
(``classifier.evaluation``). Speed is measured in this one process, over pages held in
memory (decompressed and decoded once), for newscrawl, trafilatura and lxml parsing alone,
in the same run. Run from the repository root::

    nice python -m benchmarks.quality --json results.json --markdown

Per-page scores go to ``--pages-json`` for error analysis.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.systems import QUALITY_SYSTEMS, SPEED_SYSTEMS, Extractor, get_system
from classifier.evaluation import (
    PageScore,
    bootstrap_std,
    decode_corpus_page,
    read_corpus,
    score_page,
    summarise,
)
from classifier.model import default_model_path, sidecar_path

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGE_TIMEOUT_S = 60.0
SPEED_REPEATS = 3


@dataclass(frozen=True)
class CorpusSpec:
    folder: str
    split: str | None
    gold: str


CORPORA = {
    "scrapinghub": CorpusSpec("scrapinghub", None,
                              "human-written articleBody (evaluation only, never tuned on)"),
    "dragnet-test": CorpusSpec("dragnet", "test",
                               "human copy of the article text (body field; comments excluded)"),
    "dragnet-train": CorpusSpec("dragnet", "train",
                                "as dragnet-test; the split that assembly rules are tuned on"),
    "l3s-gn1": CorpusSpec("l3s-gn1", None,
                          "the human 'fulltext' blocks (body field): headline, captions "
                          "and bylines are not in the gold"),
}


#: The corpora reported by default (dragnet-train is for tuning runs only).
DEFAULT_CORPORA = ("scrapinghub", "dragnet-test", "l3s-gn1")


@dataclass(frozen=True)
class Page:
    id: str
    url: str | None
    html: str
    gold: str


class PageTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the page after ``seconds`` (SIGALRM: single process, main thread)."""

    def expire(signum: int, frame: Any) -> None:
        raise PageTimeout(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def default_corpora_dir() -> Path:
    env = os.environ.get("NEWSCRAWL_SHARED")
    return Path(env) / "corpora" if env else REPO_ROOT.parent / "shared" / "corpora"


def load_pages(corpora_dir: Path, name: str, limit: int | None) -> list[Page]:
    spec = CORPORA[name]
    return [Page(p.id, p.url, decode_corpus_page(p.html), p.gold)
            for p in read_corpus(corpora_dir / spec.folder, split=spec.split, limit=limit)]


def pages_for_speed(loaded: dict[str, list[Page]], corpora_dir: Path, corpus: str, *,
                    limit: int | None, speed_limit: int | None) -> list[Page]:
    """The pages the speed figure is measured on: the whole speed corpus (or its first
    ``speed_limit`` pages), never the part of it that ``--limit`` kept for the quality pass.
    (Five pages are no measure of the benchmark's 181: session 8 quoted such runs.)"""
    if corpus in loaded and limit is None and speed_limit is None:
        return loaded[corpus]
    return load_pages(corpora_dir, corpus, speed_limit)


def run_page(extractor: Extractor, page: Page, timeout: float) -> tuple[str, float, str | None]:
    """(body, seconds, error) for one page; a failure or timeout scores as an empty body."""
    start = time.perf_counter()
    try:
        with time_limit(timeout):
            body = extractor(page.html, page.url)
        return body, time.perf_counter() - start, None
    except Exception as exc:
        return "", time.perf_counter() - start, f"{type(exc).__name__}: {exc}"[:300]


def quality(extractor: Extractor, pages: Sequence[Page], timeout: float,
            texts_dir: Path | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    scores: list[PageScore] = []
    rows: list[dict[str, Any]] = []
    for page in pages:
        body, seconds, error = run_page(extractor, page, timeout)
        score = score_page(body, page.gold, page.id)
        scores.append(score)
        rows.append({**score.to_dict(), "seconds": round(seconds, 4), "error": error,
                     "pred_words": len(body.split()), "gold_words": len(page.gold.split())})
        if texts_dir is not None:
            (texts_dir / f"{page.id}.txt").write_text(body, encoding="utf-8")
    figures = {**summarise(scores), **bootstrap_std(scores),
               "errors": sum(1 for r in rows if r["error"]),
               "seconds_total": round(sum(r["seconds"] for r in rows), 3)}
    return figures, rows


def speed(systems: dict[str, Extractor], pages: Sequence[Page], repeats: int,
          timeout: float) -> dict[str, Any]:
    """Best-of-``repeats`` time of one pass over ``pages`` per system; the repeats are
    interleaved so that load from other processes hits every system alike. Wall time and
    process CPU time are both kept: on a shared machine the CPU figures are the steadier
    ones. numpy / OpenMP run one thread, as every system here does (and as the crawler's
    extraction workers do)."""
    from threadpoolctl import threadpool_limits

    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    passes: dict[str, list[float]] = {name: [] for name in systems}
    errors: dict[str, int] = dict.fromkeys(systems, 0)
    with threadpool_limits(limits=1):
        for extractor in systems.values():  # warm-up: lazy model and module loading
            run_page(extractor, pages[0], timeout)
        for _ in range(repeats):
            for name, extractor in systems.items():
                total = 0.0
                cpu_start = time.process_time()
                for page in pages:
                    _, seconds, error = run_page(extractor, page, timeout)
                    total += seconds
                    errors[name] += error is not None
                cpu = time.process_time() - cpu_start
                passes[name].append(cpu)
                best[name] = min(best.get(name, total), total)
                best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
    result: dict[str, Any] = {"pages": len(pages), "repeats": repeats, "systems": {}}
    for name, total in best.items():
        result["systems"][name] = {"ms_per_page": 1000 * total / len(pages),
                                   "cpu_ms_per_page": 1000 * best_cpu[name] / len(pages),
                                   "pages_per_s": len(pages) / total if total else None,
                                   "errors": errors[name] // repeats}
    for timing, key in ((best, "time"), (best_cpu, "cpu_time")):
        ours = timing.get("newscrawl")
        if ours:
            for other in ("lxml-parse", "trafilatura"):
                if timing.get(other):
                    result[f"newscrawl_{key}_over_{other}"] = ours / timing[other]
    result.update(paired_ratios(passes))
    return result


def paired_ratios(passes: dict[str, list[float]]) -> dict[str, float]:
    """newscrawl's CPU time over trafilatura's, pass by pass (each pair ran back to back in
    the same repeat): the median and the range. A shared machine's speed drifts over a run;
    a pair sees the same drift, two best-of figures may not."""
    ours, theirs = passes.get("newscrawl"), passes.get("trafilatura")
    if not ours or not theirs:
        return {}
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True) if b > 0)
    if not ratios:
        return {}
    return {"newscrawl_cpu_time_over_trafilatura_paired_median": statistics.median(ratios),
            "newscrawl_cpu_time_over_trafilatura_paired_min": ratios[0],
            "newscrawl_cpu_time_over_trafilatura_paired_max": ratios[-1]}


def versions() -> dict[str, str]:
    found = {}
    for dist in ("trafilatura", "readability-lxml", "jusText", "html-text", "lxml",
                 "scikit-learn"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "absent"
    found["python"] = platform.python_version()
    return found


def model_version() -> str | None:
    """The version of the model ``extract`` uses (``$NEWSCRAWL_MODEL`` or the shipped one)."""
    sidecar = sidecar_path(default_model_path())
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(data.get("model_version") or data.get("version") or data.get("created") or "")


# --------------------------------------------------------------------------- output

def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


_RATIO_KEYS = (*(f"newscrawl_{timing}_over_{other}" for timing in ("time", "cpu_time")
                 for other in ("lxml-parse", "trafilatura")),
               *(f"newscrawl_cpu_time_over_trafilatura_paired_{stat}"
                 for stat in ("median", "min", "max")))


def text_report(results: dict[str, Any]) -> str:
    lines = []
    for corpus, by_system in results["quality"].items():
        lines.append(f"\n{corpus} ({results['corpora'][corpus]['pages']} pages)")
        lines.append(f"  {'system':<22} {'F1':>6} {'±':>6} {'prec':>6} {'recall':>6} "
                     f"{'exact':>6} {'errors':>6}")
        for system, f in by_system.items():
            lines.append(f"  {system:<22} {_f(f['f1']):>6} {_f(f.get('f1_std')):>6} "
                         f"{_f(f['precision']):>6} {_f(f['recall']):>6} "
                         f"{_f(f['accuracy']):>6} {f['errors']:>6}")
    if results.get("speed"):
        s = results["speed"]
        lines.append(f"\nspeed on {s['corpus']} ({s['pages']} pages in memory, one process, "
                     f"best of {s['repeats']})")
        for system, f in s["systems"].items():
            lines.append(f"  {system:<22} {f['ms_per_page']:8.1f} ms/page "
                         f"{_f(f['pages_per_s'], 1):>8} pages/s "
                         f"{f['cpu_ms_per_page']:8.1f} CPU ms/page")
        for key in _RATIO_KEYS:
            if key in s:
                lines.append(f"  {key}: {s[key]:.2f}")
    return "\n".join(lines)


def markdown_report(results: dict[str, Any]) -> str:
    corpora = list(results["quality"])
    lines: list[str] = []
    if corpora:
        lines += ["| system | " + " | ".join(f"{c} F1 (P / R) | {c} exact" for c in corpora)
                  + " |", "|---|" + "---:|---:|" * len(corpora)]
    systems = list(dict.fromkeys(s for c in corpora for s in results["quality"][c]))
    for system in systems:
        cells = []
        for c in corpora:
            f = results["quality"][c].get(system)
            cells += (["-", "-"] if f is None else
                      [f"{_f(f['f1'])} ({_f(f['precision'])} / {_f(f['recall'])})",
                       _f(f["accuracy"], 2)])
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    if results.get("speed"):
        s = results["speed"]
        lines += ["", f"Speed on {s['corpus']} ({s['pages']} pages in memory, one process, "
                      f"best of {s['repeats']} passes):", "",
                  "| system | ms/page | pages/s | CPU ms/page |", "|---|---:|---:|---:|"]
        for system, f in s["systems"].items():
            lines.append(f"| {system} | {f['ms_per_page']:.1f} | {_f(f['pages_per_s'], 1)} "
                         f"| {f['cpu_ms_per_page']:.1f} |")
        ratios = [f"{k.replace('newscrawl_', 'newscrawl ').replace('_over_', ' / ')} = "
                  f"{s[k]:.2f}" for k in _RATIO_KEYS if k in s]
        if ratios:
            lines += ["", "; ".join(ratios)]
    used = ", ".join(f"{k} {v}" for k, v in results["versions"].items())
    model = f", model {results['model_version']}" if results.get("model_version") else ""
    lines += ["", f"Measured {results['measured_at']} ({used}{model})."]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default=",".join(DEFAULT_CORPORA),
                        help=f"comma-separated, from {', '.join(CORPORA)}")
    parser.add_argument("--systems", default=",".join(QUALITY_SYSTEMS),
                        help=f"comma-separated quality systems, from {', '.join(QUALITY_SYSTEMS)}")
    parser.add_argument("--limit", type=int,
                        help="at most this many pages per quality corpus (speed is measured "
                             "on the whole speed corpus unless --speed-limit is given)")
    parser.add_argument("--corpora-dir", type=Path, default=default_corpora_dir())
    parser.add_argument("--json", type=Path, help="write the corpus-level results here")
    parser.add_argument("--pages-json", type=Path,
                        default=REPO_ROOT / "benchmarks" / "results" / "quality-pages.json",
                        help="per-page scores for error analysis (default: %(default)s)")
    parser.add_argument("--save-texts", type=Path,
                        help="write every predicted body to DIR/<corpus>/<system>/<id>.txt "
                             "(keep DIR outside the repository: it holds page text)")
    parser.add_argument("--markdown", action="store_true", help="print README-ready tables")
    parser.add_argument("--timeout", type=float, default=PAGE_TIMEOUT_S,
                        help="seconds per page and system (default: %(default)s)")
    parser.add_argument("--speed-corpus", default="scrapinghub")
    parser.add_argument("--speed-repeats", type=int, default=SPEED_REPEATS)
    parser.add_argument("--speed-limit", type=int,
                        help="at most this many pages of the speed corpus (a quick check, not "
                             "the benchmark's figure)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    parser.add_argument("--no-quality", action="store_true",
                        help="measure speed only (same as --corpora '')")
    return parser.parse_args(argv)


def build_systems(names: Sequence[str]) -> dict[str, Extractor]:
    systems = {}
    for name in names:
        try:
            systems[name] = get_system(name)
        except ImportError as exc:  # e.g. the classifier not built yet: skip, say so
            print(f"skipping {name}: {exc}", file=sys.stderr)
    return systems


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpora = [] if args.no_quality else [c for c in args.corpora.split(",") if c]
    unknown = set(corpora) - set(CORPORA)
    if unknown:
        raise SystemExit(f"unknown corpora: {sorted(unknown)}")
    pages = {c: load_pages(args.corpora_dir, c, args.limit) for c in corpora}
    names = [s for s in args.systems.split(",") if s]
    systems = build_systems(names)
    results: dict[str, Any] = {
        "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "versions": versions(), "model_version": model_version(),
        "corpora": {c: {"pages": len(pages[c]), "gold": CORPORA[c].gold} for c in corpora},
        "quality": {}, "speed": None,
    }
    per_page: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for corpus in corpora:
        results["quality"][corpus] = {}
        per_page[corpus] = {}
        for name, extractor in systems.items():
            texts_dir = None
            if args.save_texts:
                texts_dir = args.save_texts / corpus / name
                texts_dir.mkdir(parents=True, exist_ok=True)
            print(f"{corpus}: {name} ...", file=sys.stderr, flush=True)
            figures, rows = quality(extractor, pages[corpus], args.timeout, texts_dir)
            results["quality"][corpus][name] = figures
            per_page[corpus][name] = rows
    if not args.no_speed:
        speed_pages = pages_for_speed(pages, args.corpora_dir, args.speed_corpus,
                                      limit=args.limit, speed_limit=args.speed_limit)
        speed_systems = {name: systems.get(name) or extractor
                         for name, extractor in build_systems(SPEED_SYSTEMS).items()}
        print(f"speed on {args.speed_corpus} ...", file=sys.stderr, flush=True)
        results["speed"] = {"corpus": args.speed_corpus,
                            **speed(speed_systems, speed_pages, args.speed_repeats, args.timeout)}
    print(text_report(results))
    if args.markdown:
        print("\n" + markdown_report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    args.pages_json.parent.mkdir(parents=True, exist_ok=True)
    args.pages_json.write_text(json.dumps(per_page) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
