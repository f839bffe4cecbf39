"""Segmentation's shortcuts agree with what they stand for: paths from the walk's sibling
counts with libxml2's ``getpath``, the crowded-tag pre-check with the regular expression,
cached class tokens with a fresh split, attribute shortcuts with DTD default attributes."""

from __future__ import annotations

import gc
import random

import pytest
from lxml import etree
from lxml import html as lxml_html

from classifier import segment, thin_crowded_tags
from classifier import segmentation as seg_module
from classifier.constants import MAX_TAG_BYTES, WARN_NODE_CAP

SIBLINGS = """<html><body>
<div class="a"><p>one</p><script>x</script><p>two</p><br><p hidden>h</p><p>three</p>
<span>s</span><p style="display:none">n</p><p>four</p></div>
<div><ul><li>only</li></ul><ul><li>a</li><li>b<ul><li>c</li></ul></li></ul></div>
<section><h2>t</h2><div>x<div>y</div>z</div><svg:g>s</svg:g><Custom-Tag>c</Custom-Tag></section>
<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>
</body></html>"""


def _built_tree() -> etree._Element:
    root = etree.Element("html")
    body = etree.SubElement(root, "body")
    body.append(etree.Comment("c"))
    for name in ("P", "p", "{urn:x}p", "P", "div"):
        etree.SubElement(body, name).text = f"text of {name}"
    etree.SubElement(etree.SubElement(body, "{urn:x}div"), "p").text = "inside namespaced"
    return root


@pytest.mark.parametrize("source", ["parsed", "lxml.html", "built"])
def test_block_paths_are_libxml2_paths(source):
    page = {"parsed": SIBLINGS, "lxml.html": lxml_html.fromstring(SIBLINGS),
            "built": _built_tree()}[source]
    result = segment(page)
    assert result.blocks
    tree = result.root.getroottree()
    for block in result.blocks:
        assert block.path == tree.getpath(block.element)
        if ":" not in block.path and "*" not in block.path:
            assert tree.xpath(block.path)[0] is block.element


def test_paths_when_a_cap_stops_the_walk():
    # "a" is the only <p> the walk sees in its <div>, but not the only one there
    page = ("<body><div><p>a</p><section><p>x</p>" + "<i>y</i>" * seg_module.MAX_NODES
            + "</section><p>c</p></div><p>d</p>")
    result = segment(page)
    assert WARN_NODE_CAP in result.warnings
    tree = result.root.getroottree()
    assert result.blocks[0].text == "a"
    assert all(b.path == tree.getpath(b.element) for b in result.blocks)


def test_ancestors_and_lineage_follow_the_tree():
    result = segment(SIBLINGS)
    body = result.root.find("body")
    for block in result.blocks:
        chain = [block.element.getparent()]
        while chain[-1] is not body:
            chain.append(chain[-1].getparent())
        expected = tuple((seg_module._tag(e), seg_module.class_tokens(e)) for e in chain)
        assert block.ancestors == expected
        assert len(block.lineage) == min(4, len(chain))
        assert block.container == block.lineage[0]


def _crowded_reference(body: bytes) -> tuple[bytes, int]:
    return seg_module._CROWDED_TAG.subn(seg_module._cut_tag, body)


def test_crowded_tag_precheck_agrees_with_the_expression():
    rng = random.Random(11)
    pieces = [b"a", b" ", b"<", b">", b'x="1"', b"<p ", b"\n", b"<1", b"</", b"'"]
    for _ in range(300):
        size = rng.choice([MAX_TAG_BYTES - 1, MAX_TAG_BYTES + 1, 2 * MAX_TAG_BYTES, 40_000])
        body = bytearray()
        while len(body) < size:
            if rng.random() < 0.05:
                body += b"<" + rng.choice([b"p", b"1", b"/", b"div"]) + b"a" * rng.choice(
                    [MAX_TAG_BYTES - 2, MAX_TAG_BYTES - 1, MAX_TAG_BYTES, MAX_TAG_BYTES + 1])
            else:
                body += rng.choice(pieces) * rng.randint(1, 3_000)
        assert thin_crowded_tags(bytes(body)) == _crowded_reference(bytes(body))


@pytest.mark.parametrize("value", [
    "site-header navBar", "HTMLParser x_y--z", "Ünïcode Café straße", "İstanbul KELVIN",
    " ".join(f"w{i}-x" for i in range(40)), "a" * 100 + "B" * 100, "—  __ 123 4a-B5",
])
def test_class_tokens_cached_and_fresh_agree(value):
    element = etree.Element("div", {"class": value, "id": "mainId"})
    first = seg_module.class_tokens(element)
    seg_module._WORD_TOKENS.clear()
    seg_module._VALUE_TOKENS.clear()
    assert seg_module.class_tokens(element) == first
    assert len(first) <= 24
    assert all(t == t.lower() and t.strip("-") == t for t in first)


def test_class_tokens_split_camel_case_and_punctuation():
    element = etree.Element("div", {"class": "storyBody main_col", "role": "Main"})
    assert seg_module.class_tokens(element) == (
        "story", "body", "story-body", "main", "col", "main-col", "main")


def test_dtd_default_attributes_are_seen_in_a_callers_tree():
    tree = etree.XML('<!DOCTYPE html [<!ATTLIST div class CDATA "fromDtd">]>'
                     "<html><body><div>text</div></body></html>")
    block, = segment(tree).blocks
    assert block.tokens == ("from", "dtd", "from-dtd")


def test_the_walk_leaves_no_reference_cycles():
    # a cycle through a frame would keep the page's tree alive until the cyclic collector runs
    gc.collect()
    gc.disable()
    try:
        for _ in range(20):
            segment(SIBLINGS)
        assert gc.collect() == 0
    finally:
        gc.enable()
