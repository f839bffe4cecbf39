"""Block classifier: split a news page into blocks, label each one content / navigation /
ad / paywall, and assemble the clean article.

This package never imports Scrapy. The crawler uses only the names in ``__all__``.
"""

from classifier.evaluation import block_scores, corpus_scores, evaluate, shingle_scores
from classifier.extraction import extract
from classifier.features import feature_names, page_features
from classifier.fixtures import LabelledPage, read_fixture, write_fixture
from classifier.model import BlockModel, ModelError, default_model, load_model, save_model
from classifier.segmentation import (
    Block,
    Segmentation,
    close_open_title,
    decode_html,
    parse_html,
    repair_markup,
    segment,
    thin_crowded_tags,
)
from classifier.training import train
from classifier.types import AD, CONTENT, LABELS, NAVIGATION, PAYWALL, Article, LabelledBlock
from classifier.weak_labels import (
    EasyList,
    WeakLabelledPage,
    WeakLabelStats,
    load_easylist,
    weak_label_corpus,
    weak_label_page,
)

__all__ = [
    "AD",
    "CONTENT",
    "LABELS",
    "NAVIGATION",
    "PAYWALL",
    "Article",
    "Block",
    "BlockModel",
    "EasyList",
    "LabelledBlock",
    "LabelledPage",
    "ModelError",
    "Segmentation",
    "WeakLabelStats",
    "WeakLabelledPage",
    "block_scores",
    "close_open_title",
    "corpus_scores",
    "decode_html",
    "default_model",
    "evaluate",
    "extract",
    "feature_names",
    "load_easylist",
    "load_model",
    "page_features",
    "parse_html",
    "read_fixture",
    "repair_markup",
    "save_model",
    "segment",
    "shingle_scores",
    "thin_crowded_tags",
    "train",
    "weak_label_corpus",
    "weak_label_page",
    "write_fixture",
]
