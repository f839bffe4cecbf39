"""A tiny trained block model, so hardening tests never depend on the shipped model file."""

from __future__ import annotations

from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from classifier.features import page_features
from classifier.model import BlockModel, save_model
from classifier.segmentation import segment
from tests.hardening.pathological import SAMPLE_PAGE

# One page at a time needs no OpenMP team; on a busy machine its spinning threads make each
# prediction 10-50x slower.
threadpool_limits(limits=1)


def _labels_for(blocks) -> list[str]:
    labels = []
    for block in blocks:
        text = block.text.lower()
        if "advertisement" in text:
            labels.append("ad")
        elif "subscribe" in text:
            labels.append("paywall")
        elif block.tag in ("p", "h1"):
            labels.append("content")
        else:
            labels.append("navigation")
    return labels


@pytest.fixture(scope="session")
def tiny_model() -> BlockModel:
    seg = segment(SAMPLE_PAGE)
    features = page_features(seg)
    labels = _labels_for(seg.blocks)
    assert {"content", "navigation", "ad", "paywall"} <= set(labels)
    return BlockModel(max_iter=3, second_stage=False, min_samples_leaf=1).fit(
        [features, features], [labels, labels])


@pytest.fixture(scope="session")
def tiny_model_file(tiny_model: BlockModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_model(tiny_model, tmp_path_factory.mktemp("model") / "tiny.skops",
                      {"training_data": "tests/hardening SAMPLE_PAGE"})
