"""Word lists the features look for: class / id tokens, phrases (several languages), tags.

They are evidence for the model, never rules on their own: the model learns their weight.
The predicates at the end (comment threads, bylines, site furniture, script code) are the
assembly's (``classifier.extraction``): they place blocks the model already called content.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

from classifier.constants import (
    AD_LABEL_MAX_CHARS,
    AFFILIATE_DISCLOSURE_MAX_WORDS,
    CAPS_TEASER_MIN_LETTERS,
    CAPS_TEASER_MIN_LINK_SHARE,
    CAPS_TEASER_MIN_UPPER_SHARE,
    CAPS_TEASER_MIN_WORDS,
    CHAIN_CACHE_ENTRIES,
    CODE_MIN_CHAR_SHARE,
    CODE_MIN_MARKERS,
    COMMENTS_HEADING_MAX_CHARS,
    DATELINE_MAX_OTHER_WORDS,
    FIGURE_LEVELS,
    FURNITURE_MAX_WORDS,
    LINK_MENU_MIN_LINK_SHARE,
    LINK_MENU_MIN_SEPARATORS,
    MODULE_HEADING_MAX_WORDS,
    PROMO_MAX_WORDS,
    RELATED_LINK_MIN_SHARE,
    RIGHTS_NOTICE_MIN_WORDS,
    SEGMENT_CACHE_ENTRIES,
    TEASER_LABEL_MAX_WORDS,
    TRUNCATION_NOTICE_MAX_CHARS,
)

__all__ = [
    "CLASS_CUES",
    "PHRASE_CUES",
    "STOPWORDS",
    "TAG_VOCABULARY",
    "caption_box_levels",
    "ends_with_photo_credit",
    "in_bio_box",
    "in_comment_thread",
    "in_consent_dialog",
    "in_sidebar",
    "in_social_embed",
    "in_story_insert",
    "is_ad_label",
    "is_affiliate_disclosure",
    "is_body_marked",
    "is_caption",
    "is_comments_heading",
    "is_form_control",
    "is_inset",
    "is_lead_marked",
    "is_link_menu",
    "is_metadata_line",
    "is_related_link",
    "is_related_module_heading",
    "is_site_furniture",
    "is_truncation_notice",
    "looks_like_code",
    "looks_like_data",
    "marked_never_article",
    "marks_body",
]

#: Block tags with a column of their own (others share ``tag=other``).
TAG_VOCABULARY = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th",
                  "div", "section", "article", "span", "a", "blockquote", "pre",
                  "figcaption", "caption", "header", "footer", "nav", "aside", "form", "button",
                  "option", "ul", "label", "main", "body", "time", "address", "summary")

#: Class / id token groups: ``(name, tokens)``; the feature is the nearest level that matches.
CLASS_CUES: tuple[tuple[str, frozenset[str]], ...] = (
    ("content", frozenset({
        "article", "story", "body", "content", "entry", "post", "text", "main", "articlebody",
        "article-body", "story-body", "post-content", "entry-content", "article-content",
        "article-text", "story-text", "richtext", "prose", "paragraph", "copy", "artikel",
        "detail", "news", "blog", "single", "contenido", "corpo", "texte", "inhalt"})),
    ("navigation", frozenset({
        "nav", "navigation", "menu", "navbar", "breadcrumb", "breadcrumbs", "footer", "header",
        "sidebar", "widget", "related", "share", "sharing", "social", "comment", "comments",
        "tags", "tag", "topics", "trending", "popular", "most", "recommended", "newsletter",
        "cookie", "cookies", "consent", "gdpr", "masthead", "toolbar", "subnav", "pagination",
        "pager", "teaser", "teasers", "more", "latest", "follow", "signup", "byline-share",
        "links", "list", "rail", "aside", "promo", "recirculation", "outbrain-widget", "hidden",
        "skip", "banner-nav", "top-stories", "read-more", "related-articles", "author-bio",
        "copyright", "legal", "login", "search"})),
    ("ad", frozenset({
        "ad", "ads", "advert", "advertisement", "adslot", "ad-slot", "adunit", "ad-unit",
        "ad-container", "ad-wrapper", "dfp", "gpt", "banner", "sponsor", "sponsored", "promoted",
        "outbrain", "taboola", "commercial", "anzeige", "werbung", "adsense", "googleads",
        "native", "partner", "affiliate", "billboard", "leaderboard", "mpu", "skyscraper",
        "teads", "adblock", "publicite", "pub", "marketing"})),
    ("paywall", frozenset({
        "paywall", "meter", "metered", "subscribe", "subscription", "subscriber", "premium",
        "piano", "tp-modal", "regwall", "offer", "offers", "plan", "plans", "pricing", "price",
        "abo", "abonnement", "plus", "paid", "locked", "lock", "gate", "wall", "barrier",
        "register", "registration", "truncated", "fade", "limit", "trial", "checkout",
        "membership", "member", "exclusive", "pw", "zephr", "poool", "tinypass"})),
    ("byline", frozenset({
        "byline", "author", "authors", "date", "dateline", "time", "published", "timestamp",
        "meta", "credit", "caption", "figcaption", "lead", "standfirst", "summary", "intro",
        "dek", "subtitle", "subhead", "headline", "title", "kicker"})),
)

_PAYWALL = (
    r"subscri(?:be|ption|ber)|free articles?|articles? (?:left|remaining)|reached your limit"
    r"|already (?:a )?(?:subscriber|member|have an account)|log ?in to (?:continue|read)"
    r"|sign ?in to (?:continue|read)|per (?:month|week|year)|/ ?(?:month|mo|week|year)\b"
    r"|unlimited (?:access|digital)|cancel any ?time|trial|premium|subscribers? only"
    r"|to continue reading|keep reading for|unlock|paywall|plans?\b.{0,20}\bprice"
    r"|abonn|abo\b|jetzt (?:lesen|testen|weiterlesen)|plus-artikel|zugang|monat"
    r"|s'abonner|abonnez|réservé aux abonnés|suscr[ií]b|suscripci[oó]n|exclusivo para"
    r"|assin(?:e|atura)|abbonati|abbonamento|registrieren|register (?:for free|now)"
)
_AD = (
    r"\badvertisement\b|\badvertising\b|\bsponsored\b|\bpromoted\b|continues below|story continues"
    r"|\bpaid (?:content|post|partner)|\bpartner content|\bad\b|\bads\b|anzeige|werbung"
    r"|publicit[ée]|publicidad|pubblicit[àa]|reklame|affiliate|commission|presented by"
    r"|brought to you by|\bpromo(?:tion)?\b|shop now|buy now|deal"
)
_NAVIGATION = (
    r"read more|more from|top stories|related|most (?:read|popular|viewed)|trending"
    r"|share (?:this|on)|follow us|sign up for|newsletter|cookie|privacy|terms of (?:use|service)"
    r"|all rights reserved|©|copyright|comments?\b|skip to|back to top|you may also like"
    r"|recommended|latest news|see all|view all|click here|weitere|mehr zum thema|lesen sie auch"
    r"|auch interessant|à lire aussi|lire aussi|leer m[áa]s|tambi[ée]n te puede|leggi anche"
    r"|home\b|menu\b|login|log in|sign in|search"
)
_BYLINE = (
    r"^(?:by|von|par|por|di|door|av)\s+\S|\bupdated\b|\bpublished\b|\bposted\b|reporter"
    r"|correspondent|minutes? read|min read|\bphoto:|\bfoto:|\bimage:|\bcredit:|getty|reuters"
    r"|\bap\b|afp|dpa"
)

#: Phrase groups searched in a block's lower-cased text.
PHRASE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paywall", re.compile(_PAYWALL)),
    ("ad", re.compile(_AD)),
    ("navigation", re.compile(_NAVIGATION)),
    ("byline", re.compile(_BYLINE)),
)

#: Frequent function words of the languages in the training data (prose has many of them).
STOPWORDS = frozenset(["a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our", "your", "not", "no", "so", "than", "then", "there", "which", "who", "whom", "what", "when", "where", "why", "how", "all", "any", "some", "more", "most", "such", "can", "could", "would", "should", "will", "has", "have", "had", "do", "does", "did", "also", "into", "about", "after", "before", "over", "under", "between", "while", "during", "der", "die", "das", "und", "oder", "aber", "ein", "eine", "einer", "eines", "einem", "einen", "ist", "sind", "war", "waren", "nicht", "mit", "von", "zu", "im", "in", "am", "auf", "für", "fur", "bei", "aus", "nach", "als", "auch", "es", "sie", "er", "wir", "ihr", "dass", "daß", "wie", "wenn", "noch", "nur", "so", "über", "le", "la", "les", "un", "une", "des", "et", "ou", "mais", "de", "du", "au", "aux", "est", "sont", "était", "pas", "pour", "par", "avec", "dans", "sur", "que", "qui", "ce", "cette", "ces", "il", "elle", "ils", "nous", "vous", "leur", "plus", "se", "ne", "en", "el", "la", "los", "las", "un", "una", "unos", "y", "o", "pero", "de", "del", "al", "es", "son", "fue", "no", "por", "para", "con", "en", "que", "se", "lo", "su", "sus", "como", "il", "lo", "gli", "le", "un", "una", "e", "o", "ma", "di", "da", "del", "della", "che", "non", "per", "con", "su", "è", "sono", "o", "a", "os", "as", "um", "uma", "e", "ou", "mas", "de", "do", "da", "dos", "das", "em", "no", "na", "que", "não", "para", "com", "por", "se", "de", "het", "een", "en", "of", "maar", "van", "in", "op", "met", "voor", "dat", "niet", "is", "zijn", "was"])


#: Class / id tokens of the element holding a page's comment thread (not the article's own
#: "comments-open" style flags, which WordPress puts on the body and the article).
_COMMENT_PREFIXES = ("comment", "disqus")
_COMMENT_WORDS = frozenset({"respond", "replies", "discussion", "talkback", "reader-comments"})
_NOT_COMMENT = frozenset({"comments-open", "comments-closed", "comment-count", "comments-count",
                          "comments-link", "comment-link", "commentcount", "comments-number",
                          "comment-icon", "comments-icon", "comment-button", "comments-button",
                          "commented", "comments-enabled", "comments-allowed", "has-comments",
                          "with-comments"})
_COMMENT_EXCEPTIONS = ("commentar", "commentisfree", "commenter-")
_COMMENT_LEVELS = 12


def _comment_token(token: str) -> bool:
    if token in _COMMENT_WORDS:
        return True
    if token in _NOT_COMMENT:
        return False
    return token.startswith(_COMMENT_PREFIXES) and not token.startswith(_COMMENT_EXCEPTIONS)


_Key = TypeVar("_Key", bound=Hashable)


def _judged_once(judge: Callable[[_Key], bool], entries: int = SEGMENT_CACHE_ENTRIES,
                 verdicts: dict[_Key, bool] | None = None) -> Callable[[_Key], bool]:
    """``judge``, each key judged once: a page's blocks share their ancestors' token tuples
    and chains (a bounded cache of ``entries`` verdicts, ``verdicts`` when given; a full one
    starts afresh). A closure, not a class: it runs thousands of times a page."""
    cache: dict[_Key, bool] = {} if verdicts is None else verdicts

    def judged(key: _Key) -> bool:
        found = cache.get(key)
        if found is None:
            found = judge(key)
            if len(cache) >= entries:
                cache.clear()
            cache[key] = found
        return found

    return judged


@_judged_once
def _is_comment_element(tokens: tuple[str, ...]) -> bool:
    """The tokens mark a comment thread."""
    return _NOT_COMMENT.isdisjoint(tokens) and any(_comment_token(t) for t in tokens)


def in_comment_thread(tokens: tuple[str, ...],
                      ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """True when the block or one of its near ancestors (not body / html) is a comment thread:
    by the taxonomy, readers' comments are navigation, never article content."""
    if tokens and _is_comment_element(tokens):
        return True
    for tag, element_tokens in ancestors[:_COMMENT_LEVELS]:
        if element_tokens and tag != "body" and tag != "html" and _is_comment_element(
                element_tokens):
            return True
    return False


