"""Is a retrained model worse than its base model on what the base model learned from?

``scrapy train --base`` re-fits every tree, so the new model can differ from the base model on
pages that have nothing to do with the user's template: by chance (the training rows, the
navigation sample and the cross-fitting folds all shift when pages are added) or because the
user's labels teach something the base data contradicts. Both models are scored here on the
base model's hand-labelled fixtures, per template, and every block the base model labelled
right and the new model labels wrong is listed with both models' probability of the right
label: a flip where the base model was barely right is most likely chance; a confident flip
means the new pages pull that kind of block to the new label.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from classifier import LABELS
from crawler.constants import REGRESSION_MAX_LISTED, REGRESSION_MIN_DROP
from crawler.labelling.comparison import FixtureRun, evaluate_fixtures, fixture_files

__all__ = ["format_regression", "regression_check"]


def _macro_f1(run: FixtureRun, template: str) -> float | None:
    value = run.scores(template)["macro_f1"]
    return None if value is None else round(float(value), 3)


def regression_check(fixtures: Sequence[Path], base_model: Any, new_model: Any, *,
                     min_drop: float = REGRESSION_MIN_DROP,
                     max_listed: int = REGRESSION_MAX_LISTED) -> dict[str, Any]:
    """Both models on the fixtures under ``fixtures``: macro F1 per template (base, new),
    the templates that dropped by more than ``min_drop``, and the blocks that broke."""
    files = fixture_files(fixtures)
    base = evaluate_fixtures(files, base_model, "base")
    new = evaluate_fixtures(files, new_model, "new")
    new_at = {place: i for i, place in enumerate(new.places)}
    broken: list[dict[str, Any]] = []
    fixed = 0
    for i, place in enumerate(base.places):
        j = new_at.get(place)
        if j is None:
            continue
        gold = base.gold[i]
        right = LABELS.index(gold)
        if base.pred[i] == gold and new.pred[j] != gold:
            broken.append({"block": place, "template": base.templates[i],
                           "text": " ".join(base.texts[i].split())[:80], "label": gold,
                           "new_label": new.pred[j],
                           "p_base": round(base.probs[i][right], 3),
                           "p_new": round(new.probs[j][right], 3)})
        elif base.pred[i] != gold and new.pred[j] == gold:
            fixed += 1
    per_template: dict[str, dict[str, float | None]] = {}
    for template in sorted(set(base.templates)):
        before, after = _macro_f1(base, template), _macro_f1(new, template)
        delta = None if before is None or after is None else round(after - before, 3)
        per_template[template] = {"base": before, "new": after, "delta": delta}
    regressed = [t for t, s in per_template.items()
                 if s["delta"] is not None and s["delta"] < -min_drop]
    # the least sure of the base model's right answers first: the likeliest to be chance
    broken.sort(key=lambda b: (b["p_base"], b["block"]))
    return {"fixtures": len(files), "blocks": len(base.gold), "per_template": per_template,
            "regressed": regressed, "broken_blocks": len(broken), "fixed_blocks": fixed,
            "broken": broken[:max_listed], "skipped": base.errors + new.errors}


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def format_regression(report: dict[str, Any]) -> list[str]:
    """The report as text lines for the terminal."""
    lines = [f"regression check on the base fixtures ({report['fixtures']} pages, "
             f"{report['blocks']} blocks): block macro F1 per template",
             f"  {'template':<22}{'base':>7}{'new':>7}{'change':>8}"]
    for template, s in report["per_template"].items():
        mark = "  WORSE" if template in report["regressed"] else ""
        change = "     -" if s["delta"] is None else f"{s['delta']:+.3f}"
        lines.append(f"  {template[:21]:<22}{_fmt(s['base']):>7}{_fmt(s['new']):>7}"
                     f"{change:>8}{mark}")
    lines.append(f"  blocks the base model got right and the new one gets wrong: "
                 f"{report['broken_blocks']}; the other way round: {report['fixed_blocks']}")
    for block in report["broken"]:
        lines.append(f"    {block['label']} -> {block['new_label']}  p({block['label']}) "
                     f"{block['p_base']:.2f} -> {block['p_new']:.2f}  {block['block']}  "
                     f"\"{block['text']}\"")
    if report["broken_blocks"] > len(report["broken"]):
        lines.append(f"    ... and {report['broken_blocks'] - len(report['broken'])} more "
                     "(all in the sidecar's base_regression)")
    return lines
