"""Segmentation: decoding, block granularity, broken markup, bounded work, caller's tree."""

from __future__ import annotations

import copy

import pytest
from lxml import etree
from lxml import html as lxml_html

from classifier import close_open_title, decode_html, extract, segment
from classifier.constants import (
    MAX_BLOCK_CHARS,
    MAX_BLOCKS,
    MAX_DEPTH,
    MAX_INPUT_BYTES,
    MAX_NODES,
    WARN_BLOCK_CAP,
    WARN_DEPTH_CAP,
    WARN_EMPTY,
    WARN_INPUT_CAP,
    WARN_NODE_CAP,
    WARN_OPEN_TITLE,
    WARN_SELF_CLOSED_HTML,
    WARN_TEXT_CAP,
)
from classifier.segmentation import keep_text_after_end_tags, open_self_closed_html

PAGE = """<html lang="en"><head><title>Page</title><style>p{}</style></head><body>
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul></nav>
<article class="story"><h1>The headline</h1>
<p>First <b>bold</b> paragraph with a <a href="/x">link</a>.</p>
<div class="text">Own text one<br><br>own text two <p>inner</p> after inner</div>
<p hidden>secret</p><p style="display: none">also secret</p>
<script>var x = 1;</script><noscript>enable js</noscript><template><p>tpl</p></template>
<figure><img src="a.jpg"><figcaption>A caption</figcaption></figure></article>
<table><tr><td>cell one</td><th>cell two</th></tr></table>
</body></html>"""


def texts(html, **kw):
    return [b.text for b in segment(html, **kw).blocks]


def test_blocks_in_order_with_inline_merged():
    assert texts(PAGE) == [
        "Home", "World", "The headline", "First bold paragraph with a link.",
        "Own text one", "own text two", "inner", "after inner", "A caption",
        "cell one", "cell two",
    ]


def test_block_facts():
    seg = segment(PAGE)
    home, para = seg.blocks[0], seg.blocks[3]
    assert home.tag == "li" and home.path == "/html/body/nav/ul/li[1]"
    assert home.link_chars == len("Home") and home.n_links == 1
    assert ("nav", ("site", "nav", "site-nav")) in home.ancestors
    assert para.ancestor_tags[:2] == ("article", "body")
    assert 0 < para.link_chars < len(para.text)
    assert [b.index for b in seg.blocks] == list(range(len(seg.blocks)))
    offsets = [b.offset for b in seg.blocks]
    assert offsets == sorted(offsets) and offsets[0] == 0
    tree = seg.root.getroottree()
    assert tree.xpath(para.path)[0] is para.element


def test_skipped_and_hidden_elements():
    joined = " ".join(texts(PAGE))
    for hidden in ("secret", "var x", "enable js", "tpl", "Page"):
        assert hidden not in joined


def test_single_br_joins_double_br_splits():
    assert texts("<div>a<br>b<br><br>c</div>") == ["a b", "c"]


def test_whitespace_normalised():
    assert texts("<p>  a\n\t b\u00a0 c  </p>") == ["a b c"]


def test_broken_markup():
    found = texts("<p>one<p>two<div><li>three</b></i></table>four")
    assert found[:2] == ["one", "two"]
    assert "".join(found[2:]) == "threefour"


@pytest.mark.parametrize("head", [
    "<title>Bridge closure delayed\n<script>var x = 1;</script>",  # never closed
    "<title>Bridge closure delayed</titlevalue='1'>",  # a mangled end tag closes nothing
])
def test_a_title_never_closed_does_not_swallow_the_page(head):
    html = f"<html><head>{head}</head><body><p>The bridge stays shut until June.</p></body></html>"
    seg = segment(html)
    assert [b.text for b in seg.blocks] == ["The bridge stays shut until June."]
    assert WARN_OPEN_TITLE in seg.warnings
    assert extract(html).title == "Bridge closure delayed"
    assert close_open_title(b"<title>A</title><p>b</p>") == (b"<title>A</title><p>b</p>", False)
    assert WARN_OPEN_TITLE not in segment(PAGE).warnings


