"""The explain report of ``scrapy explain``: a page with every block outlined in its label's
colour, its score and the features that drove the decision, beside the extracted article.

The report is one self-contained HTML file with no script: the page is a script-free, marked
copy (see :mod:`crawler.labelling.annotate`) shown in a fully sandboxed ``srcdoc`` frame. A PNG
screenshot is taken with headless Chromium when it is installed.
"""

from __future__ import annotations

import html
import logging
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifier import LABELS, Article
from crawler.constants import (
    EXPLAIN_BATCH_ROWS,
    EXPLAIN_MAX_ROWS,
    EXPLAIN_MIN_EFFECT,
    EXPLAIN_TOP_FEATURES,
    SCREENSHOT_MAX_HEIGHT_PX,
    SCREENSHOT_TIMEOUT_S,
    SCREENSHOT_WIDTH_PX,
)
from crawler.labelling.annotate import LABEL_COLOURS, BlockMark, legend_css, mark_page

__all__ = [
    "CHROMIUM",
    "BlockExplanation",
    "chromium_path",
    "explain_blocks",
    "render_report",
    "screenshot",
]

logger = logging.getLogger(__name__)

#: Where Debian's chromium lives (the CI installs it there); no browser is ever downloaded.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync")
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'"
_PAGE_FRAME_HEIGHT_PX = 1600


@dataclass(frozen=True, slots=True)
class BlockExplanation:
    """One block as the report shows it: label, score, and the features behind it.

    ``features`` holds ``(name, value, contribution)`` triples, most important first;
    ``contribution`` is the change of the block's score for its label that the feature's
    value causes (positive: it pushed towards the label).
    """

    index: int
    path: str
    label: str
    score: float
    text: str
    scores: Mapping[str, float] = field(default_factory=dict)
    features: Sequence[tuple[str, float, float]] = ()
    #: Final score minus the block's own-evidence (stage 1) score: what the neighbours'
    #: labels (the model's second stage) added; None when the model has no such stage.
    context: float | None = None

    def feature_summary(self) -> str:
        parts = [f"{name}={value:.3g} ({change:+.2f})" for name, value, change in self.features]
        if self.context is not None and abs(self.context) >= 0.005:
            parts.append(f"context ({self.context:+.2f})")
        return ", ".join(parts)


def _feature_api() -> tuple[Any, Any]:
    from classifier import feature_names, page_features

    return feature_names, page_features


