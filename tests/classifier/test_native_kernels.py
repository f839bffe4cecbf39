"""The C kernels (``classifier/_walk.pyx``, ``classifier/_trees.pyx``) give exactly what the
pure-Python segmentation walk and the numpy tree walk give, which remain the fallback."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree, html
from sklearn.ensemble import HistGradientBoostingClassifier

from classifier import model as model_module
from classifier import segmentation
from classifier.model import TreeEnsemble
from classifier.segmentation import parse_html, walk_blocks
from crawler.demo.site import DemoSite
from tests.hardening.pathological import PATHOLOGICAL, SAMPLE_PAGE
from tests.hardening.test_fuzz_segmentation import html_documents

REPO = Path(__file__).resolve().parents[2]
PURE_PYTHON = os.environ.get("NEWSCRAWL_PURE_PYTHON") == "1"
needs_kernels = pytest.mark.skipif(segmentation._c_walk is None or model_module._c_trees is None,
                                   reason="C kernels not built")
#: Pathological pages too slow for the Python walk twice over in a unit test.
SLOW = frozenset({"siblings-100k-p", "siblings-100k-li", "siblings-100k-span", "br-storm",
                  "text-node-10MB"})


def test_kernels_are_built():
    """The install builds them (setup.py); NEWSCRAWL_PURE_PYTHON=1 switches them off."""
    if PURE_PYTHON:
        pytest.skip("NEWSCRAWL_PURE_PYTHON=1: the fallback code is under test")
    assert segmentation._c_walk is not None, "classifier._walk was not built"
    assert model_module._c_trees is not None, "classifier._trees was not built"


def _facts(block: segmentation.Block) -> tuple[object, ...]:
    return (block.index, block.text, block.tag, block.path, block.element, block.depth,
            block.tokens, block.ancestors, block.link_chars, block.n_links, block.n_images,
            block.n_inline, block.offset, block.container, block.lineage, block.partial)


def assert_same_walk(start: object, *, parsed_here: bool) -> None:
    python_blocks, python_warnings = walk_blocks(start, parsed_here=parsed_here, compiled=False)
    c_blocks, c_warnings = walk_blocks(start, parsed_here=parsed_here)
    assert c_warnings == python_warnings
    assert [_facts(b) for b in c_blocks] == [_facts(b) for b in python_blocks]


def _body_of(page: bytes | str) -> object:
    root, _, _ = parse_html(page)
    assert root is not None
    return segmentation._body(root)


def _fixture_pages() -> list[Path]:
    return sorted((REPO / "fixtures").glob("*/*.html"))


@needs_kernels
@pytest.mark.parametrize("path", _fixture_pages(), ids=lambda p: f"{p.parent.name}/{p.stem[:20]}")
def test_same_blocks_on_fixtures(path: Path):
    assert_same_walk(_body_of(path.read_bytes()), parsed_here=True)


@needs_kernels
def test_same_blocks_on_demo_pages():
    site = DemoSite(articles=12)
    base = "http://demo.test"
    paths = ["/"] + [entry["url_path"] for entry in site.manifest(base)]
    for path in paths:
        response = site.handle(path, base)
        if response.content_type.startswith("text/html"):
            assert_same_walk(_body_of(response.body), parsed_here=True)


@needs_kernels
@pytest.mark.parametrize("name", sorted(set(PATHOLOGICAL) - SLOW))
def test_same_blocks_on_pathological_pages(name: str):
    root, _, _ = parse_html(PATHOLOGICAL[name][0]())
    if root is not None:
        assert_same_walk(segmentation._body(root), parsed_here=True)


@needs_kernels
def test_same_blocks_when_a_cap_stops_the_walk():
    blocks = "<body>" + "<p>x</p>" * 2_100  # past MAX_BLOCKS: paths come from libxml2
    assert_same_walk(_body_of(blocks), parsed_here=True)
    nodes = "<body><p>start</p>" + "<i>x</i>" * 60_010  # past MAX_NODES
    assert_same_walk(_body_of(nodes), parsed_here=True)


@needs_kernels
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_documents)
def test_same_blocks_on_generated_pages(document: str):
    assert_same_walk(_body_of(document), parsed_here=True)
    # a caller's lxml.html tree, read through element proxies of another class
    assert_same_walk(html.fromstring(document), parsed_here=False)


@needs_kernels
def test_same_blocks_on_built_trees_with_comments_entities_and_namespaces():
    root = etree.Element("html")
    body = etree.SubElement(root, "body")
    article = etree.SubElement(body, "article", {"class": "story main", "id": "x1"})
    article.text = "Lead text "
    article.append(etree.Comment("a comment"))
    article[-1].tail = " after the comment "
    article.append(etree.Entity("nbsp"))
    article[-1].tail = " after the entity"
    article.append(etree.ProcessingInstruction("pi", "data"))
    article[-1].tail = "after the PI"
    p = etree.SubElement(article, "{http://example.com/ns}p", {"{http://example.com/ns}a": "1"})
    p.text = "namespaced paragraph"
    for tag in ("p", "p", "div"):
        etree.SubElement(article, tag).text = f"a {tag}"
    link = etree.SubElement(etree.SubElement(body, "p"), "a", href="/x")
    link.text, link.tail = "a link", " and its tail"
    etree.SubElement(body, "p", hidden="").text = "hidden"
    etree.SubElement(body, "p", style="display:none").text = "hidden too"
    assert_same_walk(body, parsed_here=False)
    assert_same_walk(root, parsed_here=False)
    assert_same_walk(article[0], parsed_here=False)  # a comment as the start


def test_dtd_attribute_defaults_use_the_python_walk():
    """Default attributes declared in a DTD are seen by ``get`` only: not the C walk's case."""
    xml = (b'<!DOCTYPE html [<!ATTLIST p class CDATA "ad-slot">]>'
           b"<html><body><p>Advertisement</p><p class='story'>Text</p></body></html>")
    root = etree.fromstring(xml, etree.XMLParser(attribute_defaults=True))
    if segmentation._c_walk is not None:
        assert not segmentation._c_walk.usable(root)
    blocks, _ = walk_blocks(root.find("body"))
    assert [b.tokens for b in blocks] == [("ad", "slot", "ad-slot"), ("story",)]