@pytest.mark.parametrize("html", [
    # a second document pasted after the first (the article in the second)
    "<html><head><title>Weather</title></head><body><p>Sunny, 25 degrees.</p></body></html>"
    "<!DOCTYPE html><html><head><title>T</title></head><body><p>The bridge stays shut until "
    "June.</p></body></html>",
    # a template that closes the page before the story
    "<html><body><p>Sunny, 25 degrees.</p></body></html><p>The bridge stays shut until June.</p>",
    # text after </body>: libxml2 puts it beside the body
    "<html><body><p>Sunny, 25 degrees.</p></body><p>The bridge stays shut until June.</p></html>",
])
def test_text_after_the_end_tags_is_read_as_browsers_read_it(html):
    assert texts(html) == ["Sunny, 25 degrees.", "The bridge stays shut until June."]


def test_usual_ends_are_left_alone():
    for body in (b"<html><body><p>a</p></body></html>\n", b"<p>a</p></BODY>\r\n</HTML>",
                 b"<p>no end tags at all</p>"):
        assert keep_text_after_end_tags(body) == (body, False)
    mended, changed = keep_text_after_end_tags(b"<p>a</p></body></html><script>x</script>")
    assert changed and mended == b"<p>a</p><script>x</script>"


@pytest.mark.parametrize("start", ["<html/>", "<html lang='en' />", "<HTML xmlns:og=\"x\"/>"])
def test_a_self_closed_html_tag_does_not_empty_the_page(start):
    html = (f"<!DOCTYPE html>{start}<head><title>Bridge closure delayed</title></head><body>"
            "<p>The bridge stays shut until June.</p></body></html>")
    seg = segment(html)
    assert [b.text for b in seg.blocks] == ["The bridge stays shut until June."]
    assert WARN_SELF_CLOSED_HTML in seg.warnings
    assert extract(html).title == "Bridge closure delayed"
    assert WARN_SELF_CLOSED_HTML not in segment(PAGE).warnings
    # a slash inside an attribute value is no self-closing
    body = b'<html xmlns="http://www.w3.org/1999/xhtml/"><p>a</p>'
    assert open_self_closed_html(body) == (body, False)


_STREAMED = (
    "<html><head><title>Bridge</title></head><body><header><p>Valdoria Gazette</p></header>"
    "<main><template id=\"B:0\"></template><footer><p>Contact the newsroom</p></footer></main>"
    "<div hidden id=\"S:1\"><p>The council will vote on the repairs in May.</p></div>"
    "<script>$RS(\"S:1\",\"P:1\")</script>"
    "<div hidden id=\"S:0\"><article><h1>Bridge closure delayed</h1><p>The bridge stays shut "
    "until June.</p><template id=\"P:1\"></template></article></div>"
    "<script>$RC(\"B:0\",\"S:0\")</script></body></html>")


def test_react_streamed_segments_are_read_where_their_placeholders_stand():
    # React's streaming rendering sends the article last, hidden, for a script to move it
    assert texts(_STREAMED) == ["Valdoria Gazette", "Bridge closure delayed",
                                "The bridge stays shut until June.",
                                "The council will vote on the repairs in May.",
                                "Contact the newsroom"]
    assert extract(_STREAMED).title == "Bridge closure delayed"


def test_hidden_elements_that_are_no_streamed_segment_stay_hidden():
    html = ("<html><body><p>Shown</p><div hidden id=\"S:0\"><p>Never placed</p></div>"
            "<div hidden id=\"note\"><p>Hidden note</p></div></body></html>")
    assert texts(html) == ["Shown"]
    # a placeholder inside its own segment has nowhere to go
    assert texts("<html><body><p>a</p><div hidden id=\"S:0\"><p>b</p>"
                 "<template id=\"B:0\"></template></div></body></html>") == ["a"]
    root = lxml_html.fromstring(_STREAMED)
    before = etree.tostring(root)
    segment(root)  # a caller's tree is read as it is, never rearranged
    assert etree.tostring(root) == before


def test_text_that_libxml2_keeps_in_head_is_read():
    # an unknown tag in <head> (a broken template) keeps the rest of the page there
    html = ("<html><head><title>T</title><mbox><table><tr><td>The bridge stays shut until "
            "June.</td></tr></table></mbox></head></html>")
    assert texts(html) == ["The bridge stays shut until June."]