def _occlusion(booster: Any, X: np.ndarray, label_idx: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Per block and feature: how much the block's own-evidence probability of its label
    drops when that one feature is set to the page's typical (median) value.

    The first stage sees each block's row alone, so this is an exact one-feature-at-a-time
    occlusion; rows are batched so a page costs a few predictions, capped by
    ``EXPLAIN_MAX_ROWS``. Returns ``(effects, base probabilities)``.
    """
    n, f = X.shape
    # scikit-learn boosters call it ``classes_``; the classifier's flat ensemble ``classes``.
    classes: Any = getattr(booster, "classes_", None)
    if classes is None:
        classes = getattr(booster, "classes", range(len(LABELS)))
    columns = {int(c): i for i, c in enumerate(classes)}
    pick = np.array([columns.get(int(k), -1) for k in label_idx])

    def prob_of_label(rows: np.ndarray, which: np.ndarray) -> np.ndarray:
        probs = booster.predict_proba(rows)
        col = pick[which]
        out = np.where(col >= 0, probs[np.arange(len(which)), np.maximum(col, 0)], 0.0)
        return np.asarray(out, dtype=float)

    base = prob_of_label(X, np.arange(n))
    reference = np.median(X, axis=0)
    rows_idx, cols_idx = np.nonzero(reference != X)
    if len(rows_idx) > EXPLAIN_MAX_ROWS:  # bounded work: keep the largest deviations
        deviation = np.abs(X[rows_idx, cols_idx] - reference[cols_idx])
        keep = np.argsort(-deviation, kind="stable")[:EXPLAIN_MAX_ROWS]
        rows_idx, cols_idx = rows_idx[keep], cols_idx[keep]
    effects = np.zeros((n, f))
    for start in range(0, len(rows_idx), EXPLAIN_BATCH_ROWS):
        r = rows_idx[start:start + EXPLAIN_BATCH_ROWS]
        c = cols_idx[start:start + EXPLAIN_BATCH_ROWS]
        changed = X[r].copy()
        changed[np.arange(len(r)), c] = reference[c]
        effects[r, c] = base[r] - prob_of_label(changed, r)
    return effects, base


def explain_blocks(segmentation: Any, article: Article, model: Any, *,
                   top: int = EXPLAIN_TOP_FEATURES) -> list[BlockExplanation]:
    """Explanations for the blocks of ``article`` (extracted from ``segmentation``'s tree).

    Uses the model's first stage (``stage1_``, a block-by-block booster) for feature effects
    when the model has one; otherwise only labels and scores are reported.
    """
    blocks = article.blocks
    features: list[list[tuple[str, float, float]]] = [[] for _ in blocks]
    context: list[float | None] = [None] * len(blocks)
    booster = getattr(model, "stage1_", None)
    if booster is not None and blocks and len(segmentation.blocks) == len(blocks):
        feature_names, page_features = _feature_api()
        X = np.asarray(page_features(segmentation).X, dtype=float)
        names = list(feature_names())
        if X.shape == (len(blocks), len(names)):
            label_idx = np.array([LABELS.index(b.label) for b in blocks])
            effects, base = _occlusion(booster, X, label_idx)
            for i, block in enumerate(blocks):
                order = np.argsort(-effects[i], kind="stable")[:top]
                features[i] = [(names[j], float(X[i, j]), float(effects[i, j]))
                               for j in order if effects[i, j] >= EXPLAIN_MIN_EFFECT]
                if getattr(model, "stage2_", None) is not None:
                    context[i] = float(block.score - base[i])
    return [BlockExplanation(index=i, path=b.path, label=b.label, score=b.score, text=b.text,
                             scores=dict(b.scores), features=features[i], context=context[i])
            for i, b in enumerate(blocks)]


def chromium_path() -> str | None:
    """Debian's chromium if it is installed, else None."""
    return CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")


_STYLE = """
body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#222}
header{padding:.6em 1em;background:#f4f4f4;border-bottom:1px solid #ccc}
header h1{font-size:18px;margin:0 0 .3em}
.legend span{display:inline-block;margin-right:1em}
.legend i{display:inline-block;width:1em;height:1em;vertical-align:-2px;margin-right:.3em}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1em;padding:1em}
.page iframe{width:100%;border:1px solid #ccc;background:#fff}
.article{border-left:4px solid #1b9e3a;padding:0 1em;overflow-wrap:anywhere}
.article p{margin:.5em 0}
.warnings{color:#a40}
table{border-collapse:collapse;margin:1em;font-size:12px}
td,th{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.text{max-width:40em;overflow-wrap:anywhere}
"""


def _legend(counts: Counter[str]) -> str:
    return "".join(
        f'<span><i style="background:{colour}"></i>{label} ({counts.get(label, 0)})</span>'
        for label, colour in LABEL_COLOURS.items()
    )


def _article_html(article: Article) -> str:
    parts = []
    if article.title:
        parts.append(f"<h2>{html.escape(article.title)}</h2>")
    parts += [f"<p>{html.escape(p)}</p>" for p in article.paragraphs]
    if not article.paragraphs:
        parts.append("<p><em>(no article body extracted)</em></p>")
    if article.warnings:
        parts.append(f'<p class="warnings">warnings: {html.escape(", ".join(article.warnings))}</p>')
    return "\n".join(parts)


def _table(explanations: Sequence[BlockExplanation]) -> str:
    head = "".join(f"<th>p({label})</th>" for label in LABELS)
    rows = []
    for item in explanations:
        colour = LABEL_COLOURS.get(item.label, "#999")
        probs = "".join(f'<td class="num">{item.scores.get(label, 0.0):.2f}</td>'
                        for label in LABELS)
        rows.append(
            f'<tr><td class="num">{item.index}</td>'
            f'<td style="border-left:4px solid {colour}">{item.label}</td>'
            f'<td class="num">{item.score:.2f}</td>{probs}'
            f"<td>{html.escape(item.feature_summary())}</td>"
            f'<td class="text">{html.escape(item.text[:200])}</td></tr>'
        )
    return (f"<table><tr><th>#</th><th>label</th><th>score</th>{head}<th>top features "
            f"(value, effect on score)</th><th>text</th></tr>{''.join(rows)}</table>")


def render_report(page_root: Any, article: Article, explanations: Sequence[BlockExplanation],
                  *, source: str) -> str:
    """The report as one HTML document. ``page_root`` is the segmented page's root
    (``Segmentation.root``, only copied); block paths in ``explanations`` point into it."""
    marks = [
        BlockMark(path=e.path, label=e.label, index=e.index,
                  title=f"{e.label} {e.score:.2f}: {e.feature_summary()}",
                  badge=f"{e.label} {e.score:.2f}")
        for e in explanations
    ]
    page = mark_page(page_root, marks, css=legend_css(badges=True), title=source)
    counts = Counter(e.label for e in explanations)
    model = article.model_version or "unknown model"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_REPORT_CSP}">
<title>explain: {html.escape(source)}</title><style>{_STYLE}</style></head>
<body>
<header><h1>explain: {html.escape(source)}</h1>
<div>model {html.escape(model)} · {len(explanations)} blocks · hover a block for its top features</div>
<div class="legend">{_legend(counts)}</div></header>
<div class="grid">
<section class="page"><iframe sandbox="" title="page" height="{_PAGE_FRAME_HEIGHT_PX}"
 srcdoc="{html.escape(page, quote=True)}"></iframe></section>
<section class="article"><h2>Extracted article</h2>{_article_html(article)}</section>
</div>
<h2 style="margin:0 1em">Blocks</h2>
{_table(explanations)}
</body></html>
"""


def screenshot(report: Path, png: Path, *, browser: str | None = None) -> None:
    """Save a full-page PNG of ``report`` with headless Chromium (the page frame grown to its
    content). Raises RuntimeError when Chromium is missing or fails."""
    executable = browser or chromium_path()
    if executable is None:
        raise RuntimeError(f"no Chromium at {CHROMIUM}; install Debian's chromium for --png")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    timeout_ms = SCREENSHOT_TIMEOUT_S * 1000
    try:
        with sync_playwright() as pw:
            chrome = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS),
                                        timeout=timeout_ms)
            try:
                context = chrome.new_context(
                    viewport={"width": SCREENSHOT_WIDTH_PX, "height": 1000}, bypass_csp=True,
                    offline=True)
                page = context.new_page()
                page.goto(report.resolve().as_uri(), timeout=timeout_ms)
                frame = next((f for f in page.frames if f != page.main_frame), None)
                if frame is not None:
                    height = frame.evaluate(
                        "document.body ? document.body.scrollHeight + 40"
                        " : document.documentElement.scrollHeight")
                    page.evaluate("h => { document.querySelector('iframe').height = h; }",
                                  min(int(height) + 20, SCREENSHOT_MAX_HEIGHT_PX))
                page.screenshot(path=str(png), full_page=True, timeout=timeout_ms)
            finally:
                chrome.close()
    except PlaywrightError as exc:
        raise RuntimeError(f"screenshot failed: {exc}") from exc