# --- trees ------------------------------------------------------------------------------------

def _booster(n_classes: int, seed: int = 0) -> tuple[HistGradientBoostingClassifier, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(600, 12))
    X[rng.random(X.shape) < 0.05] = np.nan  # missing values go where each split sends them
    # rows with and without a missing value take different walks in C
    assert 0 < np.isnan(X).any(axis=1).sum() < X.shape[0]
    y = (X[:, 0] > 0).astype(int) + (np.nan_to_num(X[:, 1]) > 0.5).astype(int)
    y = np.minimum(y, n_classes - 1)
    booster = HistGradientBoostingClassifier(max_iter=15, max_depth=6, random_state=seed)
    return booster.fit(X, y), X


@needs_kernels
@pytest.mark.parametrize("n_classes", [2, 3])
def test_trees_give_scikit_learns_scores_exactly(n_classes: int):
    """Summed in scikit-learn's order: the same raw scores to the last bit."""
    booster, X = _booster(n_classes)
    forest = TreeEnsemble(booster)
    expected = booster.decision_function(X).reshape(X.shape[0], -1)
    assert np.array_equal(forest.raw_predict(X), expected)
    assert np.allclose(forest.predict_proba(X), booster.predict_proba(X), rtol=0, atol=1e-15)


@needs_kernels
@pytest.mark.parametrize("n_classes", [2, 3])
def test_trees_agree_with_the_numpy_walk(n_classes: int, monkeypatch: pytest.MonkeyPatch):
    booster, X = _booster(n_classes, seed=1)
    forest = TreeEnsemble(booster)
    compiled = forest.raw_predict(X)
    monkeypatch.setattr(model_module, "_c_trees", None)
    assert np.allclose(forest.raw_predict(X), compiled, rtol=0, atol=1e-12)