def test_callers_tree_unchanged():
    tree = lxml_html.fromstring(PAGE)
    before = etree.tostring(tree)
    snapshot = copy.deepcopy(tree)
    seg = segment(tree)
    assert len(seg.blocks) == 11
    assert etree.tostring(tree) == before == etree.tostring(snapshot)
    assert seg.blocks[0].element.getroottree().getroot() is tree


def test_accepts_element_tree():
    tree = lxml_html.fromstring(PAGE).getroottree()
    assert len(segment(tree).blocks) == 11


@pytest.mark.parametrize("html", ["", b"", "   ", b"\x00\x00", "<html></html>"])
def test_empty_input(html):
    seg = segment(html)
    assert seg.blocks == ()
    assert WARN_EMPTY in seg.warnings


def test_deep_nesting_parsed_bounded():
    html = "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000
    seg = segment(html)
    assert WARN_DEPTH_CAP in seg.warnings


def test_deep_nesting_built_tree_no_recursion():
    root = etree.Element("html")
    node = etree.SubElement(root, "body")
    for _ in range(5_000):
        node = etree.SubElement(node, "div")
    node.text = "too deep"
    seg = segment(root)
    assert WARN_DEPTH_CAP in seg.warnings
    assert all(b.depth <= MAX_DEPTH for b in seg.blocks)


def test_many_siblings_node_cap():
    seg = segment("<body><p>start</p>" + "<i>x</i>" * (MAX_NODES + 10))
    assert WARN_NODE_CAP in seg.warnings
    assert seg.blocks[0].text == "start"


def test_many_blocks_block_cap():
    seg = segment("<body>" + "<p>x</p>" * (MAX_BLOCKS + 10))
    assert WARN_BLOCK_CAP in seg.warnings
    assert len(seg.blocks) == MAX_BLOCKS


def test_huge_text_node_capped():
    seg = segment(b"<p>" + b"word " * (MAX_INPUT_BYTES // 4))
    assert WARN_INPUT_CAP in seg.warnings
    assert WARN_TEXT_CAP in seg.warnings
    assert all(len(b.text) <= MAX_BLOCK_CHARS for b in seg.blocks)


def test_binary_garbage_does_not_raise():
    data = bytes(range(256)) * 50
    seg = segment(data)
    assert isinstance(seg.warnings, tuple)


# --- decoding ------------------------------------------------------------------------------

TEXT = "Café déjà vu — “quoted”"


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-8-sig"])
def test_decode_bom(codec):
    data = TEXT.encode(codec)
    if codec == "utf-8":
        data = b"\xef\xbb\xbf" + data
    text, _ = decode_html(data, "iso-8859-1")
    assert text == TEXT


def test_decode_http_charset_wins_over_meta():
    data = ('<meta charset="utf-8"><p>Привет</p>').encode("koi8-r")
    text, used = decode_html(data, "koi8-r")
    assert "Привет" in text and used == "koi8-r"


def test_decode_meta_charset():
    data = '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>日本語のテキスト</p>'
    text, used = decode_html(data.encode("shift_jis"))
    assert "日本語のテキスト" in text and used == "shift_jis"


def test_decode_latin1_header_on_utf8_bytes():
    text, used = decode_html("<p>Café</p>".encode(), "ISO-8859-1")
    assert "Café" in text and used == "utf-8"


def test_decode_windows_1252_declared_as_latin1():
    text, used = decode_html("<p>“quoted” Café</p>".encode("cp1252"), "iso-8859-1")
    assert "“quoted” Café" in text and used == "cp1252"


def test_decode_wrong_utf8_header_falls_back():
    data = "<meta charset=windows-1252><p>Café</p>".encode("cp1252")
    text, used = decode_html(data, "utf-8")
    assert "Café" in text and used == "cp1252"


def test_decode_sniffs_undeclared():
    data = ("<p>" + "Съешь же ещё этих мягких французских булок. " * 20 + "</p>").encode("cp1251")
    text, _ = decode_html(data)
    assert "французских булок" in text


def test_segment_bytes_uses_header():
    seg = segment("<p>naïve</p>".encode("cp1252"), encoding="windows-1252")
    assert seg.blocks[0].text == "naïve"
    assert seg.encoding == "cp1252"
