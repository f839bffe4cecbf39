"""extract(): end to end with a small model, and never raising on garbage."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier import Article, extract
from classifier.constants import WARN_EMPTY, WARN_MODEL_ERROR
from classifier.types import LabelledBlock, new_labelled_block
from tests.classifier.conftest import training_page


def test_extract_labels_and_body(tiny_model):
    html, labels = training_page(77)
    article = extract(html, "https://gazette.test/a", model=tiny_model)
    assert article.title == "Harbour repairs 77"
    assert [b.label for b in article.blocks] == labels
    paragraphs = article.paragraphs
    assert len(paragraphs) == 4 and all(p.startswith("Paragraph") for p in paragraphs)
    assert "Advertisement" not in article.body and "Subscribe" not in article.body
    assert article.url == "https://gazette.test/a"
    assert article.paywall_blocks and article.blocks_labelled("ad")


def test_extract_bytes_with_header_charset(tiny_model):
    html, _ = training_page(5)
    html = html.replace("the council", "le conseil élu")
    article = extract(html.encode("cp1252"), model=tiny_model, encoding="windows-1252")
    assert "le conseil élu" in article.body


def test_title_from_meta_when_no_headline(tiny_model):
    html = ('<html lang="de-DE"><head><meta property="og:site_name" content="Gazette">'
            "<title>Flood warning lifted | Gazette</title></head><body><p>x</p></body></html>")
    article = extract(html, model=tiny_model)
    assert article.title == "Flood warning lifted"
    assert article.language == "de-DE"


@pytest.mark.parametrize("garbage", [
    "", b"", b"\x00" * 100, bytes(range(256)) * 20, "<<<>>>", "<html><body></body></html>",
    b"\xff\xfe" + "<p>utf-16 page</p>".encode("utf-16-le"), "<p>" * 50_000,
    "<div>" * 100_000, None, 12345,
])
def test_never_raises(garbage, tiny_model):
    article = extract(garbage, model=tiny_model)
    assert isinstance(article, Article)
    if not article.body:
        assert article.warnings or article.blocks


def test_empty_page_warns(tiny_model):
    assert WARN_EMPTY in extract("", model=tiny_model).warnings


def test_missing_default_model_is_a_warning(monkeypatch, tmp_path):
    import classifier.extraction as extraction

    monkeypatch.setenv("NEWSCRAWL_MODEL", str(tmp_path / "missing.skops"))
    monkeypatch.setattr(extraction, "_model_failure", [])
    article = extract("<p>some text here</p>")
    assert article.body == ""
    assert any(w.startswith(WARN_MODEL_ERROR) for w in article.warnings)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        op = rng.random()
        pos = rng.randrange(len(buf) + 1)
        if op < 0.4 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op < 0.7:
            buf[pos:pos] = rng.choice([b"<", b">", b"</div>", b"<p>", b"\x00", b"&#", b"<!--"])
        else:
            del buf[pos:pos + rng.randint(1, 50)]
    return bytes(buf)


def test_seeded_mutations_never_raise(tiny_model):
    rng = random.Random(0)
    base = training_page(3)[0].encode()
    for _ in range(60):
        assert isinstance(extract(_mutate(base, rng), model=tiny_model), Article)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_property_never_raises(tiny_model, data):
    article = extract(data, model=tiny_model)
    assert isinstance(article.body, str)


def test_comment_thread_is_never_body(tiny_model):
    html, _ = training_page(8)
    comment = ("<section id=\"comments\" class=\"comments-area\"><ol class=\"comment-list\"><li>"
               "<p>Paragraph 9 of story 8: the council met on Tuesday and agreed, after a long "
               "debate, that the harbour wall would be repaired.</p></li></ol></section>")
    html = html.replace("</article>", "</article>" + comment)
    article = extract(html, model=tiny_model)
    assert "Paragraph 9" not in article.body
    assert "Paragraph 0" in article.body
    body_class = extract(html.replace("<body>", '<body class="single comments-open">')
                         .replace(comment, ""), model=tiny_model)
    assert "Paragraph 0" in body_class.body


def test_labelled_blocks_made_fast_are_the_dataclass_own():
    """label_blocks makes its blocks without the dataclass's __init__: the same values, as
    frozen and equal as ever."""
    fields = ("Text", "content", 0.75, "/html/body/p", "p", {"content": 0.75})
    fast, plain = new_labelled_block(*fields), LabelledBlock(*fields)
    assert fast == plain and repr(fast) == repr(plain) and type(fast) is LabelledBlock
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.label = "ad"  # type: ignore[misc]
    assert dataclasses.replace(fast, label="ad").label == "ad"
