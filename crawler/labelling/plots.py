"""PNG figures for ``scrapy evaluate``: confusion matrices, precision-recall curves, F1 bars.

matplotlib runs headless (Agg backend); every function writes one file and returns its path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from classifier import LABELS
from crawler.constants import PR_CURVE_MAX_POINTS
from crawler.labelling.annotate import LABEL_COLOURS

__all__ = ["plot_confusion", "plot_f1_bars", "plot_pr_curves", "pr_curves"]


def plot_confusion(confusion: Mapping[str, Mapping[str, int]], title: str, path: Path) -> Path:
    """Rows gold, columns predicted; cells show counts, colour shows the row share."""
    counts = np.array([[confusion[g][p] for p in LABELS] for g in LABELS], dtype=float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(LABELS)):
        for j in range(len(LABELS)):
            ax.text(j, i, str(int(counts[i, j])), ha="center", va="center",
                    color="white" if shares[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=30)
    ax.set_yticks(range(len(LABELS)), LABELS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pr_curves(gold: Sequence[str], probs: Sequence[Sequence[float]]) -> dict[str, Any]:
    """Per class (one vs rest): subsampled precision / recall points and average precision."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y = np.array(gold)
    scores = np.asarray(probs, dtype=float).reshape(len(gold), len(LABELS))
    out: dict[str, Any] = {}
    for k, label in enumerate(LABELS):
        truth = y == label
        if not truth.any() or truth.all():
            out[label] = None  # undefined without both positives and negatives
            continue
        precision, recall, _ = precision_recall_curve(truth, scores[:, k])
        step = max(1, len(precision) // PR_CURVE_MAX_POINTS)
        keep = np.unique(np.r_[np.arange(0, len(precision), step), len(precision) - 1])
        out[label] = {"precision": precision[keep].round(4).tolist(),
                      "recall": recall[keep].round(4).tolist(),
                      "average_precision": round(float(average_precision_score(truth,
                                                                               scores[:, k])), 4)}
    return out


def plot_pr_curves(curves_by_model: Mapping[str, Mapping[str, Any]], title: str,
                   path: Path) -> Path:
    """One panel per class; one line per model (first dashed, second solid)."""
    fig, axes = plt.subplots(2, 2, figsize=(8, 7), sharex=True, sharey=True)
    styles = ["--", "-", ":", "-."]
    for ax, label in zip(axes.flat, LABELS, strict=True):
        for n, (model, curves) in enumerate(curves_by_model.items()):
            curve = curves.get(label)
            if not curve:
                continue
            ax.step(curve["recall"], curve["precision"], where="post",
                    linestyle=styles[n % len(styles)], color=LABEL_COLOURS[label],
                    alpha=1.0 if n else 0.7,
                    label=f"{model} (AP {curve['average_precision']:.3f})")
        ax.set_title(label)
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    for ax in axes[1]:
        ax.set_xlabel("recall")
    for ax in axes[:, 0]:
        ax.set_ylabel("precision")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_f1_bars(f1_by_model: Mapping[str, Mapping[str, float | None]], title: str,
                 path: Path) -> Path:
    """Grouped bars: one group per class or template, one bar per model."""
    groups = list(next(iter(f1_by_model.values())))
    width = 0.8 / max(1, len(f1_by_model))
    fig, ax = plt.subplots(figsize=(max(5.0, 0.9 * len(groups) + 2), 3.8))
    for n, (model, values) in enumerate(f1_by_model.items()):
        xs = np.arange(len(groups)) + n * width
        ax.bar(xs, [values.get(g) or 0.0 for g in groups], width, label=model)
    ax.set_xticks(np.arange(len(groups)) + width * (len(f1_by_model) - 1) / 2, groups,
                  rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
