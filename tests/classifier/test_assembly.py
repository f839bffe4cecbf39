"""assemble(): the rules that turn labelled blocks into the article (no model needed: the
tests give every block its probability of ``content`` by hand)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.constants import (
    BODY_LIST_INTRO_MIN_WORDS,
    COMMENTS_CUT_MIN_CHARS,
    COMMENTS_HEADED_CUT_MIN_CHARS,
    CONTENT_THRESHOLD,
    FALLBACK_PROSE_MIN_CHARS,
    FALLBACK_REGION_MIN_SCORE,
    FALLBACK_SHORT_BODY_CHARS,
    FALLBACK_SHORT_BODY_RATIO,
    FURNITURE_MAX_WORDS,
    LIST_MAJORITY_MAX_CONTENT_SHARE,
    LIST_MAJORITY_MIN_ITEMS,
    OUTSIDE_REGION_SCORE,
    PARALLEL_PASSES,
    PARALLEL_PATH_MIN_CHARS,
    REGION_MIN_CHARS,
    REGION_RUN_MIN_CHARS,
    SECTION_H1_MIN,
    SLIDESHOW_MIN_ARTICLE_CHARS,
    SPLIT_BODY_GAP_CHARS,
    SUBHEAD_LINKED_NEIGHBOUR_MIN_CHARS,
    SUBHEAD_MAX_WORDS,
    TEASER_LABEL_MAX_WORDS,
)
from classifier.cues import (
    _RIGHTS_NOTICE,
    _may_hold_rights_notice,
    ends_with_photo_credit,
    in_bio_box,
    in_consent_dialog,
    in_sidebar,
    in_social_embed,
    in_story_insert,
    is_ad_label,
    is_affiliate_disclosure,
    is_body_marked,
    is_caption,
    is_comments_heading,
    is_form_control,
    is_inset,
    is_link_menu,
    is_metadata_line,
    is_related_link,
    is_related_module_heading,
    is_site_furniture,
    is_truncation_notice,
    looks_like_code,
    looks_like_data,
    marked_never_article,
    marked_not_content,
)
from classifier.extraction import assemble, main_region
from classifier.segmentation import Segmentation, segment
from classifier.types import AD, CONTENT, LABELS, NAVIGATION, PAYWALL, Article, LabelledBlock

PARAGRAPHS = [
    "The closure of the old toll bridge at Felbridge has been put back to June, the county "
    "council said on Tuesday, after engineers found more corrosion than expected.",
    "On 9 June 2026 the council will vote on a second plan that keeps one lane open for buses "
    "and bicycles while the deck is replaced.",
    "By the end of the year, officials hope, the bridge will carry traffic in both directions "
    "again, although the weight limit is likely to stay.",
    "Shopkeepers on Quay Street say the closure has already cost them customers, and want the "
    "council to pay for signs pointing drivers to the town centre car parks.",
]


def _page(article: str, aside: str = "", after: str = "") -> str:
    return ("<html><body><nav class='menu'><ul><li><a href='/'>Home</a></li>"
            "<li><a href='/news'>News</a></li></ul></nav>"
            f"<div class='main'><article class='story'>{article}</article>{after}</div>"
            f"<aside class='sidebar'>{aside}</aside></body></html>")


def _story(extra_head: str = "", extra_body: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<header><h1>Bridge closure delayed</h1>{extra_head}</header>"
            f"<div class='body'>{body}{extra_body}</div>")


def _story_opening_with(html: str) -> str:
    """``_story()`` with ``html`` set in before its first paragraph."""
    return _story().replace("<div class='body'>", f"<div class='body'>{html}")


def _assemble(html: str, scores: dict[str, float], default: float = 0.99) -> Article:
    """Label every block as the model would: content from CONTENT_THRESHOLD; ``scores`` maps
    a text prefix to its probability of content, other blocks of the article get ``default``
    and blocks of the menu 0.01."""
    seg, labelled = _label(html, scores, default)
    return assemble(seg, labelled)


def _labels(article: Article) -> dict[str, str]:
    """Each block's text and its label."""
    return {b.text: b.label for b in article.blocks}


def _label(html: str, scores: dict[str, float],
           default: float = 0.99) -> tuple[Segmentation, list[LabelledBlock]]:
    seg = segment(html)
    labelled = []
    for block in seg.blocks:
        p = next((v for k, v in scores.items() if block.text.startswith(k)), None)
        if p is None:
            p = 0.01 if block.text in ("Home", "News") else default
        label = CONTENT if p >= CONTENT_THRESHOLD else NAVIGATION
        probs = {name: (p if name == CONTENT else (1 - p) / (len(LABELS) - 1)) for name in LABELS}
        labelled.append(LabelledBlock(text=block.text, label=label, score=probs[label],
                                      path=block.path, tag=block.tag, scores=probs))
    return seg, labelled


def test_byline_and_dateline_leave_the_body_but_stay_content():
    head = "<p class='byline'>By Orla Pemberton</p><time>9 June 2026, 12:41 BST</time>"
    article = _assemble(_page(_story(head)), {})
    assert article.title == "Bridge closure delayed"
    assert article.byline == ("By Orla Pemberton", "9 June 2026, 12:41 BST")
    assert article.paragraphs == PARAGRAPHS  # prose that starts "By" or "On 9 June" stays
    labels = _labels(article)
    assert labels["By Orla Pemberton"] == labels["9 June 2026, 12:41 BST"] == CONTENT
    assert article.to_dict()["byline"] == list(article.byline)


def test_a_styled_div_reading_as_the_page_title_is_the_headline():
    story = ("<div class='hd'>Bridge closure delayed</div>"
             + "".join(f"<div class='para'>{p}</div>" for p in PARAGRAPHS))
    html = _page(story).replace("<html>", "<html><head><title>Bridge closure delayed | "
                                          "The Felbridge Gazette</title></head>")
    article = _assemble(html, {})
    assert article.title == "Bridge closure delayed"
    assert article.paragraphs == PARAGRAPHS
    # without a matching page title a <div> stays in the body: it may be the first paragraph
    plain = _assemble(_page(story), {})
    assert plain.paragraphs[0] == "Bridge closure delayed"


def test_the_heading_reading_as_the_page_title_beats_an_earlier_heading():
    html = (_page(_story(), after="")
            .replace("<html>", "<html><head><title>Bridge closure delayed | "
                               "The Felbridge Gazette</title></head>")
            .replace("<div class='main'>", "<div class='main'><h2>Critics' choice</h2>"))
    article = _assemble(html, {})
    assert article.title == "Bridge closure delayed"
    assert "Bridge closure delayed" not in article.body


def test_lead_between_headline_and_main_region_stays():
    lead = ("Engineers found more corrosion than expected, so drivers face three more months of "
            "detours around Felbridge.")
    caption = "The old toll bridge at Felbridge, seen from Quay Street on Monday morning last week."
    teaser = "<a href='/news/ferry'>Felbridge ferry timetable cut for the winter, the operator says</a>"
    head = f"<p>{lead}</p><p class='caption'>{caption}</p><p>{teaser}</p>"
    scores = {lead[:20]: 0.9, caption[:20]: 0.9, "Felbridge ferry": 0.9}
    article = _assemble(_page(_story(head)), scores)
    assert article.paragraphs == [lead, *PARAGRAPHS]
    # without a headline before it, a block outside the region is no lead ...
    no_headline = _assemble(_page(_story(head).replace("<h1>Bridge closure delayed</h1>", "")),
                            scores)
    assert article.paragraphs[1:] == no_headline.paragraphs == PARAGRAPHS
    # ... unless it is marked up as one; then a short one is too
    short = "Three more months of detours around Felbridge."
    marked = _story(f"<p class='standfirst'>{short}</p>").replace(
        "<h1>Bridge closure delayed</h1>", "")
    assert _assemble(_page(marked), {short[:20]: 0.9}).paragraphs == [short, *PARAGRAPHS]


@pytest.mark.parametrize(("tag", "tokens", "ancestors", "expected"), [
    ("p", ("caption",), (), True), ("div", (), (("figure", ("wp", "caption")),), True),
    ("p", (), (("div", ("author", "bio")),), True), ("blockquote", (), (), True),
    ("p", ("pull", "quote"), (), True), ("p", ("standfirst",), (("header", ()),), False),
    ("p", (), (("div", ("biology",)),), False)])
def test_is_inset(tag, tokens, ancestors, expected):
    assert is_inset(tag, tokens, ancestors) is expected


def test_captions_leave_the_body_unless_they_are_most_of_it():
    caption = "The old toll bridge at Felbridge, seen from Quay Street on Monday."
    figure = f"<figure><img src='b.jpg'><figcaption>{caption}</figcaption></figure>"
    story = _story_opening_with(figure)
    article = _assemble(_page(story), {})
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[caption] == CONTENT
    # a photo gallery: the captions are the text
    slides = [f"Slide {n}: the bridge deck seen from the {side} bank, before the repairs began."
              for n, side in ((1, "north"), (2, "south"))]
    gallery = "".join(f"<div class='slide-caption'><p>{t}</p></div>" for t in slides)
    shown = _assemble(_page(f"<h1>Bridge closure delayed</h1>{gallery}<p>Short note.</p>"), {})
    assert shown.paragraphs == [*slides, "Short note."]


def _assert_out_of_body(html: str, labels: dict[str, str]) -> None:
    """``html`` set in before the story's first paragraph leaves the body, its blocks labelled
    ``labels`` (text -> label)."""
    article = _assemble(_page(_story_opening_with(html)), {})
    assert article.paragraphs == PARAGRAPHS
    assert {text: _labels(article)[text] for text in labels} == labels


