"""Charset precedence the way browsers do it: BOM > HTTP header > <meta> > sniffing.

The pages are built here from our own sentences in each encoding. Where a declaration is wrong
the right text must still come out when the page gives it away (a BOM, bytes the declared
charset cannot decode, valid UTF-8 declared as Latin-1).
"""

from __future__ import annotations

import codecs

import pytest

from classifier import decode_html, extract, segment

SENTENCES = {
    "windows-1252": "Café owners on the quay said “business is back” – coffee costs €3 again.",
    "iso-8859-2": "Zażółć gęślą jaźń: příliš žluťoučký kůň úpěl ďábelské ódy na mostě.",
    "iso-8859-5": "Старый разводной мост через гавань снова открыт после ремонта шестерён.",
    "iso-8859-15": "Le pont rouvre: l'œuvre coûte 5 € et le cœur du port bat à nouveau.",
    "shift_jis": "港の古い旋回橋は、八か月の修理を終えて月曜日に再び開通しました。",
    "gb18030": "港口的旧平旋桥经过八个月的维修后，于星期一重新通车。",
    "koi8-r": "Велосипедисты первыми проехали по мосту, звоня в свои звонки.",
    "utf-8": "Mixed: café, Zażółć, мост, 港の橋, 港口大桥 and an emoji 🚲.",
}
# A second, wrong charset for each (a plausible single-byte mislabel).
WRONG = {
    "windows-1252": "iso-8859-5", "iso-8859-2": "koi8-r", "iso-8859-5": "windows-1252",
    "iso-8859-15": "iso-8859-5", "shift_jis": "koi8-r", "gb18030": "windows-1252",
    "koi8-r": "iso-8859-2", "utf-8": "koi8-r",
}


def page(sentence: str, meta: str | None = None, *, repeat: int = 6) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    paragraphs = "".join(f"<p>{sentence}</p>" for _ in range(repeat))
    return f"<html><head>{head}<title>t</title></head><body>{paragraphs}</body></html>"


def http_equiv_page(sentence: str, charset: str) -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset={charset}"></head><body><p>{sentence}</p></body></html>')


def decoded(data: bytes, header: str | None = None) -> str:
    text, used = decode_html(data, header)
    assert isinstance(used, str)
    return text


CHARSETS = sorted(SENTENCES)


@pytest.mark.parametrize("charset", CHARSETS)
def test_header_and_meta_agree(charset: str) -> None:
    sentence = SENTENCES[charset]
    data = page(sentence, charset).encode(charset)
    assert sentence in decoded(data, charset)


@pytest.mark.parametrize("charset", CHARSETS)
def test_header_only(charset: str) -> None:
    sentence = SENTENCES[charset]
    assert sentence in decoded(page(sentence).encode(charset), charset)


@pytest.mark.parametrize("charset", CHARSETS)
def test_meta_only(charset: str) -> None:
    sentence = SENTENCES[charset]
    assert sentence in decoded(page(sentence, charset).encode(charset))


@pytest.mark.parametrize("charset", CHARSETS)
def test_http_equiv_meta(charset: str) -> None:
    sentence = SENTENCES[charset]
    assert sentence in decoded(http_equiv_page(sentence, charset).encode(charset))


@pytest.mark.parametrize("charset", CHARSETS)
def test_right_header_beats_a_wrong_meta(charset: str) -> None:
    sentence = SENTENCES[charset]
    data = page(sentence, WRONG[charset]).encode(charset)
    assert sentence in decoded(data, charset)


@pytest.mark.parametrize("charset", ["shift_jis", "gb18030", "koi8-r", "iso-8859-5", "utf-8"])
def test_no_declaration_is_sniffed(charset: str) -> None:
    sentence = SENTENCES[charset]
    assert sentence in decoded(page(sentence, repeat=12).encode(charset))


@pytest.mark.parametrize("header", ["koi8-r", "iso-8859-1", "shift_jis", "utf-16"])
def test_utf8_bom_beats_a_wrong_header_and_meta(header: str) -> None:
    sentence = SENTENCES["utf-8"]
    data = codecs.BOM_UTF8 + page(sentence, "windows-1252").encode("utf-8")
    text, used = decode_html(data, header)
    assert sentence in text and used.replace("_", "-").startswith("utf-8")
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("bom_codec", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("header", [None, "iso-8859-1", "utf-8"])
def test_utf16_bom_beats_a_wrong_header(bom_codec: str, header: str | None) -> None:
    sentence = SENTENCES["utf-8"]
    body = page(sentence, "utf-8")
    data = (body.encode("utf-16") if bom_codec == "utf-16"
            else codecs.BOM_UTF16_BE + body.encode("utf-16-be"))
    text, _ = decode_html(data, header)
    assert sentence in text


@pytest.mark.parametrize("charset", ["shift_jis", "gb18030", "koi8-r", "windows-1252"])
def test_header_that_cannot_decode_the_bytes_falls_back_to_meta(charset: str) -> None:
    sentence = SENTENCES[charset]
    data = page(sentence, charset).encode(charset)
    assert sentence in decoded(data, "utf-8")


@pytest.mark.parametrize("header", ["iso-8859-1", "latin-1", "windows-1252", "us-ascii"])
def test_utf8_declared_as_latin1_is_read_as_utf8(header: str) -> None:
    sentence = SENTENCES["utf-8"]
    assert sentence in decoded(page(sentence, header).encode("utf-8"), header)


@pytest.mark.parametrize("label", ["", "utf-7", "x-unknown", "  ", '"koi8-r"', "KOI8-R", "cp-0"])
def test_odd_header_labels_do_not_break_decoding(label: str) -> None:
    sentence = SENTENCES["koi8-r"]
    data = page(sentence, "koi8-r").encode("koi8-r")
    assert sentence in decoded(data, label)


@pytest.mark.parametrize("charset", CHARSETS)
def test_segment_gives_the_text_from_bytes(charset: str) -> None:
    sentence = SENTENCES[charset]
    result = segment(page(sentence, charset).encode(charset), encoding=charset)
    assert sentence in [b.text for b in result.blocks]


@pytest.mark.parametrize("charset", CHARSETS)
def test_extract_gives_the_text_from_bytes(tiny_model, charset: str) -> None:
    sentence = SENTENCES[charset]
    article = extract(page(sentence, WRONG[charset]).encode(charset), encoding=charset,
                      model=tiny_model)
    assert sentence in [b.text for b in article.blocks]


def test_a_wrong_header_that_decodes_wins_like_in_browsers() -> None:
    sentence = SENTENCES["koi8-r"]
    data = page(sentence, "koi8-r").encode("koi8-r")
    text, used = decode_html(data, "windows-1251")
    assert used == "cp1251" and sentence not in text