@needs_kernels
def test_trees_of_unequal_depth_walked_side_by_side_give_exact_scores():
    """Eight trees are walked together for as many steps as the deepest needs: a shallower
    tree must idle at its leaf, and the trees past the last group of eight still count."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 6))
    y = (X[:, 0] + 0.3 * rng.normal(size=300) > 0).astype(int)
    booster = HistGradientBoostingClassifier(max_iter=21, max_leaf_nodes=None, max_depth=None,
                                             min_samples_leaf=5, random_state=0).fit(X, y)
    forest = TreeEnsemble(booster)
    steps = forest._layout().steps
    assert steps.shape[0] % 8 and len(set(steps.tolist())) > 2
    assert np.array_equal(forest.raw_predict(X), booster.decision_function(X)[:, None])


@needs_kernels
def test_trees_refuse_too_few_features():
    booster, X = _booster(3)
    with pytest.raises(ValueError, match="features"):
        TreeEnsemble(booster).raw_predict(X[:, :5])


@needs_kernels
def test_sample_page_same_article_either_way(monkeypatch: pytest.MonkeyPatch):
    from classifier import extract

    compiled = extract(SAMPLE_PAGE)
    monkeypatch.setattr(segmentation, "_c_walk", None)
    monkeypatch.setattr(model_module, "_c_trees", None)
    fallback = extract(SAMPLE_PAGE)
    assert compiled.body == fallback.body and compiled.title == fallback.title
    assert [(b.text, b.label) for b in compiled.blocks] == [(b.text, b.label)
                                                             for b in fallback.blocks]
    assert np.allclose([b.score for b in compiled.blocks], [b.score for b in fallback.blocks])


def _python_page_facts(root: object, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(segmentation, "_c_walk", None)
        return segmentation.page_facts(root)


@needs_kernels
def test_same_page_facts(monkeypatch: pytest.MonkeyPatch):
    pages = [path.read_bytes() for path in _fixture_pages()] + [
        SAMPLE_PAGE.encode(),
        b"<html><head><title>First</title><title>Second</title>"
        b'<meta property="og:title" content="OG one"><meta property="og:title">'
        b'<meta property="og:site_name" content="Site"><meta http-equiv="Content-Language">'
        b'<meta http-equiv="content-language" content="de">'
        b'<script type="application/ld+json">{"a": 1}</script><script>var x;</script></head>'
        b'<body><svg><title>icon</title></svg><script type="application/ld+json"></script>'
        b"<p>&amp; text</p></body></html>",
        b"<p>no head at all</p>"]
    for page in pages:
        root, _, _ = parse_html(page)
        assert segmentation.page_facts(root) == _python_page_facts(root, monkeypatch)
    built = etree.fromstring('<html xmlns:x="urn:x"><x:title>ns</x:title><head><!--c-->'
                             "<title>t<b>bold</b>tail</title></head></html>")
    assert segmentation.page_facts(built) == _python_page_facts(built, monkeypatch)
    assert segmentation.page_facts(built) == ("t", [], [], None, [])


def test_load_kernel_falls_back(monkeypatch: pytest.MonkeyPatch):
    from classifier import kernels

    assert kernels.load_kernel("_no_such_kernel") is None  # not built
    monkeypatch.setenv(kernels.PURE_PYTHON_ENV_VAR, "1")
    assert kernels.load_kernel("types") is None  # switched off, whatever is built
    monkeypatch.delenv(kernels.PURE_PYTHON_ENV_VAR)

    def built_for_other_binaries(name: str) -> object:
        raise ValueError("numpy.dtype size changed, may indicate binary incompatibility")

    monkeypatch.setattr(kernels.importlib, "import_module", built_for_other_binaries)
    with pytest.warns(RuntimeWarning, match="cannot be used"):
        assert kernels.load_kernel("_trees") is None