#: Class / id tokens of a cookie / privacy consent dialog (the consent managers' own names;
#: not a bare "cookie", which a recipe may carry, nor "cmp", a CMS's component prefix).
_CONSENT_TOKENS = frozenset({
    "consent", "onetrust", "cookiebot", "didomi", "usercentrics", "trustarc", "truste",
    "cookielaw", "gdpr", "qc-cmp2", "sp-message-container", "cookie-banner", "cookiebanner",
    "cookie-notice", "cookienotice", "cookie-bar", "cookiebar", "cookie-law", "cookie-layer",
    "cookie-dialog", "cookie-modal", "cookie-popup", "cookie-disclaimer", "cookie-settings",
    "privacy-banner", "privacy-manager"})


@_judged_once
def _is_consent_element(tokens: tuple[str, ...]) -> bool:
    return not _CONSENT_TOKENS.isdisjoint(tokens)


def _consent_in_chain(ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    return any(element_tokens and tag != "body" and tag != "html"
               and _is_consent_element(element_tokens) for tag, element_tokens in ancestors)


#: Verdicts of ``_consent_in_chain`` on ancestor chains (a container's blocks share theirs).
_CONSENT_ANCESTRY: dict[tuple[tuple[str, tuple[str, ...]], ...], bool] = {}
_consent_chain = _judged_once(_consent_in_chain, CHAIN_CACHE_ENTRIES, _CONSENT_ANCESTRY)


def in_consent_dialog(tokens: tuple[str, ...],
                      ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """True when the block or an ancestor (not body / html, where sites flag the reader's
    choice) is a cookie or privacy consent dialog: by the taxonomy, navigation, however long
    its prose (it can outweigh a short article and pull the main region to itself)."""
    return bool(tokens and _is_consent_element(tokens)) or _consent_chain(ancestors)


#: Class / id tokens of a page's sidebar (besides the ``<aside>`` element).
_SIDEBAR_TOKENS = frozenset({"sidebar", "side-bar", "sidebar-right", "sidebar-left",
                             "right-sidebar", "left-sidebar", "widget-area", "rail",
                             "right-rail", "secondary"})


def in_sidebar(ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """True when the block sits in an ``<aside>`` or an element marked as the sidebar: the
    place of author bios, "about this blog" boxes and teasers, never of the article."""
    return any(tag == "aside" or not _SIDEBAR_TOKENS.isdisjoint(tokens)
               for tag, tokens in ancestors)


#: Class names that say an element is not the article's text: Google's ``nocontent`` convention
#: for search engines (modules of recent posts, blurbs, tools), a post's footer and a copyright
#: line. Chosen from the class names of content-labelled blocks outside the gold on dragnet,
#: l3s-gn1, fundus and readability: on 4 or more sites each, never around gold text.
_NOT_CONTENT_TOKENS = frozenset({"nocontent", "no-content", "noindex", "robots-nocontent",
                                 "post-footer", "copyright"})


#: Class tokens of a social network's embedded post (the markup its embed code ships before
#: its script turns it into a frame): someone else's words quoted into the page, not the
#: article's text (fundus, dragnet: mostly left out of the gold).
_SOCIAL_EMBED_TOKENS = frozenset({
    "twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "fb-post",
    "bluesky-embed", "reddit-embed", "threads-embed"})


def _carries(marks: frozenset[str], tokens: tuple[str, ...],
             ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block or one of its ancestors has one of the class / id tokens ``marks``."""
    return not marks.isdisjoint(tokens) or any(
        not marks.isdisjoint(element_tokens) for _, element_tokens in ancestors)


def in_social_embed(tokens: tuple[str, ...],
                    ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block is (inside) an embedded social-network post."""
    return _carries(_SOCIAL_EMBED_TOKENS, tokens, ancestors)


#: Class / id tokens of a box set into the story beside its running text: a fact box
#: ("factbox", "c-info-box", "infobox"; Metro, Dagbladet, Hessenschau, AP: background facts,
#: lists, a quoted document) or an inset (Kinja's "core-decorated-inset" card for another
#: story). Not the article's text: fundus and readability leave them out of their gold.
#: Matched inside longer tokens ("metro-factbox-content"), up to ``_STORY_INSERT_LEVELS``
#: ancestors up.
_STORY_INSERT_TOKEN = re.compile(r"fact-?box|info-?box|fakten-?box|fakta-?boks|(?:^|-)inset(?:-|$)")
_STORY_INSERT_LEVELS = 6


@_judged_once
def _is_story_insert_element(tokens: tuple[str, ...]) -> bool:
    """The tokens mark a fact box or an inset."""
    return any(_STORY_INSERT_TOKEN.search(token) for token in tokens)


def in_story_insert(tokens: tuple[str, ...],
                    ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block is (inside) a fact box or an inset set into the story."""
    return (bool(tokens) and _is_story_insert_element(tokens)) or any(
        element_tokens and _is_story_insert_element(element_tokens)
        for _, element_tokens in ancestors[:_STORY_INSERT_LEVELS])


#: Form controls: a browser shows their text as a widget (a drop-down's options, a button's
#: caption, an input box), never as the article's prose.
_FORM_CONTROL_TAGS = frozenset({"select", "option", "optgroup", "datalist", "textarea",
                                "button"})


def is_form_control(tag: str, ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block is a form control or an option of a drop-down (its nearest ancestors)."""
    return tag in _FORM_CONTROL_TAGS or any(
        ancestor in _FORM_CONTROL_TAGS for ancestor, _ in ancestors[:2])


#: Either of the two token sets above: one scan of the ancestors answers both questions.
_NEVER_ARTICLE_TOKENS = _SOCIAL_EMBED_TOKENS | _NOT_CONTENT_TOKENS


def marked_never_article(tokens: tuple[str, ...],
                         ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """``marked_not_content`` or ``in_social_embed``, in one scan (it runs on every content
    block of a page)."""
    return _carries(_NEVER_ARTICLE_TOKENS, tokens, ancestors)


def marked_not_content(tokens: tuple[str, ...],
                       ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block or an ancestor carries a class that marks it as not the article's text."""
    return _carries(_NOT_CONTENT_TOKENS, tokens, ancestors)


#: Class / id tokens of an author's bio box ("author-bio", "authorbio", "bio", "biography";
#: not "biology").
_BIO = r"biography|(?:^|-|author)bio(?:$|-|box)"
_BIO_TOKEN = re.compile(_BIO)
#: Class / id tokens of text set into a page's column: a photo caption or credit, a pull
#: quote, an author's bio box.
_INSET_TOKEN = re.compile(rf"caption|credit|quote|{_BIO}")
#: Levels of ancestors (nearest first) whose tokens can mark an inset or a bio box.
_INSET_LEVELS = 2


#: Class / id tokens of the element holding an article's text (CMS conventions; single words
#: such as "content" or "body" mark whole page columns too, so only compounds count).
_BODY_TOKENS = frozenset({
    "post-body", "postbody", "entry-content", "entrycontent", "entry-body", "entry-text",
    "post-content", "post-entry", "post-text", "article-body", "articlebody", "article-content",
    "article-text", "articletext", "article-copy", "story-body", "story-content", "story-text",
    "storytext", "body-text", "body-copy"})


def is_body_marked(tokens: tuple[str, ...],
                   ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block or its parent is marked up as the article's text ("entry-content",
    "post-body", itemprop "articleBody")."""
    parent_tokens = ancestors[0][1] if ancestors else ()
    return marks_body(tokens) or marks_body(parent_tokens)


def marks_body(tokens: tuple[str, ...]) -> bool:
    """An element's class / id / itemprop tokens mark it up as the article's text."""
    return not _BODY_TOKENS.isdisjoint(tokens)


#: Class / id tokens of an article's lead (standfirst, summary, dek).
_LEAD_TOKENS = frozenset({"lead", "intro", "standfirst", "preamble", "excerpt", "dek", "deck",
                          "summary", "description", "teaser", "lede", "abstract", "subtitle",
                          "subheadline", "kicker"})


def is_lead_marked(tokens: tuple[str, ...],
                   ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block or one of its two nearest ancestors is marked up as the article's lead."""
    return not _LEAD_TOKENS.isdisjoint(tokens) or any(
        not _LEAD_TOKENS.isdisjoint(element_tokens)
        for _, element_tokens in ancestors[:_INSET_LEVELS])


@_judged_once
def _is_bio_element(tokens: tuple[str, ...]) -> bool:
    """The tokens mark an author's bio box."""
    return any(_BIO_TOKEN.search(token) for token in tokens)


def in_bio_box(tokens: tuple[str, ...],
               ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """The block is (in) an author's bio box ("Jane Doe is a reporter at ..."): about the
    writer, not the article's text."""
    return (bool(tokens) and _is_bio_element(tokens)) or any(
        element_tokens and _is_bio_element(element_tokens)
        for _, element_tokens in ancestors[:_INSET_LEVELS])


def is_inset(tag: str, tokens: tuple[str, ...],
             ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """A caption, photo credit, pull quote or bio box (by its tag or its own or its near
    ancestors' class / id tokens): never the article's lead, however close to the headline."""
    if tag in ("figcaption", "blockquote"):
        return True
    return any(_INSET_TOKEN.search(token) for token in tokens) or any(
        _INSET_TOKEN.search(token) for _, element_tokens in ancestors[:_INSET_LEVELS]
        for token in element_tokens)


def is_caption(tag: str, tokens: tuple[str, ...],
               ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """A photo caption: a ``<figcaption>``, or a block whose class / id tokens or its parent's
    name a caption ("wp-caption-text", "image-caption")."""
    if tag == "figcaption":
        return True
    parent_tokens = ancestors[0][1] if ancestors else ()
    return any("caption" in token for token in tokens) or any(
        "caption" in token for token in parent_tokens)


#: Class / id tokens naming an element for its picture ("imgbox", "image-widget", "photo").
_IMAGE_BOX_TOKEN = re.compile(r"^(?:img|image|photo|picture|pic|figure|media)")
#: Text in a figure that is not its caption: a table's cells, a pull quote.
_NOT_CAPTION_TAGS = frozenset({"table", "td", "th", "caption", "blockquote"})


def caption_box_levels(tag: str, tokens: tuple[str, ...],
                       ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> int | None:
    """How many levels up the element is whose text, with its picture, would be the block's
    caption: the nearest ``<figure>`` within ``FIGURE_LEVELS`` (not through a table or block
    quote), else the parent when the block or the parent is named for a picture; ``None``
    when there is none (the caller checks that the element holds a picture and little
    else)."""
    if tag not in _NOT_CAPTION_TAGS:
        for level, (ancestor, _) in enumerate(ancestors[:FIGURE_LEVELS], start=1):
            if ancestor == "figure":
                return level
            if ancestor in _NOT_CAPTION_TAGS:
                break
    parent_tokens = ancestors[0][1] if ancestors else ()
    if any(_IMAGE_BOX_TOKEN.match(token) for token in (*tokens, *parent_tokens)):
        return 1
    return None


#: A caption's trailing credit: "... (Image: Getty)", "(Photo: AP)", "(Pic: PA)", "(Credit:
#: CNET)"; some sites set captions in plain ``<div>``s.
_CREDIT_SUFFIX = re.compile(r"\((?:images?|photos?|pictures?|pics?|credits?|foto|bild)\s*:"
                            r"\s*[^()]{1,80}\)$", re.IGNORECASE)
_CREDIT_SUFFIX_CHARS = 100


def ends_with_photo_credit(text: str) -> bool:
    """The text ends with a photo credit in brackets: a caption, whatever its markup."""
    text = text.rstrip()
    return text.endswith(")") and bool(_CREDIT_SUFFIX.search(text[-_CREDIT_SUFFIX_CHARS:]))


# --- article metadata lines (used by assembly, not by the features) ---------------------------
#: Class / id tokens of a byline, dateline, time stamp or credit line (the element or its
#: parent).
_META_TOKENS = frozenset({
    "byline", "byline-name", "by-line", "author", "authors", "author-name", "writer", "dateline",
    "date", "datetime", "time", "timestamp", "published", "pubdate", "posted", "post-date",
    "entry-date", "article-date", "story-date", "updated", "date-published", "datepublished",
    "datemodified", "date-modified", "credit", "credits", "photo-credit", "image-credit",
    "post-meta", "entry-meta", "article-meta", "story-meta", "postmetadata", "reviewer",
    "contributor"})
_META_TAGS = frozenset({"time", "address"})
_MONTHS = (r"jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?"
           r"|aug(?:ust|\.)?|sep(?:t|tember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?"
           r"|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin"
           r"|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo"
           r"|junio|julio|agosto|septiembre|octubre|noviembre|diciembre")
#: A date or a clock time: "9 June 2026", "June 9, 2026", "2026-06-09", "09/06/26", "12:41".
_DATE_OR_TIME = re.compile(
    rf"\b(?:\d{{1,2}}\.?\s+(?:{_MONTHS})\b|(?:{_MONTHS})\s+\d{{1,2}}\b|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
    # a clock time, also glued to the words before it ("2 hours ago10:05": two spans)
    r"|(?<![\d:])\d{1,2}:\d{2}", re.IGNORECASE)
#: How a byline, a time stamp or a credit line starts ("By Orla Pemberton", "Updated 3:45 PM",
#: "Photo: ...", "words by ..."); "By turning ..." is prose, so a name must follow "by".
_META_START = re.compile(
    r"^(?:(?:[Bb]y|BY|[Ww]ritten by|[Pp]osted by|[Vv]on|[Pp]ar|[Pp]or)\s+[A-ZÀ-Ý]"
    r"|(?i:(?:words|text|story|reported|interview)(?:\s+and\s+\w+)?\s+by)\s+[A-ZÀ-Ý]"
    r"|(?i:posted|published|updated|last updated|last modified|first published|reporting by"
    r"|editing by|additional reporting)\b"
    r"|(?i:(?:photo|photos|photograph|picture|image|foto|fotos|bild)\s*(?:credit|by)?\s*:"
    r"|(?:photo|photograph|picture|image|foto|bild)\s+(?:credit|by)\b|credits?\s*:))")
#: Words a dateline or time stamp holds besides the date and time.
_DATELINE_WORDS = frozenset({
    "on", "at", "am", "pm", "a.m", "p.m", "gmt", "bst", "utc", "et", "est", "edt", "pt", "pst",
    "pdt", "cet", "cest", "ist", "updated", "published", "posted", "last", "modified", "first",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun", "today", "hours", "ago", "mins", "min", "read", "of",
    "the", "and", "|", "-", "–", "—", "•", "·", ":", "/", ","})
#: A numbered list entry ("12. Title (July 3, 2006)") is an item, not a dateline.
_NUMBERED = re.compile(r"^\d+[.)]\s")

#: Words that end a sentence of prose (metadata lines rarely end like this).
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]?$")


def is_metadata_line(text: str, tag: str, tokens: tuple[str, ...],
                     ancestors: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """A byline, dateline, time stamp or credit line: short, and marked up or worded as one.
    Prose that merely mentions a date ends like a sentence and is not one."""
    if _SENTENCE_END.search(text) and not _META_START.match(text):
        return False
    parent_tag, parent_tokens = ancestors[0] if ancestors else ("", ())
    if tag in _META_TAGS or parent_tag in _META_TAGS:
        return True
    if not (_META_TOKENS.isdisjoint(tokens) and _META_TOKENS.isdisjoint(parent_tokens)):
        return True
    return bool(_META_START.match(text)) or _is_dateline(text)


def _is_dateline(text: str) -> bool:
    """A date / time stamp with a few words around it ("Monday 9 June 2026, 12:41 GMT")."""
    if _NUMBERED.match(text) or not _DATE_OR_TIME.search(text):
        return False
    rest = _DATE_OR_TIME.sub(" ", text)
    words = [w for w in re.findall(r"[^\W\d_][\w.'’-]*", rest)
             if w.casefold().rstrip(".") not in _DATELINE_WORDS
             and not re.fullmatch(_MONTHS, w.casefold())]
    return len(words) <= DATELINE_MAX_OTHER_WORDS


#: Words and operators of script code; a block with several of them and many code
#: characters is the text of a broken ``<script>``, never article text.
_CODE_MARKERS = re.compile(r"\bfunction\s*\(|\bvar\s+\w+\s*=|\bdocument\.\w+|\bwindow\.\w+"
                           r"|\breturn\b[^.]{0,40};|[+=!]==?|&&|\|\||\)\s*\{|\};")
_CODE_CHARS = "{}();=<>+[]"
#: Tags of the code listings an article shows on purpose.
_LISTING_TAGS = ("pre", "code")


#: A JSON member ("size":41019, "date":{...) of data that leaked into the page text.
_JSON_MEMBER = re.compile(r'"[A-Za-z_$][\w$-]*"\s*:\s*[\[{"\d\-tfn]')


def looks_like_code(text: str, tag: str = "") -> bool:
    """Script source that leaked into the page text (broken markup); not a listing a
    technical article shows in a ``<pre>`` / ``<code>`` block (the held-out blog posts had
    385 such words of gold text, and no corpus had leaked script in one)."""
    if tag in _LISTING_TAGS:
        return False
    # counting characters first is cheap, and rules out almost every block of prose
    if sum(map(text.count, _CODE_CHARS)) < CODE_MIN_CHAR_SHARE * len(text):
        return False
    return _enough(_CODE_MARKERS.finditer(text))


def looks_like_data(text: str, tag: str) -> bool:
    """Script data (JSON) that leaked into the page text; not a JSON example a technical
    article shows in a ``<pre>`` / ``<code>`` block."""
    return (tag not in _LISTING_TAGS and text.count('":') >= CODE_MIN_MARKERS
            and _enough(_JSON_MEMBER.finditer(text)))


def _enough(markers: Iterator[re.Match[str]]) -> bool:
    """At least ``CODE_MIN_MARKERS`` of them (the search stops there)."""
    return sum(1 for _ in itertools.islice(markers, CODE_MIN_MARKERS)) >= CODE_MIN_MARKERS


#: The heading over a comment thread ("Comments", "21 comments", "Leave a reply").
_COMMENTS_HEADING = re.compile(
    r"^(?:(?:\d+\s+)?(?:comments?|responses|replies|reader comments|discussion"
    r"|leave a (?:comment|reply)|post a comment|add a comment|add your comment"
    r"|join the discussion|what do you think\??"
    r"|comments are (?:now )?closed(?: (?:for|on) this (?:story|article|post))?\.?)"
    r"|\d+\s+(?:response|reply))"
    r"(?:\s*\(\d+\))?\s*:?$", re.IGNORECASE)


def is_comments_heading(text: str) -> bool:
    """The heading of a comment thread (readers' comments follow it). A bare "Response" is
    not one: WordPress counts them ("3 Responses"), and an article about an API has a
    "Response" sub-head."""
    return len(text) <= COMMENTS_HEADING_MAX_CHARS and bool(_COMMENTS_HEADING.match(text.strip()))


#: The heading of a module of links to other stories: "More from The Nation", "More in
#: Politics", "Related stories", "You may also like", "Lesen Sie auch", "À lire aussi".
_RELATED_MODULE_HEADING = re.compile(
    r"^(?:more (?:from|in)\b.{0,40}|more on this(?: story| topic)?|more stories"
    r"|related(?: (?:articles?|stories|posts|content|coverage|reading|links|news))?"
    r"|recommended(?: for you| stories| articles| reading)?"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|read (?:more|next)"
    r"|what to read next|most (?:read|popular|viewed|shared)|top stories|trending(?: now| stories)?"
    r"|latest (?:news|stories)|don.?t miss|editor.?s picks|further reading"
    r"|(?:[\w.'’-]+ ){0,2}headlines|other (?:news|stories|headlines)|more (?:news|headlines)"
    r"|lesen sie auch|mehr zum thema|auch interessant|weitere artikel"
    r"|das könnte sie auch interessieren|à lire aussi|lire aussi|sur le même sujet"
    r"|(?:también )?te puede interesar|lee también|más noticias|leggi anche"
    r"|potrebbe interessarti)\s*:?$", re.IGNORECASE)


def is_related_module_heading(text: str) -> bool:
    """The heading of a module of links to other stories ("More from The Nation")."""
    return (len(text.split(None, MODULE_HEADING_MAX_WORDS)) <= MODULE_HEADING_MAX_WORDS
            and bool(_RELATED_MODULE_HEADING.match(text.strip())))


#: Lines that file, tag or share a post, and blog-archive entries ("October 2012 (19)").
_SITE_FURNITURE = re.compile(
    r"^(?:posted in|filed (?:under|in)|tagged(?: with| as)?\b|tags?\s*:|categor(?:y|ies)\s*:"
    r"|related (?:posts|articles|stories|content|news|links|coverage|reading)\s*(?::|$)"
    r"|similar posts\s*(?::|$)|recent posts$|main articles?\s*:"
    r"|you might also like\b|you may (?:also )?like$|(?:what|more) to read next$|read next$"
    r"|up next$|[\d.,]+\s?k?\s+shares$"
    r"|share this\b|like this:|schlagwörter\s*:|etiquetas\s*:"
    r"|this entry was posted\b|you can follow any responses to this entry\b"
    r"|no comments yet\.?$|a version of this (?:article|story) appear(?:s|ed)\b|our standards\s*:)"
    rf"|^(?:{_MONTHS})\s+\d{{4}}\s*\(\d+\)$", re.IGNORECASE)


#: A line of page tools only: "Print article", "Email to a friend", "Printer friendly | Send
#: this story to a friend" (the words may run together, as in "friendPrinter"), or an image
#: viewer's prompt.
_PAGE_TOOLS = re.compile(
    r"^(?:(?:print(?:er[- ]friendly)?|e-?mail|send|refer|share|save)"
    r"(?:\s+(?:this|the|an?|to|friends?|article|story|page|version|link|by\s+e-?mail))*"
    r"[\s|/·•,]*)+$"
    # and an image viewer's prompt: "Click photo to enlarge", "View larger image"
    r"|^(?:(?:click|tap)\s+(?:on\s+)?(?:the\s+)?(?:photos?|images?|pictures?|here|thumbnails?)?"
    r"\s*(?:to\s+)?(?:enlarge|zoom|expand|view\s+(?:larger|full[- ]size))"
    r"|enlarge\s+(?:this\s+)?(?:image|photo|picture)"
    r"|view\s+(?:larger|full[- ]size)\s+(?:image|photo|picture))\W*$", re.IGNORECASE)


#: "Sign up for our daily newsletter", "Subscribe to breaking news alerts".
_SIGN_UP = (r"(?:sign[\s-]*up|subscribe|register)\b.{0,80}?\b(?:newsletters?|e-?mails?|alerts?"
            r"|inbox|bulletins?)\b")
#: A site's prompt to follow it, sign up for its e-mails or send it a tip: a newsletter box or a
#: trailer under the story, navigation by the taxonomy (chosen on fundus, held out by site).
_PROMO_LINE = re.compile(
    r"^(?:(?:follow|like|join)\s+(?:us|@?[\w.'’-]+(?:\s+[\w.'’-]+){0,3})\s+on\s+"
    r"(?:twitter|x|facebook|instagram|google\s+news|whatsapp|telegram|tiktok|youtube|linkedin"
    r"|threads|bluesky|flipboard)\b"
    rf"|{_SIGN_UP}"
    r"|by\s+(?:providing|entering|submitting)\s+your\s+e-?mail\b"
    r"|by\s+(?:signing\s+up|subscribing)\b.{0,80}?\b(?:agree|accept|consent)\b"
    r"|get\s+(?:our|the)\b.{0,60}?\b(?:newsletters?|e-?mails?|alerts?)\b"
    r"|for\s+(?:more|the\s+latest)\b.{0,80}?\b(?:(?:news|stories)\s+page|sign\s+up"
    r"|newsletters?|follow\s+us)\b"
    r"|check\s+out\s+more\b.{0,80}?\bsign(?:ing)?\s+up\b"
    r"|if\s+you\s+(?:enjoyed|liked)\s+this\s+(?:post|article|story)\b"
    r"|(?:got|have\s+you\s+got|do\s+you\s+have)\s+a\s+(?:story|news\s+tip|tip)\b"
    r"|get\s+in\s+touch\s+with\s+our\s+(?:news\s+)?team\b|fehler\s+gefunden\b)",
    re.IGNORECASE)


#: The same prompts with a name before them ("Ground Game: Sign up for ..."), and "... delivered
#: to your inbox" anywhere in the line: tried only when a cheap look finds the colon or the
#: word (an unanchored scan of every content paragraph would cost more than all the others).
_NAMED_PROMO = re.compile(rf"[\w’' ]{{1,30}}:\s+{_SIGN_UP}", re.IGNORECASE)
_TO_YOUR_INBOX = re.compile(r"\b(?:delivered|sent|straight)\s+(?:directly\s+)?to\s+your\s+inbox\b",
                            re.IGNORECASE)
_NAME_COLON_CHARS = 32
#: A prompt to sign up for the site's newsletter anywhere in a short line ("Please bookmark
#: nationalpost.com and sign up for our daily newsletter", "To receive these entries ...,
#: sign up for the Crypto-Gram Newsletter"): "our" newsletter or one by its name, which is
#: capitalised ("my newsletter" is a blogger's aside, "the newsletter" may be the story's).
_OUR_NEWSLETTER = re.compile(
    r"\b(?i:sign(?:ing)?[\s-]*up|subscrib(?:e|ing))\s+(?i:for|to)\s+"
    r"(?:(?i:our)\b.{0,60}?|(?i:the)\s+[A-Z][\w’'-]*(?:\s+[\w’'&-]+){0,5}?\s+)"
    r"(?i:newsletters?)\b")


def _is_promo_line(line: str) -> bool:
    """A site's prompt to follow it, sign up or send a tip (``_PROMO_LINE`` and the three
    above)."""
    if _PROMO_LINE.match(line) or (line.find(":", 1, _NAME_COLON_CHARS) > 0
                                   and _NAMED_PROMO.match(line)):
        return True
    lowered = line.lower()
    return bool(("inbox" in lowered and _TO_YOUR_INBOX.search(line))
                or ("newsletter" in lowered and _OUR_NEWSLETTER.search(line)))


#: The placeholder of a third-party embed (video, post, map) held back until the reader
#: consents: "An dieser Stelle finden Sie einen externen Inhalt ...", "Ich bin damit
#: einverstanden, dass mir externe Inhalte angezeigt werden", "Click to load the YouTube video".
_EMBED_PLACEHOLDER = re.compile(
    r"^(?:an\s+dieser\s+stelle\s+(?:finden\s+sie|findest\s+du)\b.{0,80}?\bexterne[nr]?\s+inhalt"
    r"|ich\s+bin\s+damit\s+einverstanden,\s+dass\s+mir\b.{0,80}?\b(?:inhalte?|angezeigt)\b"
    r"|(?:damit\s+können\s+)?personenbezogene\s+daten\s+(?:können\s+)?an\s+drittplattformen\b"
    r"|link\s+zum\s+[\w-]+-inhalt$|externer\s+inhalt(?:\s+nicht\s+verfügbar)?$"
    r"|empfohlener\s+externer\s+inhalt$"
    r"|(?:deine|ihre)\s+privatsphäre-einstellungen\s+verhindern\b"
    # a video player's messages, and a label for screen readers
    r"|(?:we\s+apologi[sz]e,?\s+but\s+)?this\s+video\s+has\s+failed\s+to\s+load\b"
    r"|try\s+refreshing\s+your\s+browser\b|back\s+to\s+video$|article\s+content$"
    r"|your\s+browser\s+does\s+not\s+support\s+(?:the\s+)?(?:video|audio|html5)\b"
    r"|your\s+(?:privacy|cookie|consent)\s+(?:settings|preferences|choices)\s+"
    r"(?:prevent|block|do\s+not\s+allow)\b"
    r"|(?:click|tap)\s+(?:here\s+)?to\s+(?:load|show|display)\s+(?:the\s+)?(?:external\s+"
    r"|third[- ]party\s+|embedded\s+)?(?:[\w-]+\s+)?(?:content|video|tweet|post|map)\b"
    r"|(?:this|the)\s+(?:external\s+|third[- ]party\s+|embedded\s+)?content\s+(?:is\s+)?"
    r"(?:not\s+available|blocked|hidden)\s+(?:due\s+to|because\s+of)\s+your\s+(?:privacy|cookie|"
    r"consent)\b)", re.IGNORECASE)


#: Whole-block ad labels ("Advertisement", "STORY CONTINUES BELOW THIS AD", "Sponsored by ...").
_AD_LABEL = re.compile(
    r"^(?:-+\s*)?(?:advertisement|advertisements|advertising|advert|ad|ads|anzeige|werbung|"
    r"publicidad|publicité|publicite|pubblicità|pubblicita|reklame|advertentie|publicidade|"
    r"sponsored(?: (?:content|links?|stories|by .{1,40}))?|promoted(?: (?:content|stories|links?))?|"
    r"paid (?:partner )?content|partner content|contenido patrocinado|gesponsert|"
    r"(?:the )?story continues below(?: this)?(?: ad(?:vertisement)?)?|"
    r"article continues (?:below|after)(?: this)?(?: ad(?:vertisement)?)?|"
    r"continue reading below|ads? by .{1,30}|around the web|from our partners|you may like)"
    r"(?:\s*-+)?\s*[:.]?$", re.I)


def is_ad_label(text: str) -> bool:
    """A block that is only an ad slot's label: ad material by the taxonomy (seed 004's "STORY
    CONTINUES BELOW THIS AD"), even where the model takes it for a line of the article."""
    return len(text) <= AD_LABEL_MAX_CHARS and bool(_AD_LABEL.match(text.strip()))


#: A syndicator's note that the page shows only the start of a story ("The full article
#: contains 339 words and appears in Press Association newspaper."): a truncation notice,
#: paywall material by the taxonomy.
_TRUNCATION_NOTICE = re.compile(r"^the\s+full\s+(?:article|story|text)\s+(?:contains|has|runs\s+to)"
                                r"\s+[\d,.]+\s+words\b", re.IGNORECASE)


def is_truncation_notice(text: str) -> bool:
    """A line saying the page holds only part of a longer story."""
    return len(text) <= TRUNCATION_NOTICE_MAX_CHARS and bool(_TRUNCATION_NOTICE.match(text))


#: The disclosure that goes with affiliate links ("we may earn a commission", "This article
#: contains affiliate links"): ad material by the taxonomy, wherever the page sets it.
_AFFILIATE_DISCLOSURE = re.compile(
    r"\b(?:(?:may|might|could|will)\s+(?:earn|receive|get|make)\s+(?:a\s+)?(?:small\s+)?"
    r"(?:commission|share\s+of\s+(?:the\s+)?(?:sales|revenue)|affiliate)"
    r"|(?:contains|includes|uses)\s+affiliate\s+links?|affiliate\s+commission)", re.IGNORECASE)


#: A disclosure speaks of the site or of its links ("we", "our", "links"); prose about a
#: commission ("Brokers may earn a commission") does not.
_SITE_OR_LINKS = re.compile(r"\b(?:we|us|our|links?)\b")


def is_affiliate_disclosure(text: str) -> bool:
    """A short line disclosing that the page's links earn the site a commission."""
    if len(text.split(None, AFFILIATE_DISCLOSURE_MAX_WORDS)) > AFFILIATE_DISCLOSURE_MAX_WORDS:
        return False
    # the literals first: an unanchored ignore-case scan of every line would cost more
    folded = text.casefold()
    return (("commission" in folded or "affiliate" in folded or "share of" in folded)
            and bool(_AFFILIATE_DISCLOSURE.search(text)) and bool(_SITE_OR_LINKS.search(folded)))


#: A site's copyright / licence notice ("(c) 2012 The Curious Brain", "All rights reserved").
_RIGHTS_NOTICE = re.compile(r"©|\(c\)\s*\d{4}|\ball rights reserved\b|\bdo not reproduce\b",
                            re.IGNORECASE)


#: Openers of an in-article teaser for another story ("READ MORE: Bridge closure delayed").
_RELATED_LINK_OPENER = re.compile(
    r"^(?:read more|read also|also read|see also|related|more on this|more on this story"
    r"|recommended|lesen sie auch|mehr zum thema|auch interessant|lire aussi|à lire aussi"
    r"|lee también|leer más|te puede interesar|leggi anche|leia também|leia mais|lees ook"
    r"|lees meer|les også|les mer|læs også|læs mere|läs också|läs mer|lue myös|czytaj też"
    r"|czytaj także|čtěte také|přečtěte si také)\s*[:\-–—|»>]", re.IGNORECASE)


#: What separates the items of a menu set as one line ("Football | Cricket | Golf").
_MENU_SEPARATOR = re.compile(r"\s[|•·»]\s")


def is_link_menu(text: str, link_chars: int) -> bool:
    """A line of links separated by bars or bullets: a menu or a share bar set as one block
    ("Sport Homepage | Football | Cricket | ...", "del.icio.us | Digg it | Reddit")."""
    return (link_chars >= LINK_MENU_MIN_LINK_SHARE * len(text)
            and len(_MENU_SEPARATOR.findall(text)) >= LINK_MENU_MIN_SEPARATORS)


def is_related_link(text: str, link_chars: int) -> bool:
    """A "Read more: <headline>" line whose words are mostly a link to another story, or
    another story's headline linked in capitals ("2 NY RESIDENTS ALLEGEDLY RAN ...")."""
    if not text:
        return False
    if link_chars >= RELATED_LINK_MIN_SHARE * len(text) and _RELATED_LINK_OPENER.match(
            text.strip()):
        return True
    return link_chars >= CAPS_TEASER_MIN_LINK_SHARE * len(text) and _is_capitals_headline(text)


def _is_capitals_headline(text: str) -> bool:
    """A line of several words set in capitals (cased letters only: digits and CJK do not
    count), starting with a letter or digit (a quoted title in a reference list is not one)."""
    line = text.strip()
    if not line[:1].isalnum() or len(line.split(None, CAPS_TEASER_MIN_WORDS)) < (
            CAPS_TEASER_MIN_WORDS):
        return False
    upper = lower = 0
    for char in line:
        if char.isupper():
            upper += 1
        elif char.islower():
            lower += 1
    return (upper + lower >= CAPS_TEASER_MIN_LETTERS
            and upper >= CAPS_TEASER_MIN_UPPER_SHARE * (upper + lower))


#: A capitalised label opening a teaser for a video or another story, set into the article
#: ("WATCH | Palestinians react ...", "MORE: Bridge closure delayed"). Case matters: "More:"
#: may open a sentence of prose.
_TEASER_LABEL = re.compile(r"^(?:WATCH|LISTEN|VIDEO|PHOTOS|MORE|READ MORE|READ NEXT|READ ALSO"
                           r"|ALSO READ|SEE ALSO|RELATED|UP NEXT)\s*[|:]\s")


#: The title of a video set into the article, as its player shows it: after the clip's
#: length ("2:05 Russia launches largest attack ...") or before the player's "Back to video".
_VIDEO_TITLE = re.compile(r"^\d{1,2}:\d{2}\s+[A-Z][\w’']*(?:\s+[\w’'-]+){2}|\bBack\s+to\s+video$")


def _is_video_teaser(line: str) -> bool:
    """A video's title line (``_VIDEO_TITLE``); a live blog's entry after its time stamp is
    a sentence, and ends like one."""
    return ((line[:1].isdigit() or line.endswith("video")) and bool(_VIDEO_TITLE.search(line))
            and not _SENTENCE_END.search(line))


#: A newsletter box's small print: "You can unsubscribe at any time", "Read our privacy
#: notice", "I would like to be emailed about offers ...".
_FINE_PRINT = re.compile(r"\b(?:unsubscribe|opt[- ]out|check\s+out)\s+at\s+any\s*time\b"
                         r"|(?:^|[.!?]\s+)(?:please\s+)?(?:you\s+can\s+)?(?:read|see|view)\s+our"
                         r"\s+privacy\s+(?:notice|policy)\b"
                         r"|^i\s+would\s+like\s+to\s+(?:be\s+e-?mailed|receive)\b", re.IGNORECASE)


_WOULD_LIKE = "i would like"


def _is_fine_print(line: str) -> bool:
    """``_FINE_PRINT``, tried only when one of its literals is in the line (an unanchored
    ignore-case scan of every line would cost more than all the other tests)."""
    may_match = ("time" in line or "rivacy" in line
                 or line[:len(_WOULD_LIKE)].casefold() == _WOULD_LIKE)
    return may_match and bool(_FINE_PRINT.search(line))


def is_site_furniture(text: str) -> bool:
    """A "Posted in ... / Tagged ..." line, a share prompt, a "WATCH | ..." teaser, a video's
    title line, a "Related posts:" heading, an archive entry, a newsletter / follow-us prompt
    or its small print, the placeholder of an embed held back for consent or a copyright
    notice: navigation, even inside the article's container."""
    # no more splitting than it takes to know the text is too long
    words = len(text.split(None, FURNITURE_MAX_WORDS))
    if words > FURNITURE_MAX_WORDS:
        return False
    line = text.strip()
    if words <= TEASER_LABEL_MAX_WORDS and _TEASER_LABEL.match(line):
        return True
    if words <= TEASER_LABEL_MAX_WORDS and _is_video_teaser(line):
        return True
    if _is_fine_print(line):
        return True
    if _SITE_FURNITURE.match(line) or _PAGE_TOOLS.match(line) or (words <= PROMO_MAX_WORDS and (
            _is_promo_line(line) or _EMBED_PLACEHOLDER.match(line))):
        return True
    # a photo credit ("Photo: Jane Doe ©", "© Getty Images") is the article's metadata
    return (words >= RIGHTS_NOTICE_MIN_WORDS and _may_hold_rights_notice(text)
            and not _META_START.match(text) and bool(_RIGHTS_NOTICE.search(text)))


#: Literals one of which every ``_RIGHTS_NOTICE`` match holds (case-folded).
_RIGHTS_NOTICE_LITERALS = ("©", "(c)", "all rights reserved", "do not reproduce")


def _may_hold_rights_notice(text: str) -> bool:
    """A cheap test ``_RIGHTS_NOTICE`` can only pass after: a case-insensitive search that
    starts every alternative with ``\\b`` scans a paragraph about ten times slower than
    looking for the literals in its case-folded text. Case folding maps every character that
    ignore-case matching takes for one of the literals' letters (the long s too) but the
    dotless i, mapped here by hand."""
    folded = text.casefold().replace("ı", "i")
    return any(literal in folded for literal in _RIGHTS_NOTICE_LITERALS)
