"""A tiny trained model shared by the classifier tests (trained once per session, fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier import BlockModel, save_model
from classifier.features import page_features
from classifier.segmentation import segment

_CHROME = """<header class="site-header"><nav class="menu"><ul><li><a href="/">Home</a></li>
<li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>"""
_AD = '<div class="ad-slot"><p>Advertisement</p><p>Story continues below this ad</p></div>'
_WALL = """<div class="paywall-offer"><p>You have reached your limit of free articles.</p>
<p>Subscribe now for $4.99 per month. Cancel any time.</p></div>"""
_FOOTER = """<footer class="site-footer"><ul><li><a href="/about">About us</a></li>
<li><a href="/privacy">Privacy</a></li></ul><p>© 2026 The Test Gazette</p></footer>"""


def training_page(n: int) -> tuple[str, list[str]]:
    """A synthetic page and its block labels (content, navigation, ad, paywall)."""
    paragraphs = [
        f"Paragraph {i} of story {n}: the council met on Tuesday and agreed, after a long "
        f"debate, that the harbour wall would be repaired before the winter storms arrive."
        for i in range(4)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f"<html><body>{_CHROME}<article class=\"story\"><h1>Harbour repairs {n}</h1>"
            f"{body[:len(body) // 2]}{_AD}{body[len(body) // 2:]}</article>{_WALL}{_FOOTER}"
            "</body></html>")
    labels = []
    for block in segment(html).blocks:
        text = block.text
        if text.startswith(("Harbour", "Paragraph")):
            labels.append("content")
        elif "Advert" in text or "continues below" in text:
            labels.append("ad")
        elif "free articles" in text or "Subscribe" in text:
            labels.append("paywall")
        else:
            labels.append("navigation")
    return html, labels


@pytest.fixture(scope="session")
def tiny_model() -> BlockModel:
    pages, labels = [], []
    for n in range(12):
        html, page_labels = training_page(n)
        pages.append(page_features(segment(html)))
        labels.append(page_labels)
    params = {"max_iter": 15, "min_samples_leaf": 2, "n_folds": 2, "navigation_sample": 1.0}
    return BlockModel(**params).fit(pages, labels, groups=[str(n % 3) for n in range(12)])


@pytest.fixture()
def saved_model(tiny_model: BlockModel, tmp_path: Path) -> Path:
    return save_model(tiny_model, tmp_path / "m.skops", {"note": "test"})