def test_a_caption_ending_in_a_photo_credit_leaves_the_body_whatever_its_markup():
    caption = "Engineers inspect the deck of the old toll bridge (Image: Felbridge Gazette)"
    _assert_out_of_body(f"<div>{caption}</div>", {caption: CONTENT})


def test_the_text_of_a_small_element_beside_its_picture_leaves_the_body():
    caption = "Engineers inspect the deck of the old toll bridge"
    teaser = "Win tickets to the bridge reopening party"
    # a caption is content by the taxonomy, but not the article's text
    _assert_out_of_body(
        f"<div class='c1'><div class='c2'><img src='deck.jpg'></div><div class='c3'>{caption}"
        f"</div></div><div class='c4'><a href='/win'><img src='party.jpg'></a>"
        f"<h3>{teaser}</h3></div>", {caption: CONTENT})


def test_paragraphs_and_list_items_beside_a_picture_stay_in_the_body():
    item = "Ferry fares are frozen while the bridge is shut"
    story = _story(extra_body=f"<p><img src='map.jpg'>{PARAGRAPHS[0]}</p>"
                              f"<ul><li><img src='ferry.jpg'>{item}</li></ul>")
    article = _assemble(_page(story), {})
    assert article.paragraphs == [*PARAGRAPHS, PARAGRAPHS[0], item]


def test_an_affiliate_disclosure_in_the_story_is_ad_material():
    disclosure = ("If you buy something using links in our stories, we may earn a commission. "
                  "This helps support our journalism.")
    _assert_out_of_body(f"<p>{disclosure}</p>", {disclosure: AD})


def test_an_ad_slots_label_in_the_story_is_ad_material():
    label = "Story continues below advertisement"
    _assert_out_of_body(f"<p>{label}</p><div>Advertisement</div>",
                        {label: AD, "Advertisement": AD})


@pytest.mark.parametrize(("text", "expected"), [
    ("Advertisement", True), ("ADVERTISEMENT", True), ("- Advertisement -", True),
    ("STORY CONTINUES BELOW THIS AD", True), ("Sponsored by Quay Street Motors", True),
    ("Anzeige", True), ("Advertisement for the new bridge tolls ran on Tuesday.", False),
    ("Sponsored by " + "Quay Street Motors and Partners " * 3, False)])  # too long for a label
def test_is_ad_label(text, expected):
    assert is_ad_label(text) is expected


def test_a_truncation_notice_is_paywall_material():
    notice = "The full article contains 339 words and appears in Felbridge Gazette newspaper."
    story = _story(extra_body=f"<p>{notice}</p>")
    article = _assemble(_page(story), {})
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[notice] == PAYWALL
    assert not is_truncation_notice("The full article of the council's report runs to 40 pages.")


@pytest.mark.parametrize(("text", "expected"), [
    ("This article contains affiliate links.", True),
    ("We may earn a commission from links on this page.", True),
    ("Felbridge Gazette may receive a share of sales from products bought through links.", True),
    ("When you buy through links on our site, we may earn an affiliate commission.", True),
    # prose about commissions and affiliates is not a disclosure
    ("Brokers may earn a commission on every sale, the regulator said.", False),
    ("The county council set up a commission to study the bridge.", False),
    ("The club is an affiliate of the regional football association.", False),
    ("We may earn a commission, the toll operator told councillors. " * 7, False)])  # too long
def test_is_affiliate_disclosure(text, expected):
    assert is_affiliate_disclosure(text) is expected


def test_a_fact_box_set_into_the_story_is_not_its_text():
    facts = ["The bridge opened in 1871 and was widened in 1958.",
             "About 9,000 vehicles crossed it each day before the closure."]
    box = ("<div class='metro-factbox'><div class='metro-factbox-content'><h3>Key facts</h3>"
           + "".join(f"<p>{fact}</p>" for fact in facts) + "</div></div>")
    story = _story().replace("</p>", f"</p>{box}", 1)
    article = _assemble(_page(story), {})
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[facts[0]] == NAVIGATION
    # the same box without the class name is the article's text
    plain = _assemble(_page(story.replace("metro-factbox", "panel")), {})
    assert facts[0] in plain.paragraphs


@pytest.mark.parametrize(("tokens", "ancestors", "expected"), [
    (("infobox",), (), True), ((), (("div", ("c-info-box-inner",)),), True),
    ((), (("div", ()),) * 5 + (("aside", ("factbox-81348552",)),), True),
    ((), (("div", ()),) * 6 + (("aside", ("factbox",)),), False),  # too far up: the page
    (("info", "box"), (), False), (("informative",), (), False),
    # an inset card for another story (Kinja)
    ((), (("aside", ("core-decorated-inset",)),), True), (("inset",), (), True),
    (("insets-gallery",), (), False), (("sunset",), (), False)])
def test_in_story_insert(tokens, ancestors, expected):
    assert in_story_insert(tokens, ancestors) is expected


