"""The extraction worker's one shared parse gives what the classifier's own parse gives."""

from __future__ import annotations

import lxml.html
import pytest

import classifier
from classifier import BlockModel, Segmentation, page_features, segment
from classifier.constants import MAX_INPUT_BYTES
from crawler.metadata import extract_metadata
from crawler.pagetree import parse_page
from tests.hardening.pathological import PATHOLOGICAL, SAMPLE_PAGE

URL = "https://n.example/news/harbour-bridge-reopens-after-repairs"

META_PAGE = """<html lang="en-GB"><head><title>Title tag</title>
<meta property="og:title" content="OG title"><meta property="og:type" content="article">
<meta property="article:tag" content="harbour"><meta property="article:tag" content="bridge">
<meta name="description" content="Meta description."><link rel="canonical" href="/news/a">
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-01T10:00:00Z",
"isAccessibleForFree": false}</script></head>
<body><article itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">Microdata headline</h1>
<span itemprop="author" itemscope itemtype="https://schema.org/Person">
<span itemprop="name">Ada Writer<script>var x = 1;</script></span></span>
<p>The old swing bridge over the harbour opened to traffic again on Monday.</p>
</article><div class="paywall">Subscribe to keep reading.</div></body></html>"""


def _labels(seg: Segmentation) -> list[str]:
    def label(block: classifier.Block) -> str:
        if "ad" in block.tokens or "Advertisement" in block.text:
            return classifier.AD
        if "paywall" in block.tokens:
            return classifier.PAYWALL
        if "article" in block.path:
            return classifier.CONTENT
        return classifier.NAVIGATION
    return [label(b) for b in seg.blocks]


@pytest.fixture(scope="module")
def model() -> BlockModel:
    seg = segment(SAMPLE_PAGE)
    labels = _labels(seg)
    assert set(labels) == set(classifier.LABELS)
    features = page_features(seg)
    return BlockModel(max_iter=3, second_stage=False, min_samples_leaf=1).fit(
        [features, features], [labels, labels])


PAGES = {
    "sample": (SAMPLE_PAGE.encode(), None),
    "meta-page": (META_PAGE.encode(), "utf-8"),
    "cp1252-by-header": (SAMPLE_PAGE.replace('<meta charset="utf-8">', "").encode("cp1252"),
                         "windows-1252"),
    "wrong-header-charset": (SAMPLE_PAGE.encode(), "iso-8859-1"),
    **{name: (PATHOLOGICAL[name][0](), None) for name in (
        "nul-laden", "utf16-bom", "utf16-no-bom", "many-attributes-10k", "attributes-1MB",
        "misdeclared-utf16-meta", "misdeclared-bogus-charset", "unclosed-tags", "br-storm")},
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_extract_on_the_shared_tree_equals_extract_on_bytes(name: str, model: BlockModel) -> None:
    body, charset = PAGES[name]
    tree = parse_page(body, charset)
    assert tree is not None
    on_tree = classifier.extract(tree, URL, model=model)
    on_bytes = classifier.extract(body, URL, model=model, encoding=charset)
    assert on_tree.body == on_bytes.body and on_tree.title == on_bytes.title
    assert on_tree.language == on_bytes.language
    assert [(b.text, b.label, b.path) for b in on_tree.blocks] == [
        (b.text, b.label, b.path) for b in on_bytes.blocks]


def test_metadata_on_the_shared_tree_equals_metadata_on_an_lxml_html_tree() -> None:
    # extruct needs lxml.html elements: OpenGraph reads .head, the microdata cleaner drop_tree()
    shared = parse_page(META_PAGE.encode(), "utf-8")
    assert isinstance(shared, lxml.html.HtmlElement)
    on_shared = extract_metadata(shared, URL, body_text="The old swing bridge over the harbour.")
    on_html = extract_metadata(lxml.html.document_fromstring(META_PAGE), URL,
                               body_text="The old swing bridge over the harbour.")
    assert on_shared == on_html
    assert on_shared["og_type"] == "article" and on_shared["keywords"] == ["harbour", "bridge"]
    assert on_shared["authors"] == ["Ada Writer"] and on_shared["jsonld"]["isAccessibleForFree"] is False


@pytest.mark.parametrize("body", [b"", b" \n\t " * 50, b"\x00" * 1000])
def test_nothing_to_parse_gives_no_tree(body: bytes) -> None:
    assert parse_page(body) is None


def test_the_input_cap_applies() -> None:
    body = b"<html><body><p>" + b"word " * (MAX_INPUT_BYTES // 5 + 1000) + b"</p></body></html>"
    tree = parse_page(body)
    assert tree is not None
    assert len("".join(tree.itertext())) <= MAX_INPUT_BYTES