def test_text_of_a_small_box_named_for_its_picture_is_a_caption():
    caption = "Engineers on the deck of the old toll bridge at Felbridge on Monday."
    box = f"<div class='imgbox'><img src='b.jpg'><h2>{caption}</h2></div>"
    story = _story_opening_with(box)
    article = _assemble(_page(story), {})
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[caption] == CONTENT
    # the same text without the picture, or in a big box that holds the article, is body
    # text (in a small box not named for its picture it is still a caption: see
    # test_the_text_of_a_small_element_beside_its_picture_leaves_the_body)
    for other in (box.replace("<img src='b.jpg'>", ""),
                  box.replace("</h2>", "</h2>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) * 2)):
        shown = _assemble(_page(_story_opening_with(other)), {})
        assert caption in shown.paragraphs


def test_text_of_a_figure_with_its_picture_is_a_caption():
    caption = "Engineers on the deck of the old toll bridge at Felbridge on Monday."
    figure = (f"<figure><div class='frame'><img src='b.jpg'></div><div class='text'><p>"
              f"{caption}</p></div></figure>")
    story = _story_opening_with(figure)
    article = _assemble(_page(story), {})
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[caption] == CONTENT
    # a figure without a picture, a table or a pull quote in a figure: the article's text
    table = "<table><tr><td>" + caption + "</td></tr></table>"
    quote = f"<blockquote><p>{caption}</p></blockquote>"
    for other in (figure.replace("<img src='b.jpg'>", ""),
                  f"<figure><img src='c.jpg'>{table}</figure>",
                  f"<figure><img src='c.jpg'>{quote}</figure>"):
        shown = _assemble(_page(_story_opening_with(other)), {})
        assert caption in shown.paragraphs


@pytest.mark.parametrize(("text", "expected"), [
    ("Engineers inspect the deck (Image: Getty)", True), ("(Credit: Felbridge Gazette)", True),
    ("Lord Mayor Orla Pemberton (Pic:PA) ", True), ("The deck (Photos: Jane Doe/Gazette)", True),
    ("The mayor (pictured) spoke on Monday.", False),
    ("He showed a photo (image: the old deck) to the committee on Monday.", False)])
def test_ends_with_photo_credit(text, expected):
    assert ends_with_photo_credit(text) is expected


def test_unsure_paragraph_in_the_marked_article_body_is_content():
    unsure = ("Buses will keep one lane while the deck is replaced, the operator said, and "
              "timetables will change from Monday.")
    # the article's paragraphs in wrappers, so the unsure one is not on their path
    marked = _wrapped_story(f"<p>{unsure}</p><p>Short line here.</p>").replace(
        "<div class='body'>", "<div class='body entry-content'>")
    short = {"Short line": 0.45}
    article = _assemble(_page(marked), {unsure: 0.45, **short})
    assert article.paragraphs == [*PARAGRAPHS, unsure]
    # without the mark-up, or less likely, it stays out
    plain = _assemble(_page(marked.replace(" entry-content", "")), {unsure: 0.45, **short})
    assert plain.paragraphs == PARAGRAPHS
    unlikely = _assemble(_page(marked), {unsure: 0.2, **short})
    assert unlikely.paragraphs == PARAGRAPHS


def _wrapped_story(extra: str = "") -> str:
    """Every paragraph in its own wrapper, as many news sites mark them up (an ad slot may sit
    between any two)."""
    body = "".join(f"<div class='para-wrap'><p>{p}</p></div>" for p in PARAGRAPHS)
    return (f"<header><h1>Bridge closure delayed</h1></header>"
            f"<div class='body'>{body}{extra}</div>")


def test_unsure_paragraph_on_the_path_of_the_articles_paragraphs_is_content():
    unsure = PARAGRAPHS[2]
    article = _assemble(_page(_wrapped_story()), {unsure: 0.3})
    assert article.paragraphs == PARAGRAPHS
    # however unlikely (the second stage may give it to an ad slot beside it)
    unlikely = _assemble(_page(_wrapped_story()), {unsure: 0.002})
    assert unlikely.paragraphs == PARAGRAPHS


def test_parallel_path_from_a_single_sure_paragraph_looks_beside_its_wrapper():
    """When the model is sure of one paragraph only, the main region is that paragraph's own
    wrapper; its siblings' wrappers hold the rest of the article."""
    sure = "Engineers say the repairs will take all summer. " + " ".join(PARAGRAPHS[:2])
    unsure = [*PARAGRAPHS, "Ferry services will run every half hour while the bridge is shut, "
              "the operator said, with extra sailings on market days."]
    assert len(sure) >= PARALLEL_PATH_MIN_CHARS
    body = "".join(f"<div class='para-wrap'><p>{p}</p></div>" for p in [sure, *unsure])
    page = _page(f"<h1>Bridge closure delayed</h1><div class='body'>{body}</div>")
    assert _assemble(page, dict.fromkeys(unsure, 0.3)).paragraphs == [sure, *unsure]


def test_parallel_path_keeps_a_paywall_notice_set_like_a_paragraph():
    """A notice the model calls paywall stays evidence of the wall, even on the paragraphs'
    path (the paywall status and its evidence come from these blocks)."""
    notice = "Subscribe to read the rest of this story: unlimited access from 1 pound a week."
    page = _page(_wrapped_story(f"<div class='para-wrap'><p>{notice}</p></div>"))
    seg, labelled = _label(page, {})
    labelled = [replace(lb, label=PAYWALL, score=0.95,
                        scores={CONTENT: 0.02, NAVIGATION: 0.02, "ad": 0.01, PAYWALL: 0.95})
                if lb.text == notice else lb for lb in labelled]
    article = assemble(seg, labelled)
    assert article.paragraphs == PARAGRAPHS
    assert [b.text for b in article.paywall_blocks] == [notice]


def test_parallel_path_keeps_out_texts_the_page_repeats():
    # (a text no furniture pattern knows: only the repeat gives it away)
    placeholder = ("The interactive map of the diversion routes is loading, and it will appear "
                   "here in a moment.")
    slot = f"<div class='para-wrap'><p>{placeholder}</p></div>"
    page = _page(_wrapped_story(slot + slot))
    article = _assemble(page, {placeholder: 0.3})
    assert article.paragraphs == PARAGRAPHS
    assert _assemble(_page(_wrapped_story(slot)), {placeholder: 0.3}).paragraphs == [
        *PARAGRAPHS, placeholder]


def test_parallel_path_keeps_out_teasers_short_lines_and_other_shapes():
    teaser = ("<div class='para-wrap'><p><a href='/news/ferry'>Felbridge ferry timetable cut "
              "for the winter, the operator says in a statement</a></p></div>")
    short = "<div class='para-wrap'><p>Advertisement below.</p></div>"
    other = ("<div class='para-wrap'><blockquote><p>Quay Street traders want signs, and they "
             "want them before the summer season starts.</p></blockquote></div>")
    scores = {"Felbridge ferry": 0.5, "Advertisement": 0.5, "Quay Street traders": 0.5}
    article = _assemble(_page(_wrapped_story(teaser + short + other)), scores)
    assert article.paragraphs == PARAGRAPHS


def test_parallel_path_needs_enough_content_on_it():
    # one short content paragraph on the path is not the article's paragraph shape
    lone = _page("<h1>Bridge closure delayed</h1><div class='w'><p>Short lead line of the "
                 "article here.</p></div><div class='w'><p>" + PARAGRAPHS[0] + "</p></div>"
                 "<div class='other'>" + "".join(f"<span>{p}</span>" for p in PARAGRAPHS[1:])
                 + "</div>")
    article = _assemble(lone, {PARAGRAPHS[0]: 0.3})
    assert PARAGRAPHS[0] not in article.paragraphs


SECOND_HALF = [
    "Ferry services will run every half hour while the bridge is shut, the operator said, with "
    "extra sailings on market days and on the evening of the summer fair.",
    "The council has set aside money for signs to the town centre car parks, a spokeswoman "
    "said, and will review the weight limit once the new deck has been tested.",
]


def _split_story(twin_class: str = "story-content", between: str = "", twin_head: str = "") -> str:
    """The article's body in two twin containers with an ad slot between them, as some sites
    break it around an ad or a subscription offer."""
    first = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    second = "".join(f"<p>{p}</p>" for p in SECOND_HALF)
    twin = f" class='{twin_class}'" if twin_class else ""
    return (f"<header><h1>Bridge closure delayed</h1></header>"
            f"<div class='story-content'>{first}</div>"
            f"<div class='ad-slot'><p>Advertisement</p></div>{between}"
            f"<div{twin}>{twin_head}{second}</div>")


def test_a_twin_container_after_an_ad_slot_continues_the_body():
    # the model, judging the second container on its own, is unsure of one paragraph and
    # fairly but not very sure of the other (outside the main region it needed p 0.98)
    scores = {SECOND_HALF[0][:30]: 0.3, SECOND_HALF[1][:30]: 0.9, "Advertisement": 0.01}
    article = _assemble(_page(_split_story()), scores)
    assert article.paragraphs == [*PARAGRAPHS, *SECOND_HALF]
    assert _labels(article)["Advertisement"] == NAVIGATION
    assert OUTSIDE_REGION_SCORE > 0.9


def test_parallel_paragraphs_reach_the_twin_container_once_the_first_half_is_found():
    """Each paragraph in its own wrapper, the body split around an ad slot, the model sure of
    one paragraph only: its siblings join first, and with them the first half becomes the main
    region, whose twin after the ad holds more paragraphs of the same path."""
    likeliest = "Engineers say the repairs will take all summer. " + " ".join(PARAGRAPHS[:2])
    def half(paragraphs: list[str]) -> str:
        return ("<div class='story-content'>"
                + "".join(f"<div><p>{p}</p></div>" for p in paragraphs)
                + "</div>")
    html = _page("<header><h1>Bridge closure delayed</h1></header>"
                 + half([likeliest, *PARAGRAPHS])
                 + "<div class='ad-slot'><p>Advertisement</p></div>" + half(SECOND_HALF))
    scores = {"Bridge closure": 0.9, likeliest: 0.99, "Advertisement": 0.01,
              **{p[:40]: 0.3 for p in [*PARAGRAPHS, *SECOND_HALF]}}
    article = _assemble(html, scores, default=0.01)
    assert article.paragraphs == [likeliest, *PARAGRAPHS, *SECOND_HALF]
    assert PARALLEL_PASSES >= 2


def test_a_twin_container_before_the_main_region_starts_the_body():
    # the model is unsure of the whole first half (the second half is the main region)
    scores = {p[:30]: 0.3 for p in PARAGRAPHS} | {"Advertisement": 0.01}
    article = _assemble(_page(_split_story()), scores)
    assert article.paragraphs == [*PARAGRAPHS, *SECOND_HALF]


@pytest.mark.parametrize("variant", [
    {"twin_class": "related-stories"},  # another module, not the body's twin
    {"twin_class": ""},  # a bare <div> is anybody's twin
    {"twin_head": "<h1>Ferry timetable cut for the winter</h1>"},  # the next story of the page
    {"between": "<div class='promo'><p>" + "Read our other stories about the town. " * 30
                + "</p></div>"},  # far from the body
])
def test_a_container_that_is_not_the_bodys_twin_stays_out(variant):
    assert len(variant.get("between", "")) < 2 * SPLIT_BODY_GAP_CHARS
    scores = {SECOND_HALF[0][:30]: 0.3, SECOND_HALF[1][:30]: 0.9, "Advertisement": 0.01,
              "Read our other": 0.01, "Ferry timetable": 0.3}
    article = _assemble(_page(_split_story(**variant)), scores)
    assert article.paragraphs == PARAGRAPHS


def test_twins_headed_by_h1_continue_a_body_whose_sections_have_h1_heads():
    # Medium heads an article's sections with <h1>; its image breaks make twin containers
    def section(heading: str, paragraphs: list[str]) -> str:
        return (f"<div class='section-inner'><h1>{heading}</h1>"
                + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>")
    first = section("Why it shut", PARAGRAPHS[:2]) + section("What next", PARAGRAPHS[2:])
    first = first.replace("</div><div class='section-inner'>", "")
    html = _page(f"<section><div>{first}</div><div><figure><img src='b.jpg'/></figure></div>"
                 f"<div>{section('Shops', SECOND_HALF)}</div></section>")
    # the model is unsure of the last section's head and paragraphs (outside the region)
    scores = {"Shops": 0.9, SECOND_HALF[0][:30]: 0.9, SECOND_HALF[1][:30]: 0.9}
    article = _assemble(html, scores)
    assert article.paragraphs[-3:] == ["Shops", *SECOND_HALF]
    assert SECTION_H1_MIN == 2


def test_a_sub_head_between_two_paragraphs_is_content():
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + "<h3>What happens next</h3>" + \
        "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:]) + "<h3>More from the Gazette</h3>"
    story = f"<header><h1>Bridge closure delayed</h1></header><div class='body'>{body}</div>"
    scores = {"What happens next": 0.1, "More from": 0.1}
    article = _assemble(_page(story), scores)
    # the sub-head joins the body; the heading after the last paragraph (a module's) does not
    assert article.paragraphs == [*PARAGRAPHS[:2], "What happens next", *PARAGRAPHS[2:]]
    # a link there is a teaser's headline, unless both neighbours are long prose (below)
    linked = story.replace("<h3>What happens next</h3>",
                           "<h3><a href='/next'>What happens next</a></h3>")
    assert len(PARAGRAPHS[1]) < SUBHEAD_LINKED_NEIGHBOUR_MIN_CHARS
    assert "What happens next" not in _assemble(_page(linked), scores).paragraphs
    long_head = " ".join(["word"] * (SUBHEAD_MAX_WORDS + 1))
    wordy = story.replace("What happens next", long_head)
    assert long_head not in _assemble(_page(wordy), {long_head[:20]: 0.1}).paragraphs


def test_a_linked_sub_head_between_long_paragraphs_of_its_container_is_content():
    # a review names each product in a linked sub-head between paragraphs about them
    first, second = PARAGRAPHS[0] + " " + PARAGRAPHS[1], PARAGRAPHS[2] + " " + PARAGRAPHS[3]
    head = "<h3><a href='/shop/lamp'>The Felbridge desk lamp ($30)</a></h3>"
    story = ("<header><h1>Bridge closure delayed</h1></header>"
             f"<div class='body'><p>{first}</p>{head}<p>{second}</p></div>")
    article = _assemble(_page(story), {"The Felbridge desk lamp": 0.5})
    assert article.paragraphs == [first, "The Felbridge desk lamp ($30)", second]
    # in a box of its own between the paragraphs it is a teaser's headline
    boxed = story.replace(head, f"<div class='related'>{head}</div>")
    assert "The Felbridge desk lamp ($30)" not in _assemble(
        _page(boxed), {"The Felbridge desk lamp": 0.5}).paragraphs


DRAWBACKS = ["Downtime while the profiler runs", "Data collected locally",
             "Extra tools to install"]


def _introduced_list(intro: str, items: list[str], link: bool = False) -> str:
    entries = "".join(f"<li><a href='/x'>{item}</a></li>" if link else f"<li>{item}</li>"
                      for item in items)
    return ("<header><h1>Bridge closure delayed</h1></header>"
            f"<div class='body'><p>{PARAGRAPHS[0]}</p><p>{intro}</p><ul>{entries}</ul>"
            f"<p>{PARAGRAPHS[1]}</p></div>")


def test_a_list_the_prose_introduces_is_content():
    intro = "The engineers listed three drawbacks of the first plan:"
    scores = {item: 0.3 for item in DRAWBACKS}
    article = _assemble(_page(_introduced_list(intro, DRAWBACKS)), scores)
    assert article.paragraphs == [PARAGRAPHS[0], intro, *DRAWBACKS, PARAGRAPHS[1]]
    # not introduced by a sentence ending in a colon: the model's word stands
    plain = _assemble(_page(_introduced_list(intro.rstrip(":") + ".", DRAWBACKS)), scores)
    assert not set(DRAWBACKS) & set(plain.paragraphs)
    # a spec sheet's label is not a sentence
    label = " ".join(["Battery"] * (BODY_LIST_INTRO_MIN_WORDS - 2)) + " type:"
    specs = _assemble(_page(_introduced_list(label, DRAWBACKS)), scores)
    assert not set(DRAWBACKS) & set(specs.paragraphs)
    # a list of links is a list of teasers, however it is introduced
    teasers = _assemble(_page(_introduced_list(intro, DRAWBACKS, link=True)), scores)
    assert not set(DRAWBACKS) & set(teasers.paragraphs)


BENEFITS = ["Unlimited digital access to every story on the site.",
            "The e-paper, a replica of the print edition to read on any device.",
            "Daily puzzles, including the crossword and the quiz.",
            "Support local journalism in Felbridge and along the coast."]


def _benefits_page() -> str:
    items = "".join(f"<li>{b}</li>" for b in BENEFITS)
    box = f"<div class='offer'><p>Subscribe now to keep reading.</p><ul>{items}</ul></div>"
    return _page(_story(extra_body=box))


def test_a_list_mostly_not_content_is_not_content():
    """The model trusts one benefit of a paywall's list that reads like prose: the list is one
    unit, so the item takes the label of the rest."""
    scores = {b[:20]: 0.05 for b in BENEFITS} | {BENEFITS[1][:20]: 0.9,
                                                 "Subscribe now": 0.05}
    seg, labelled = _label(_benefits_page(), scores)
    labelled = [replace(lb, label=PAYWALL, score=0.9,
                        scores={CONTENT: 0.05, NAVIGATION: 0.03, "ad": 0.02, PAYWALL: 0.9})
                if lb.label != CONTENT and lb.text in BENEFITS else lb for lb in labelled]
    article = assemble(seg, labelled)
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[BENEFITS[1]] == PAYWALL
    assert [b.text for b in article.paywall_blocks] == BENEFITS


def test_a_list_half_content_keeps_its_content_items():
    # two of four items content: more than the share a stray item can be, so the list stays
    steps = ["Leave the ring road at junction four for the town centre car parks.",
             "Follow the signs for Quay Street and the harbour.",
             "Buses use the temporary lane on the east side of the bridge.",
             "Cyclists may cross on the footway at walking pace only."]
    body = _story(extra_body="<ul>" + "".join(f"<li>{t}</li>" for t in steps) + "</ul>")
    scores = {steps[0][:20]: 0.9, steps[1][:20]: 0.9, steps[2][:20]: 0.3, steps[3][:20]: 0.3}
    article = _assemble(_page(body), scores)
    assert article.paragraphs == [*PARAGRAPHS, steps[0], steps[1]]
    assert LIST_MAJORITY_MAX_CONTENT_SHARE < 2 / 4 and LIST_MAJORITY_MIN_ITEMS <= 4


def _endless_page(title: str) -> str:
    """An endless page: the next story follows the first, each an <article> with an <h1>."""
    nxt = ["Ferry timetable cut for the winter, the operator says, after passenger numbers fell "
           "by a third over the summer months.",
           "Sailings will run every two hours from November, with an extra crossing on market "
           "days, and the timetable will be reviewed in spring."]
    second = ("<article class='story'><h1>Ferry timetable cut for the winter months</h1>"
              + "".join(f"<p>{p}</p>" for p in nxt * 3) + "</article>")
    return (f"<html><head><title>{title} | The Felbridge Gazette</title></head><body>"
            f"<main><article class='story'>{_story()}</article>{second}</main></body></html>")


def test_an_endless_page_gives_the_story_of_its_title_not_the_next_one():
    article = _assemble(_endless_page("Bridge closure delayed"), {})
    assert article.title == "Bridge closure delayed"
    assert article.paragraphs == PARAGRAPHS  # the next story is longer, yet not the article
    # the page's title names the story that is the article, wherever it stands
    second = _assemble(_endless_page("Ferry timetable cut for the winter months"), {})
    assert second.title == "Ferry timetable cut for the winter months"
    assert second.paragraphs[0].startswith("Ferry timetable cut for the winter")
    assert not set(PARAGRAPHS) & set(second.paragraphs)


@pytest.mark.parametrize(("tokens", "ancestors", "expected"), [
    (("entry", "content", "entry-content"), (), True), ((), (("div", ("post-body",)),), True),
    ((), (("div", ("content",)),), False), ((), (("div", ()), ("div", ("post-body",))), False)])
def test_is_body_marked(tokens, ancestors, expected):
    assert is_body_marked(tokens, ancestors) is expected


BIO = ("Orla Pemberton is the Gazette's transport reporter. She has covered Felbridge's roads "
       "and bridges since 2019.")
BLURB = ("Gadget Notes is a blog about buying and using tech products, from phones and laptops "
         "to the apps that run on them.")


@pytest.mark.parametrize(("box", "text"), [
    ("<div class='author-bio'><p>{}</p></div>", BIO),
    # Google's class="nocontent": the page itself says the module (recent posts, an "about
    # this blog" blurb) is not its content, however article-like its prose
    ("<div class='box module nocontent'><h4>About</h4><p>{}</p></div>", BLURB)])
def test_boxes_beside_the_article_are_navigation(box, text):
    article = _assemble(_page(_story(), after=box.format(text)), {})
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[text] == NAVIGATION


@pytest.mark.parametrize("control", [
    # a drop-down of business categories right under the story (a 2007 table layout)
    "<select name='cat'>{}</select>",
    "<select><optgroup label='Services'>{}</optgroup></select>",
    "<div class='box'><button type='button'>{}</button></div>",
    "<form><textarea name='note'>{}</textarea></form>"])
def test_form_controls_never_join_the_body(control):
    options = "".join(f"<option>{name}</option>" for name in
                      ("Accounting", "Air Charter", "Business Loans", "Car Insurance"))
    box = control.format(options if "option" in control or "optgroup" in control
                         else "Email this story to a friend who cares about bridges")
    article = _assemble(_page(_story(), after=box), {})  # the model calls every block content
    assert article.paragraphs == PARAGRAPHS
    assert all(label != CONTENT for text, label in _labels(article).items()
               if text not in PARAGRAPHS and text != "Bridge closure delayed")


def test_embedded_social_posts_are_not_the_article():
    tweet = ("Queues at the ferry terminal already back to the car park and it is not even "
             "seven o'clock pic.twitter.com/abc123")
    embed = (f"<blockquote class='twitter-tweet'><p lang='en' dir='ltr'>{tweet}</p>"
             "&mdash; Felbridge Commuter (@felbridgecommute) June 9, 2026</blockquote>")
    article = _assemble(_page(_story(extra_body=embed)), {})  # the model calls it content
    assert article.paragraphs == PARAGRAPHS
    assert _labels(article)[tweet] == NAVIGATION
    # a quotation of the article's own is no embed
    quote = ("\"We will not reopen the bridge until it is safe,\" the council's chief engineer "
             "told reporters on Tuesday.")
    quoted = _assemble(_page(_story(extra_body=f"<blockquote><p>{quote}</p></blockquote>")), {})
    assert quoted.paragraphs == [*PARAGRAPHS, quote]


@pytest.mark.parametrize(("tokens", "ancestors"), [
    (("twitter-tweet",), ()), ((), (("blockquote", ("instagram-media",)), ("div", ("body",)))),
    (("pullquote",), (("div", ("twitter", "share")),)), ((), (("div", ("box", "nocontent")),)),
    (("post-footer",), ()), (("box",), (("div", ("content", "main")),))])
def test_marked_never_article_is_either_test(tokens, ancestors):
    assert marked_never_article(tokens, ancestors) is (
        in_social_embed(tokens, ancestors) or marked_not_content(tokens, ancestors))


def test_in_social_embed():
    assert in_social_embed(("twitter-tweet",), ())
    assert in_social_embed((), (("blockquote", ("instagram-media",)), ("div", ("body",))))
    assert not in_social_embed(("pullquote",), (("div", ("twitter", "share")),))


SLIDES = [("Tidal gates shut for winter", "The Felbridge tidal gates closed on Monday for the "
            "winter, two weeks earlier than last year because of the forecast storms."),
           ("Ferry fares frozen", "The Quay Street ferry will keep its fares at last year's "
                                  "level until April, its operator said on Friday afternoon."),
           ("New lifeboat named", "Saltmarsh lifeboat station has named its new boat after "
                                  "the volunteer who served the crew for forty-one years.")]


def _slideshow(count: int) -> str:
    items = "".join(f"<li><h2>{k}/{count} {title}</h2><p>{caption}</p></li>"
                    for k, (title, caption) in enumerate(SLIDES, start=1))
    return f"<div class='gallery'><ul>{items}</ul></div>"


def test_a_slideshow_set_into_the_story_is_not_the_article():
    """Another desk's pictures of the week, numbered "1/12 ...", inside the article's
    container: the model calls every slide content (as it may), the slides go."""
    more = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    assert sum(map(len, PARAGRAPHS)) * 2 >= SLIDESHOW_MIN_ARTICLE_CHARS
    article = _assemble(_page(_story(extra_body=more + _slideshow(12))), {})
    assert article.paragraphs == PARAGRAPHS * 2
    assert _labels(article)[SLIDES[0][1]] == NAVIGATION
    # a gallery page, whose slides are its text, keeps them
    gallery = _assemble(_page(_story(extra_body=_slideshow(3)).replace(
        "".join(f"<p>{p}</p>" for p in PARAGRAPHS), f"<p>{PARAGRAPHS[0]}</p>")), {})
    assert SLIDES[0][1] in gallery.paragraphs
    # dates are no slide counters
    dated = _slideshow(12).replace("/12 ", "/10/26 ")
    kept = _assemble(_page(_story(extra_body=more + dated)), {})
    assert SLIDES[0][1] in kept.paragraphs


def test_is_form_control():
    assert is_form_control("option", (("select", ()),))
    assert is_form_control("option", (("optgroup", ()), ("select", ("cats",))))
    assert is_form_control("button", ())
    assert is_form_control("p", (("button", ()),))
    assert not is_form_control("p", (("div", ()), ("form", ("search",))))
    assert not is_form_control("li", (("ul", ()), ("div", ()), ("select", ())))


def test_marked_not_content():
    assert marked_not_content((), (("div", ("box", "nocontent")),))
    assert marked_not_content(("post-footer",), ())
    assert marked_not_content((), (("p", ("site", "copyright")), ("div", ("footer",))))
    assert not marked_not_content(("box",), (("div", ("content", "main")),))


@pytest.mark.parametrize(("tokens", "ancestors", "expected"), [
    (("author-bio",), (), True), ((), (("div", ("authorbio",)),), True),
    ((), (("div", ("bio",)),), True), ((), (("div", ("about", "biography")),), True),
    ((), (("div", ("biology",)),), False), ((), (("div", ()), ("div", ()), ("div", ("bio",))), False)])
def test_in_bio_box(tokens, ancestors, expected):
    assert in_bio_box(tokens, ancestors) is expected


@pytest.mark.parametrize(("tag", "tokens", "ancestors", "expected"), [
    ("figcaption", (), (), True), ("p", ("wp", "caption", "text", "wp-caption-text"), (), True),
    ("p", (), (("div", ("image-caption",)),), True),
    ("p", (), (("div", ()), ("div", ("caption",))), False), ("p", ("lead",), (), False)])
def test_is_caption(tag, tokens, ancestors, expected):
    assert is_caption(tag, tokens, ancestors) is expected


@pytest.mark.parametrize("line", [
    "By ORLA PEMBERTON, Local Democracy Reporter", "Updated 3:45 PM", "Last updated at 7:40 AM",
    "Photo: Felbridge Gazette", "Monday 9 June 2026, 12:41 GMT", "June 9, 2026 | 12:41 pm",
    "Posted by Thomas Kang on June 9, 2026", "words by Leilani Salo & Anouk Mbeki · 20.11.2026",
    "Text and photos by Ines Moreau",
    # a live blog's time stamp, its spans run together
    "2 hours ago10:05 Jon King"])
def test_metadata_lines(line):
    assert is_metadata_line(line, "p", (), ())


@pytest.mark.parametrize("line", [
    "By turning the old depot into flats, the council hopes to raise money",
    "The vote on 9 June 2026 was close.", "12. The bridge and the ferry (July 3, 2006)",
    "Photos of the bridge were shown at the meeting.", "words by which the council lives",
    # a dateline opening the first paragraph is article text (both golds keep it)
    "FELBRIDGE, June 9 (Reuters) - The old toll bridge shut on Monday.",
    "LONDON (Reuters) - Engineers found more corrosion than expected on 9 June 2026."])
def test_prose_is_not_metadata(line):
    assert not is_metadata_line(line, "p", (), ())


def test_metadata_markup_counts():
    assert is_metadata_line("Orla Pemberton", "p", ("byline",), ())
    assert is_metadata_line("Orla Pemberton", "span", (), (("address", ()),))
    assert not is_metadata_line("Orla Pemberton", "p", ("intro",), ())


def test_isolated_content_outside_the_main_region_is_navigation():
    teaser = "Felbridge Harriers go top after derby win over Millbeck in front of a record crowd"
    page = _page(_story(), aside=f"<div class='teaser'><p>{teaser}</p></div>")
    unsure = _assemble(page, {teaser: OUTSIDE_REGION_SCORE - 0.05})
    assert teaser not in unsure.body
    assert _labels(unsure)[teaser] == NAVIGATION
    assert unsure.paragraphs == PARAGRAPHS
    sure = _assemble(page, {teaser: OUTSIDE_REGION_SCORE})
    assert teaser in sure.body


def test_main_region_is_the_container_of_most_content():
    article = _assemble(_page(_story()), {})
    labelled = list(article.blocks)
    assert main_region(labelled) == "/html/body/div/article/div"
    assert main_region([]) is None


def test_region_finder_works_out_each_content_set_once(monkeypatch):
    import classifier.extraction as extraction

    seg, labelled = _label(_page(_story()), {})
    calls = []
    real = extraction._twin_regions
    monkeypatch.setattr(extraction, "_twin_regions",
                        lambda region, lbs, blocks: calls.append(1) or real(region, lbs, blocks))
    finder = extraction.RegionFinder(seg.blocks)
    expected = real(main_region(labelled, seg.blocks, widen=True), labelled, seg.blocks)
    assert finder.body(labelled) == expected == finder.body(list(labelled))
    assert finder.main(labelled) == main_region(labelled, seg.blocks)
    assert len(calls) == 1  # the same content blocks: asked once
    first = next(i for i, lb in enumerate(labelled) if lb.label == CONTENT)
    fewer = [replace(lb, label=NAVIGATION) if i == first else lb for i, lb in enumerate(labelled)]
    finder.body(fewer)
    assert len(calls) == 2  # another content set: worked out again


BIO = [
    "Orla Pemberton has written about Felbridge and the Millbeck valley for twenty years, first "
    "for the weekly paper and now for this site, which she started in 2014.",
    "She lives above the old bakery on Quay Street with two cats and far too many books about "
    "bridges, and she answers every letter that readers send her.",
    "Before that she taught history at the grammar school, and she still runs the town's "
    "walking tours on summer weekends when the weather allows it.",
]


def test_sidebar_bio_does_not_take_the_main_region_from_a_short_post():
    post = PARAGRAPHS[:1]
    assert REGION_MIN_CHARS <= len(post[0]) < sum(map(len, BIO))
    story = f"<h1>Bridge closure delayed</h1><div class='body'><p>{post[0]}</p></div>"
    page = _page(story, aside="<div class='about'>" + "".join(f"<p>{p}</p>" for p in BIO)
                 + "</div>")
    scores = {p: OUTSIDE_REGION_SCORE - 0.1 for p in BIO}
    article = _assemble(page, scores)
    assert article.paragraphs == post
    assert _labels(article)[BIO[0]] == NAVIGATION
    seg, labelled = _label(page, scores)
    assert main_region(labelled) == "/html/body/aside/div"  # by the text mass alone
    assert main_region(labelled, seg.blocks) == "/html/body/div/article/div"


CONSENT = [
    "When you visit our website we store cookies on your browser to collect information about "
    "you, your preferences or your device, mostly to make the site work as you expect it to.",
    "You can choose not to allow some types of cookies. Blocking some of them may change your "
    "experience of the site and the services we are able to offer you, so choose with care.",
]


def test_consent_dialog_is_navigation_even_when_it_outweighs_a_short_story():
    """A cookie dialog's prose reads like content and can outweigh a short article: it must
    neither reach the body nor pull the main region to itself."""
    post = PARAGRAPHS[:1]
    assert sum(map(len, CONSENT)) > len(post[0])
    story = f"<h1>Bridge closure delayed</h1><div class='body'><p>{post[0]}</p></div>"
    dialog = ("<div id='onetrust-consent-sdk'><div class='ot-pc-content'>"
              + "".join(f"<p>{p}</p>" for p in CONSENT) + "</div></div>")
    page = _page(story).replace("</body>", dialog + "</body>")
    article = _assemble(page, dict.fromkeys(CONSENT, 0.9))
    assert article.paragraphs == post
    assert _labels(article)[CONSENT[0]] == NAVIGATION


def test_a_consent_flag_on_the_body_keeps_the_story():
    page = _page(_story()).replace("<body>", "<body class='cookie-consent-accepted'>")
    assert _assemble(page, {}).paragraphs == PARAGRAPHS


def test_consent_verdicts_of_ancestor_chains_stay_bounded():
    from classifier import cues
    from classifier.constants import CHAIN_CACHE_ENTRIES

    for i in range(CHAIN_CACHE_ENTRIES + 10):
        assert not in_consent_dialog((), (("div", (f"wrap{i}",)), ("body", ())))
    assert 0 < len(cues._CONSENT_ANCESTRY) <= CHAIN_CACHE_ENTRIES


@pytest.mark.parametrize(("tokens", "ancestors", "expected"), [
    ((), (("div", ("ot-pc-content",)), ("div", ("onetrust", "consent", "sdk"))), True),
    (("cookie-banner",), (), True), ((), (("div", ("didomi", "popup")),), True),
    ((), (("div", ("recipe", "cookie")),), False), ((), (("div", ("cmp", "text")),), False),
    ((), (("body", ("consent", "given")),), False)])
def test_in_consent_dialog(tokens, ancestors, expected):
    assert in_consent_dialog(tokens, ancestors) is expected


@pytest.mark.parametrize(("ancestors", "expected"), [
    ((("div", ()), ("aside", ())), True), ((("div", ("widget-area",)),), True),
    ((("div", ("sidebar",)), ("body", ())), True), ((("div", ("article-body",)),), False),
    ((), False)])
def test_in_sidebar(ancestors, expected):
    assert in_sidebar(ancestors) is expected


def test_long_paragraph_running_on_from_the_region_stays():
    last = ("The county council will publish the engineers' full report next week, together "
            "with the costs of both plans, and residents can comment on them until the end of "
            "the month at the library in Quay Street or online.")
    assert len(last) >= REGION_RUN_MIN_CHARS
    page = _page(_story(), after=f"<div class='postscript'><p>{last}</p></div>")
    article = _assemble(page, {last: OUTSIDE_REGION_SCORE - 0.1})
    assert article.paragraphs == [*PARAGRAPHS, last]
    # the same text after a menu does not run on from the article
    menu = "<ul>" + "".join(f"<li><a href='/{i}'>Section {i} of the site</a></li>"
                             for i in range(5)) + "</ul>"
    apart = _assemble(_page(_story(), after=f"{menu}<div><p>{last}</p></div>"),
                      {last: OUTSIDE_REGION_SCORE - 0.1, "Section": 0.01})
    assert last not in apart.body


def test_comments_after_a_heading_are_navigation():
    comment = ("I drive over that bridge every day and I think the council has handled the "
               "whole thing badly from the start, as usual.")
    long_story = _story(extra_body="".join(f"<p>{p}</p>" for p in PARAGRAPHS))
    assert sum(len(p) for p in PARAGRAPHS) * 2 >= COMMENTS_CUT_MIN_CHARS
    page = _page(long_story, after=f"<h3>12 Comments</h3><p>{comment}</p>")
    article = _assemble(page, {})
    assert comment not in article.body
    assert article.paragraphs == PARAGRAPHS * 2
    # a "Comments" link before the article opens no thread
    early = _assemble(_page(_story("<p><a href='#c'>Comments</a></p>")), {"Comments": 0.01})
    assert early.paragraphs == PARAGRAPHS


def test_a_comments_heading_element_after_a_short_post_opens_the_thread():
    comment = ("I drive over that bridge every day and I think the council has handled the "
               "whole thing badly from the start, as usual.")
    short = sum(len(p) for p in PARAGRAPHS)
    assert COMMENTS_HEADED_CUT_MIN_CHARS <= short < COMMENTS_CUT_MIN_CHARS
    page = _page(_story(), after=f"<h3>Comments</h3><p>{comment}</p>")
    assert _assemble(page, {}).paragraphs == PARAGRAPHS
    # a line saying so needs a longer article before it
    line = _page(_story(), after=f"<p>Comments</p><p>{comment}</p>")
    assert comment in _assemble(line, {}).paragraphs


def test_a_comment_column_of_a_data_table_opens_no_thread():
    # a technical post's table with a "Comment" column: what follows is still the article
    rows = "".join(f"<tr><td>{n}</td><td>ready</td><td>Retried after {n} seconds.</td></tr>"
                   for n in range(3))
    table = f"<table><tr><td>Step</td><td>State</td><td>Comment</td></tr>{rows}</table>"
    after = "".join(f"<p>{p}</p>" for p in SECOND_HALF)
    long_story = _story(extra_body="".join(f"<p>{p}</p>" for p in PARAGRAPHS) + table + after)
    article = _assemble(_page(long_story), {})
    assert article.paragraphs[-len(SECOND_HALF):] == SECOND_HALF
    # a one-column layout table's cell still heads the thread (2008 pages)
    comment = "I drive over that bridge every day and the council has handled it badly."
    layout = (f"<table><tr><td>{long_story}</td></tr><tr><td>What do you think?</td></tr>"
              f"<tr><td><p>{comment}</p></td></tr></table>")
    assert comment not in _assemble(_page(layout), {}).body


TEASER_CARDS = [("Ferry fares frozen for the summer",
                 "The operator will hold prices until September, it said on Monday."),
                ("Quay Street traders ask for parking signs",
                 "Shopkeepers want the council to point drivers to the car parks.")]


def _module(heading: str) -> str:
    cards = "".join(f"<div class='card'><h3>{title}</h3><p>{dek}</p></div>"
                    for title, dek in TEASER_CARDS)
    return f"<section class='collections'><h2>{heading}</h2><div>{cards}</div></section>"


def test_a_related_module_heading_ends_the_article_in_its_parent():
    # the module sits inside the article's container; the model reads its cards as prose
    story = _story(extra_body=_module("More from The Felbridge Gazette"))
    article = _assemble(_page(story), {})
    assert article.paragraphs == PARAGRAPHS
    # an ordinary section heading opens no module
    plain = _assemble(_page(_story(extra_body=_module("What the engineers found"))), {})
    assert TEASER_CARDS[0][1] in plain.paragraphs
    # a heading among the article's own paragraphs (content before it in its parent) is a
    # sub-head, whatever it says
    inline = _story(extra_body=f"<h2>Related stories</h2><p>{SECOND_HALF[0]}</p>")
    assert SECOND_HALF[0] in _assemble(_page(inline), {}).paragraphs


@pytest.mark.parametrize(("text", "expected"), [
    ("More from The Felbridge Gazette", True), ("Related stories", True), ("Read next:", True),
    ("You may also like", True), ("Lesen Sie auch", True), ("What the engineers found", False),
    ("More from the minister on the bridge plan, who spoke to reporters on Tuesday", False),
    ("B.C. Headlines", True), ("Canada Headlines", True), ("Other news", True),
    ("More headlines", True), ("Headlines the council would rather forget", False)])
def test_related_module_heading(text, expected):
    assert is_related_module_heading(text) is expected


def test_the_main_region_widens_to_its_parent_marked_up_as_the_body():
    # a Blogger post: the model is sure of a long list, less so of the paragraphs after it
    items = [p + " " + q for p, q in zip(PARAGRAPHS[:3], SECOND_HALF * 2, strict=False)]
    post = (f"<div class='post-body'><p>{PARAGRAPHS[1]}</p><p>Blog tools</p>"
            f"<ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>"
            f"<p>{PARAGRAPHS[3]}</p><p>Edit post</p><p>{PARAGRAPHS[2]}</p></div>")
    story = f"<header><h1>Bridge closure delayed</h1></header>{post}"
    scores = {PARAGRAPHS[1]: 0.7, PARAGRAPHS[2]: 0.7, PARAGRAPHS[3]: 0.7, "Blog tools": 0.9,
              "Edit post": 0.1}
    article = _assemble(_page(story), scores)
    # a short line of the widened part needs a reason of its own ("Blog tools")
    assert article.paragraphs == [PARAGRAPHS[1], *items, PARAGRAPHS[3], PARAGRAPHS[2]]
    # the same post in an unmarked <div>: the paragraphs after the list lie outside its region
    bare = _assemble(_page(story.replace("post-body", "column")), scores)
    assert bare.paragraphs == [PARAGRAPHS[1], *items]


def test_a_bare_comment_sub_head_the_model_trusts_opens_no_thread():
    # an analysis in sections headed "Comment", "Briefing", ...: the model reads them as its own
    sections = (f"<h2>Comment</h2><p>{SECOND_HALF[0]}</p>"
                f"<h2>Briefing</h2><p>{SECOND_HALF[1]}</p>")
    long_story = _story(extra_body="".join(f"<p>{p}</p>" for p in PARAGRAPHS) + sections)
    article = _assemble(_page(long_story), {})
    assert article.paragraphs[-3:] == [SECOND_HALF[0], "Briefing", SECOND_HALF[1]]
    # the same heading the model doubts (a reply form's) still cuts what follows
    doubted = _assemble(_page(long_story), {"Comment": 0.1})
    assert SECOND_HALF[0] not in doubted.paragraphs


@pytest.mark.parametrize(("text", "expected"), [
    ("Comments", True), ("12 comments", True), ("Leave a Reply", True), ("Comments (3):", True),
    ("Comments on the plan closed on Friday", False), ("1 response", True), ("5 Responses", True),
    ("Comment", True), ("Comments are now closed for this story", True),
    ("Comments are closed.", True), ("Comments are closed on weekends", False),
    # a sub-head naming an API object is no comment thread
    ("Response", False)])
def test_comments_heading(text, expected):
    assert is_comments_heading(text) is expected


def test_site_furniture_and_code_are_never_body():
    code = ("var _q=0;function track(a,b){b=_h[_q++]=new Object();b._N=a;return b;} "
            "if (window.x && document.y) { go(); };")
    furniture = ["Posted in Local news | Tagged bridges, council", "October 2012 (19)",
                 "Share this article"]
    extra = "".join(f"<p>{t}</p>" for t in [*furniture, code])
    article = _assemble(_page(_story(extra_body=extra)), {})
    assert article.paragraphs == PARAGRAPHS
    labels = _labels(article)
    assert all(labels[t] == NAVIGATION for t in [*furniture, code])


def test_leaked_script_data_is_never_body_but_a_json_example_stays():
    data = ('The bridge at dusk.<\\/p>","size":41019,"height":592,"width":690,'
            '"dateCreated":{"date":"2026-06-09 19:55:39","timezone_type":3}')
    example = '{"bridge": "Felbridge", "lanes": 1, "open": false, "reopens": "2026-06-30"}'
    extra = f"<p>{data}</p><pre>{example}</pre>"
    article = _assemble(_page(_story(extra_body=extra)), {})
    assert article.paragraphs == [*PARAGRAPHS, example]
    assert looks_like_data(data, "p") and not looks_like_data(data, "pre")
    assert not looks_like_data('She called it "fair": a word, "late": another, "odd": too.',
                               "p")


def test_a_code_listing_in_pre_is_the_articles_text():
    listing = ("function reopen(bridge) { if (bridge.lanes === 1 && bridge.safe) "
               "{ return schedule(bridge); } };")
    assert looks_like_code(listing) and not looks_like_code(listing, "pre")
    article = _assemble(_page(_story(extra_body=f"<pre>{listing}</pre>")), {})
    assert article.paragraphs == [*PARAGRAPHS, listing]


@pytest.mark.parametrize(("text", "expected"), [
    ("Tags: bridges, council, Felbridge", True), ("Related posts:", True),
    ("Related posts were shown to the committee.", False), ("October 2012 (19)", True),
    ("In October 2012 (19 months ago) the bridge shut.", False), ("Related Posts", True),
    ("Recent Posts", True), ("No comments yet.", True),
    ("This entry was posted on Monday, June 9th, 2026 and is filed under Local news.", True),
    ("You can follow any responses to this entry through the RSS 2.0 feed.", True),
    ("A version of this article appeared in print on 06/09/2026, on page B9.", True),
    ("Recent posts on the council's forum were hostile.", False),
    ("Copyright 2026 Felbridge Gazette. All rights reserved.", True),
    ("If you like this blog please link back :-) (c) 2026 Quay Street Notes", True),
    ("© Felbridge Gazette", False), ("Photo: Orla Pemberton © 2026 Felbridge Gazette", False),
    ("The council holds the copyright to the bridge drawings, the report said.", False),
    ("Follow the Felbridge Gazette on Twitter and Facebook for the latest news", True),
    ("Follow us on Instagram", True), ("Sign up to our free breaking news emails", True),
    ("Get our daily news email featuring the best of the Gazette", True),
    ("Morning Brief: Sign up for the Gazette's daily newsletter to get it every weekday.", True),
    ("Get Felbridge news delivered to your inbox so you never miss the day's stories.", True),
    ("By providing your email address, you agree to the Gazette's Terms and Privacy Policy.",
     True),
    ("By signing up you accept our terms and conditions.", True),
    ("Traders said the bulletin was delivered to their inboxes on Monday morning.", False),
    ("By providing false e-mails to the council, the firm broke its contract.", False),
    ("For more stories like this, check our news page.", True),
    ("Got a story? Get in touch with our news team at news@felbridge.example", True),
    ("Follow the money, the inspector told the council on Tuesday.", False),
    ("Residents can sign up for the bridge consultation until June.", False),
    ("The council said it had got a story wrong in its newsletter.", False),
    ("An dieser Stelle finden Sie einen externen Inhalt von Vimeo, der den Bericht ergänzt.",
     True),
    ("Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden.", True),
    ("Link zum Vimeo-Inhalt", True), ("Click to load the Vimeo video", True),
    ("Externer Inhalt nicht verfügbar", True),
    ("We apologize, but this video has failed to load.", True),
    ("Try refreshing your browser, or tap here to see other videos from our team.", True),
    ("Your browser does not support the video tag.", True), ("Article content", True),
    ("The council's video of the vote has failed to load for many residents.", False),
    ("Deine Privatsphäre-Einstellungen verhindern das Laden und Anzeigen aller externen "
     "Inhalte und Sozialen Netzwerke.", True),
    ("Your privacy settings prevent this content from loading.", True),
    ("Der externe Inhalt war nicht verfügbar, sagte der Sprecher des Rates.", False),
    ("This content is not available due to your cookie settings.", True),
    ("Ich bin damit einverstanden, dass mir der Rat mehr Zeit gibt, sagte die Ministerin.",
     False),
    ("Readers can click to load the council's video of the vote.", False),
    # page tools and image-viewer prompts (l3s-gn1's 2008 pages put them beside the story)
    ("Print article", True), ("Email to a friendPrinter friendly", True),
    ("Printer friendly page | Send this article to friends by e-mail", True),
    ("Refer to a friend", True), ("Share", True), ("Click photo to enlarge", True),
    ("View larger image", True), ("Send in the engineers, the council said.", False),
    ("Share your pictures of the bridge with us", False),
    ("Click here to read the council's report", False),
    # capitalised teaser labels for a video or another story (CBC, Metro)
    ("WATCH | Residents react to the bridge closure:", True),
    ("MORE: Ferry timetable doubled while the bridge is shut", True),
    ("LISTEN: The council leader on the delay", True),
    ("More: the council will also review the weight limit.", False),
    ("READ NEXT: Ferry timetable doubled", True), ("RELATED | Ferry fares frozen", True),
    ("You may also like", True), ("What to read next", True), ("14K Shares", True),
    ("Read next to the harbour report, the plan looks cautious.", False),
    ("Residents may like the plan, the council hopes.", False),
    ("MORE: " + " ".join(["word"] * TEASER_LABEL_MAX_WORDS), False),
    # a video's title as its player shows it (Global News, National Post)
    ("2:05 Residents react to the bridge closure", True),
    ("Residents react to the bridge closure Back to video", True),
    ("14:32 The council leader has arrived at the bridge.", False),  # a live blog's entry
    ("10:05 Jon King", False),
    # a newsletter box's small print
    ("You can unsubscribe at any time.", True),
    ("I would like to be emailed about offers and updates from the Felbridge Gazette. Read "
     "our privacy notice.", True),
    ("Our members get offers from us and our partners. You can check out at any time. Read "
     "more about our Privacy Notice", True),
    ("In the end the council read our privacy policy.", False),
    ("Residents can opt out at any point, the council said.", False),
    # a newsletter prompt anywhere in a short line, its "sign-up" hyphenated too
    ("Our website is the place for the latest local news. Please bookmark felbridge.example "
     "and sign up for our daily newsletter, Quayside, here.", True),
    ("To receive these entries once a month by e-mail, sign up for the Quay Street Newsletter.",
     True),
    ("Sign-up To The Newsletter And Get A Free Map Of The Bridge", True),
    ("If you want in, just sign up for my newsletter (it's free).", False),
    ("The council said residents who sign up for the newsletter will hear of closures.", False),
    ("If you enjoyed this article, enter your email below to get free updates!", True),
    ("If you enjoyed this town, the council said, visit it again.", False),
    # lines about the page rather than the story
    ("Our Standards: The Felbridge Gazette Trust Principles.", True),
    ("Our standards of repair are high, the engineer said.", False),
    ("A version of this article appeared June 9, 2026, on page A2 of the Felbridge Gazette.",
     True),
    ("A version of this article appears in print on June 10, 2026.", True),
    ("Related Content", True), ("Related news:", True), ("Main article: Felbridge", True),
    ("Related news reached the council on Tuesday.", False)])
def test_site_furniture(text, expected):
    assert is_site_furniture(text) is expected


@pytest.mark.parametrize(("text", "holds_literal"), [
    ("Copyright 2026 Felbridge Gazette. ALL RIGHTS RESERVED.", True),
    ("(C) 2026 Quay Street Notes", True), ("(c)2026 Quay Street Notes", True),
    ("Please do Not Reproduce these photographs", True),
    ("All rıghts reserved by the Gazette", True), ("All rightſ reserved by the Gazette", True),
    ("© the Gazette and its owners", True), ("The bridge reopens in June after repairs", False)])
def test_rights_notice_prefilter(text, holds_literal):
    assert _may_hold_rights_notice(text) is holds_literal


_RIGHTS_PIECES = ("all", "rights", "reserved", "do", "not", "reproduce", "(c)", "©", "2026",
                  " ", " ", "paper")
#: Stand-ins ignore-case matching takes for a letter, beside its upper case.
_CASE_TWINS = {"i": "ı", "s": "ſ", "k": "\u212a"}


@given(st.lists(st.sampled_from(_RIGHTS_PIECES), max_size=12), st.randoms())
@settings(max_examples=300, deadline=None)
def test_rights_notice_prefilter_lets_every_match_through(pieces, rng):
    # the cheap literal test must never turn away a text the regular expression matches
    text = "".join(rng.choice((c, c.upper(), _CASE_TWINS.get(c, c))) for c in "".join(pieces))
    if _RIGHTS_NOTICE.search(text):
        assert _may_hold_rights_notice(text)


def test_long_wordpress_filing_line_is_furniture():
    line = ("This entry was posted on Monday, June 9th, 2026 at 12:41 pm and is filed under "
            "Local news, Bridges, Council, Felbridge, Quay Street. You can follow any responses "
            "to this entry through the RSS 2.0 feed. You can leave a response, or trackback "
            "from your own site.")
    assert 40 < len(line.split()) <= FURNITURE_MAX_WORDS
    assert is_site_furniture(line)
    assert not is_site_furniture(line + " word" * FURNITURE_MAX_WORDS)


def test_prose_with_brackets_is_not_code():
    assert not looks_like_code("The council (which met on Tuesday) agreed [after a vote] "
                               "that costs = benefits; the mayor said so.")


def test_empty_body_falls_back_to_the_likeliest_content():
    caption = "The old toll bridge at Felbridge, closed since March."
    page = _page(f"<figure><figcaption>{caption}</figcaption></figure><p>Home page</p>")
    article = _assemble(page, {caption: 0.4, "Home page": 0.05}, default=0.01)
    assert article.body == caption
    assert _labels(article)[caption] == CONTENT
    nothing = _assemble(page, {caption: 0.01, "Home page": 0.01}, default=0.01)
    assert nothing.body == ""
    assert FALLBACK_REGION_MIN_SCORE > 0.01


def test_fallback_takes_the_prose_where_the_article_most_likely_is():
    """A model unsure of every paragraph (each in its own wrapper, judged on its own) still
    ranks them above the rest of the page as a whole: the likeliest single block, the site's
    tagline here, is not the article, the prose around the likeliest text is."""
    tagline = "News, views and tide tables for the Felbridge estuary"
    teaser = "Ferry timetable cut for the winter, the operator says."
    wrapped = "".join(f"<div class='para-wrap'><p>{p}</p></div>" for p in PARAGRAPHS)
    page = _page(f"<h1>Bridge closure delayed</h1><div class='body'>{wrapped}</div>",
                 aside=f"<p>{teaser}</p>")
    page = page.replace("<div class='main'>", f"<header><p>{tagline}</p></header><div class='main'>")
    scores = {"Bridge closure": 0.9, tagline: 0.45, teaser: 0.3,
              **{p[:40]: 0.1 + 0.05 * k for k, p in enumerate(PARAGRAPHS)}}
    article = _assemble(page, scores, default=0.01)
    assert article.paragraphs == PARAGRAPHS
    assert article.title == "Bridge closure delayed"
    labels = _labels(article)
    assert labels[tagline] == labels[teaser] == NAVIGATION
    assert len(tagline) >= FALLBACK_PROSE_MIN_CHARS and len(teaser) >= FALLBACK_PROSE_MIN_CHARS


def test_a_short_body_beside_likelier_prose_gets_the_prose():
    """The model sure of one short line (a standfirst set apart) and unsure of the article
    beside it: the article's prose joins the body when it weighs much more; a short post
    keeps its one paragraph when the other prose on the page is unlikely."""
    lead = "Repairs to take all summer, engineers say."
    wrapped = "".join(f"<div class='para-wrap'><p>{p}</p></div>" for p in PARAGRAPHS)
    page = _page(f"<h1>Bridge closure delayed</h1><div class='standfirst'><p>{lead}</p></div>"
                 f"<div class='body'>{wrapped}</div>")
    scores = {"Bridge closure": 0.9, lead: 0.9, **{p[:40]: 0.3 for p in PARAGRAPHS}}
    article = _assemble(page, scores, default=0.01)
    assert len(lead) < FALLBACK_SHORT_BODY_CHARS
    assert article.paragraphs == [lead, *PARAGRAPHS]
    unlikely = _assemble(page, {"Bridge closure": 0.9, lead: 0.9,
                                **{p[:40]: 0.03 for p in PARAGRAPHS}}, default=0.01)
    assert unlikely.paragraphs == [lead]
    assert FALLBACK_SHORT_BODY_RATIO * len(lead) > 0.03 * sum(map(len, PARAGRAPHS))


def test_fallback_when_only_the_headline_and_byline_are_content():
    post = ("Six days without power so far, and the generator in the yard has run out of fuel "
            "twice; the council says another week.")
    page = _page(f"<h1>Bridge closure delayed</h1><p class='byline'>By Orla Pemberton</p>"
                 f"<p>{post}</p>")
    article = _assemble(page, {"Bridge": 0.9, "By Orla": 0.9, post: 0.3}, default=0.01)
    assert article.title == "Bridge closure delayed"
    assert article.byline == ("By Orla Pemberton",)
    assert article.body == post


def test_fallback_looks_beside_its_paragraphs_wrapper():
    """When the model is unsure of the whole article (a site it never saw), the fallback's
    likeliest paragraph sits in its own wrapper: the paragraphs in the wrappers beside it are
    the rest of the article, not just that one paragraph."""
    likeliest = "Engineers say the repairs will take all summer. " + " ".join(PARAGRAPHS[:2])
    assert len(likeliest) >= PARALLEL_PATH_MIN_CHARS
    body = "".join(f"<div class='para-wrap'><p>{p}</p></div>" for p in [likeliest, *PARAGRAPHS])
    page = _page(f"<h1>Bridge closure delayed</h1><div class='body'>{body}</div>")
    scores = {"Bridge closure": 0.9, likeliest: 0.55, **dict.fromkeys(PARAGRAPHS, 0.25)}
    article = _assemble(page, scores, default=0.01)
    assert article.paragraphs == [likeliest, *PARAGRAPHS]
    assert article.title == "Bridge closure delayed"


def test_fallback_skips_the_sidebar_and_site_furniture():
    caption = "The old toll bridge at Felbridge, closed since March."
    archive = "October 2012 (19)"
    page = _page(f"<figure><figcaption>{caption}</figcaption></figure><p>{archive}</p>",
                 aside="".join(f"<p>{p}</p>" for p in BIO))
    article = _assemble(page, {caption: 0.3, archive: 0.5, BIO[0]: 0.5}, default=0.01)
    assert article.body == caption
    labels = _labels(article)
    assert labels[BIO[0]] == labels[archive] == NAVIGATION


def test_read_more_teaser_inside_the_story_is_navigation():
    teaser = "Read more: Felbridge ferry timetable cut for the winter"
    inline = ("Read more about the plan: the council said the second lane would open first, "
              "and that buses would have priority on it.")
    link = "<a href='/news/ferry'>Felbridge ferry timetable cut for the winter</a>"
    extra = f"<p>Read more: {link}</p><p>{inline}</p>"
    article = _assemble(_page(_story(extra_body=extra)), {})
    assert article.paragraphs == [*PARAGRAPHS, inline]
    labels = _labels(article)
    assert labels[teaser] == NAVIGATION


@pytest.mark.parametrize(("text", "link_chars", "expected"), [
    ("READ MORE: Bridge closure delayed", 22, True),
    ("See also – Bridge closure delayed", 22, True),
    ("Lesen Sie auch: Brücke bleibt gesperrt", 22, True),
    ("Les også: Brua stenges i to uker", 22, True),
    ("Läs mer - Bron stängs i två veckor", 22, True),
    ("READ MORE: Bridge closure delayed", 0, False),     # no link: the article's own words
    ("Read more about the bridge in our guide", 5, False),  # no separator after the opener
    # another story's headline linked in capitals
    ("2 FELBRIDGE RESIDENTS SUE COUNTY OVER BRIDGE", 44, True),
    ("CLICK HERE TO GET THE GAZETTE APP", 33, True),
    ("2 FELBRIDGE RESIDENTS SUE COUNTY OVER BRIDGE", 20, False),  # mostly not a link
    ("Felbridge residents sue the county", 34, False),            # not in capitals
    ("USA TODAY", 9, False), ("NHS ENGLAND", 11, False),         # a name, not a headline
    ('"THE GIRL WHO LEAPT THROUGH TIME"', 33, False),             # a quoted title
    ("東京 大阪 名古屋", 9, False),                                   # no cased letters
])
def test_related_link(text, link_chars, expected):
    assert is_related_link(text, link_chars) is expected


@pytest.mark.parametrize(("text", "link_share", "expected"), [
    ("Sport Homepage | Football | Cricket | Rugby Union | Tennis | Golf", 0.9, True),
    ("del.icio.us | Digg it | Reddit | Newsvine", 1.0, True),
    ("Home » News » Local » Felbridge", 0.8, True),
    ("Football | Cricket | Golf", 1.0, False),                       # two bars: a short list
    ("Council | Engineers | Traders | Residents all met on Tuesday", 0.2, False),  # prose
])
def test_link_menu(text, link_share, expected):
    assert is_link_menu(text, int(link_share * len(text))) is expected


def test_a_menu_set_as_one_line_in_the_story_leaves_the_body():
    menu = ("<div><a href='/'>Sport Homepage</a> | <a href='/f'>Football</a> | "
            "<a href='/c'>Cricket</a> | <a href='/g'>Golf</a> | <a href='/t'>Tennis</a></div>")
    _assert_out_of_body(menu, {"Sport Homepage | Football | Cricket | Golf | Tennis": NAVIGATION})
