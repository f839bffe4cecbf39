"""Weak labels for real pages: a page plus its gold article text becomes a labelled fixture.

* ``content``: blocks aligned with the gold body. Block and gold texts are normalised
  (NFKC, case, punctuation); a block of several words is a candidate when most of its word
  shingles occur in the gold, and the candidates are aligned monotonically (document order and
  gold order both increasing, weighted by matched words), so duplicates of the story (teasers,
  sticky titles, "Top stories") lose to the copy in the article. Short blocks (sub-heads, list
  items) count when their text sits in the gold between two aligned blocks. The headline,
  byline and date count when they sit just before the body.
* the rest: ``ad`` / ``paywall`` from evidence on the block or its nearest ancestors (never a
  container of the article): EasyList element-hiding rules (a user-supplied file: the list is
  GPL / CC BY-SA and is never copied into this package), class / id tokens and phrases in
  several languages. Pages whose JSON-LD says ``isAccessibleForFree: false`` need less
  evidence for ``paywall``; elements named by JSON-LD ``hasPart.cssSelector`` hold the gated
  article text, so they are never labelled ``paywall``. Everything else is ``navigation``.

Each page comes with :class:`WeakLabelStats` (share of the gold recovered, ...), so that bad
alignments can be dropped from training.
"""

from __future__ import annotations

import bisect
import copy
import gzip
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from classifier.constants import (
    LABEL_ATTRIBUTE,
    WEAK_ANCESTOR_LEVELS,
    WEAK_EASYLIST_LEVELS,
    WEAK_HEAD_WINDOW,
    WEAK_LINKY_SHARE,
    WEAK_MAX_BOX_CHARS,
    WEAK_MAX_BYLINE_WORDS,
    WEAK_MAX_CANDIDATES,
    WEAK_MAX_EVIDENCE_WORDS,
    WEAK_MAX_JSONLD_CHARS,
    WEAK_MAX_PLACES,
    WEAK_MAX_POSITIONS,
    WEAK_MAX_PRICE_WORDS,
    WEAK_MIN_BLOCK_COVERAGE,
    WEAK_MIN_RECALL,
    WEAK_SHINGLE,
    WEAK_TITLE_SIMILARITY,
)
from classifier.cues import is_ad_label
from classifier.segmentation import Block, Segmentation, segment
from classifier.types import AD, CONTENT, NAVIGATION, PAYWALL

__all__ = [
    "CORPUS_LICENSES",
    "EasyList",
    "WeakLabelStats",
    "WeakLabelledPage",
    "load_easylist",
    "weak_label_corpus",
    "weak_label_page",
]

#: Licence written into ``data-license`` of weak-labelled pages, by corpus folder name.
CORPUS_LICENSES = {
    "fundus": "page (c) publisher; gold MIT (fundus)",
    "readability": "page (c) publisher; gold Apache-2.0 (readability)",
    "l3s-gn1": "research use only (L3S-GN1)",
    "dragnet": "AGPL-3.0 (dragnet)",
    "scrapinghub": "MIT (article-extraction-benchmark); evaluation only",
}
#: Corpora that must never be turned into training data.
EVALUATION_ONLY = frozenset({"scrapinghub"})

# --- evidence vocabularies (strict: these decide labels, unlike the model's cues) ----------
_AD_TOKENS = frozenset({
    "ad", "ads", "adv", "advert", "adverts", "advertisement", "advertisements", "advertising",
    "adslot", "adunit", "adsense", "adsbygoogle", "adcontainer", "adwrapper", "adbox", "adbanner",
    "dfp", "gpt", "doubleclick", "googlead", "googleads", "taboola", "outbrain", "sponsor",
    "sponsored", "sponsors", "promoted", "anzeige", "werbung", "publicidad", "publicite",
    "pubblicita", "mpu", "billboard", "leaderboard", "skyscraper", "teads", "zergnet",
    "revcontent", "mgid", "partnercontent", "nativead", "patrocinado", "deals", "commerce",
})
#: Prefixes of class / id words (``advertisement-box`` splits into ``advertisement``, ``box``).
_AD_PREFIXES = ("advertisement", "advertising", "adslot", "adunit", "adsense", "sponsor",
                "taboola", "outbrain", "doubleclick", "googlead")
#: Prefixes of whole class / id values (``ad-slot``, ``tp-modal``).
_AD_RAW_PREFIXES = ("ad-", "ads-", "ad_", "ads_", "banner-ad", "div-gpt-ad")
#: Paywall words that decide on their own.
_PAYWALL_TOKENS = frozenset({
    "paywall", "paywalled", "piano", "tinypass", "meter", "metered", "regwall", "zephr", "poool",
    "laterpay", "subscribe", "subscription", "subscriptions", "suscripcion", "abbonati",
    "assinatura",
})
#: Paywall words that also mark teasers of paid articles: they count only with a paywall
#: phrase in the block's own text.
_PAYWALL_WEAK_TOKENS = frozenset({
    "premium", "subscriber", "subscribers", "abo", "abonnement", "suscriptores", "plus",
    "exclusive", "locked", "offer", "offers", "plan", "plans", "pricing", "registration",
    "membership", "gate", "wall"})
_PAYWALL_PREFIXES = ("paywall", "subscri", "regwall", "suscrip")
_PAYWALL_RAW_PREFIXES = ("tp-", "piano-", "muro-pago", "paywall")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

_AD_PHRASE = re.compile(
    r"\b(?:we (?:may )?earn (?:a )?commission|affiliate links?|paid partnership|sponsored by|"
    r"presented by|in partnership with|brought to you by)\b", re.I)
_PAYWALL_PHRASE = re.compile(
    r"free articles?|articles? (?:left|remaining)|reached your (?:limit|maximum)|"
    r"subscribe (?:now|today|to (?:continue|read|unlock|get))|subscribers? only|for subscribers|"
    r"subscriber[- ]exclusive|exclusive (?:for|to) subscribers|already (?:a )?(?:subscriber|member)|"
    r"already subscribed|already have an account|to continue reading|continue reading with|"
    r"keep reading with|unlimited (?:digital )?access|cancel any ?time|renews automatically|"
    r"start (?:your )?free trial|(?:log|sign) ?in to (?:continue|read|keep)|"
    r"register (?:for free|now) to|create a free (?:\w+ )?account|"
    r"nur für abonnenten|für abonnenten|jetzt abonnieren|weiterlesen mit|bereits abonnent|"
    r"abo abschließen|plus-artikel|exclusivo para suscriptores|suscríbete|ya eres suscriptor|"
    r"réservé aux abonnés|abonnez-vous|déjà abonné|riservato agli abbonati|abbonati|"
    r"alleen voor abonnees|exclusivo para assinantes|assine|gift (?:this|an) article|"
    r"gift subscription|subscribers can (?:give|gift|share)", re.I)
#: Prices per period: evidence only in short blocks (a comment may mention what it paid).
_PRICE = re.compile(
    r"[$€£₹]\s?\d+(?:[.,]\d+)?\s*(?:/|per |a |each )\s*(?:month|mo|week|wk|year|yr)\b|"
    r"\d+(?:[.,]\d+)?\s?[$€£₹]\s*(?:/|pro |al |por |par |im |al )\s*(?:monat|mes|mois|jahr|año|an)\b",
    re.I)
#: Free sign-ups (newsletters, alerts, channels) are navigation even in a "subscribe" box.
_FREE_SIGNUP = re.compile(
    r"newsletter|e-?mail|alerts?\b|notif|\brss\b|\bfeeds?\b|podcast|youtube|channel|inbox|"
    r"bolet[ií]n|rundbrief|lettre d'information|whatsapp|telegram", re.I)
_PAYWALL_SOFT = re.compile(r"\bsubscri(?:be|ption)|abonn|suscri|assin", re.I)
#: Text that backs a weak paywall class word ("premium" on an offer box, not on a teaser).
_PAYWALL_SUPPORT = re.compile(r"\bsubscri(?:be|ption)|abonn|\babo\b|suscri|assin|\bpremium\b|"
                              r"\bplus\b|\d\s?(?:€|\$|£)|(?:€|\$|£)\s?\d", re.I)

_WORD = re.compile(r"\w+", re.UNICODE)
_BYLINE_HINT = re.compile(
    r"^(?:by|von|par|por|di|door|av|de)\s+\S|\b(?:updated|published|posted|reporter|"
    r"correspondent|editor|staff writer|min(?:ute)?s? read)\b|"
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}\b", re.I)
_GENERIC_SELECTOR = re.compile(r"^##(?!#?[+^])(.+)$")
_SIMPLE_SELECTOR = re.compile(r"^([.#])([A-Za-z0-9_-]+)$")
_UNSUPPORTED = (":has", ":-abp", ":xpath", ":style", ":remove", ":matches", ":upward", ":watch",
                ":min-text", ":others", ":if", "::")


# --- EasyList ----------------------------------------------------------------------------------
_REQ_CLASS = re.compile(r"\.([A-Za-z0-9_-]+)")
_REQ_ID = re.compile(r"#([A-Za-z0-9_-]+)")
_REQ_ATTR = re.compile(r"""\[[A-Za-z0-9_:-]+\s*[\^*$|~]?=\s*["']?([^"'\]]{3,})["']?\s*\]""")


def _requirement(selector: str) -> tuple[str, str] | None:
    """A class, id or attribute text the selector's last compound needs (skips most pages)."""
    last = re.split(r"\s*[>+~ ]\s*(?![^\[]*\])", selector.strip())[-1]
    for kind, pattern in (("class", _REQ_CLASS), ("id", _REQ_ID), ("attr", _REQ_ATTR)):
        found = pattern.search(last.split(":not(")[0])
        if found:
            return kind, found.group(1)
    return None


@dataclass(frozen=True, slots=True)
class EasyList:
    """Generic element-hiding rules of an EasyList-format file."""

    classes: frozenset[str]
    ids: frozenset[str]
    #: Complex selectors: ``(requirement kind, requirement text, XPath)``; kind ``""`` = none.
    selectors: tuple[tuple[str, str, str], ...] = ()
    source: str | None = None

    def __len__(self) -> int:
        return len(self.classes) + len(self.ids) + len(self.selectors)

    def matching_elements(self, root: Any) -> set[Any]:
        """Elements of ``root``'s tree hidden by a rule (read-only walk)."""
        hits: set[Any] = set()
        if root is None:
            return hits
        page_classes: set[str] = set()
        page_ids: set[str] = set()
        attr_text: list[str] = []
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            ident = el.get("id")
            cls = el.get("class")
            if ident:
                page_ids.add(ident)
            if cls:
                page_classes.update(cls.split())
            if self.selectors:
                attr_text.extend(v for k, v in el.items() if k not in ("class", "id", "style"))
            if (ident and ident in self.ids) or (cls and any(c in self.classes for c in cls.split())):
                hits.add(el)
        blob = " ".join(attr_text)
        for kind, needed, expr in self.selectors:
            if (kind == "class" and needed not in page_classes) or (
                    kind == "id" and needed not in page_ids) or (kind == "attr" and needed not in blob):
                continue
            try:
                found = root.xpath(expr)
            except (etree.XPathError, ValueError):
                continue
            if isinstance(found, list):
                hits.update(x for x in found if isinstance(x, etree._Element))
        return hits


def load_easylist(path: str | Path, *, complex_selectors: bool = True) -> EasyList:
    """Read the generic hiding rules (``##.class``, ``###id``, other ``##selector``) of a list.

    Domain-specific rules (``example.com##...``), exceptions and rules with extended syntax
    (``:has``, ``:-abp-...``) are skipped. With ``complex_selectors`` the other generic CSS
    selectors are compiled to XPath (cssselect). Raises ``OSError`` if the file is unreadable.
    """
    from cssselect import GenericTranslator, SelectorError  # a dependency of the package

    classes: set[str] = set()
    ids: set[str] = set()
    compiled: list[tuple[str, str, str]] = []
    translator = GenericTranslator()
    with open(path, encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = raw.strip()
            match = _GENERIC_SELECTOR.match(line)
            if not match:
                continue
            selector = match.group(1).strip()
            simple = _SIMPLE_SELECTOR.match(selector)
            if simple:
                (classes if simple.group(1) == "." else ids).add(simple.group(2))
                continue
            if not complex_selectors or any(u in selector for u in _UNSUPPORTED):
                continue
            try:
                expr = translator.css_to_xpath(selector)
            except (SelectorError, ValueError, NotImplementedError):
                continue
            kind, needed = _requirement(selector) or ("", "")
            compiled.append((kind, needed, expr))
    return EasyList(frozenset(classes), frozenset(ids), tuple(compiled), str(path))


# --- results -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WeakLabelStats:
    """How well a page's content blocks match its gold body."""

    gold_words: int
    #: Share of the gold body's words covered by matching ``content`` blocks (0..1).
    recall: float
    #: Share of the ``content`` blocks' word shingles that are in the gold body (0..1).
    precision: float
    blocks: int
    counts: dict[str, int] = field(default_factory=dict)
    title_found: bool = False
    paywalled: bool | None = None
    #: Why the page is unusable (``"no-gold"``, ``"gold-not-found"``, ``"no-blocks"``), or None.
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["recall"] = round(self.recall, 4)
        data["precision"] = round(self.precision, 4)
        return data


@dataclass(slots=True, eq=False)
class WeakLabelledPage:
    """A real page's blocks with weak labels (same order) and the alignment statistics."""

    segmentation: Segmentation = field(repr=False)
    labels: tuple[str, ...]
    stats: WeakLabelStats
    url: str | None = None
    #: Why each block got its label: ``gold``, ``easylist``, ``class:<label>``,
    #: ``phrase:<label>`` or ``default``.
    reasons: tuple[str, ...] = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.segmentation.blocks

    @property
    def body(self) -> str:
        return "\n\n".join(b.text for b, lab in zip(self.blocks, self.labels, strict=True)
                           if lab == CONTENT)

    def labels_by_path(self) -> dict[str, str]:
        """One label per block element path (the label of most characters for split elements)."""
        chars: dict[str, dict[str, int]] = {}
        for block, label in zip(self.blocks, self.labels, strict=True):
            if block.path:
                per = chars.setdefault(block.path, {})
                per[label] = per.get(label, 0) + len(block.text)
        return {path: max(per, key=lambda k: per[k]) for path, per in chars.items()}

    def to_html(self, **meta: str | None) -> str:
        """The page as fixture HTML (``data-label`` on every block element; meta on ``<html>``).

        The segmentation's tree is copied, never changed.
        """
        root = self.segmentation.root
        if root is None:
            raise ValueError("page has no document")
        clone = copy.deepcopy(root)
        tree = clone.getroottree()
        for el in clone.iter():
            if isinstance(el.tag, str) and LABEL_ATTRIBUTE in el.attrib:
                del el.attrib[LABEL_ATTRIBUTE]
        body = clone.find("body")
        if body is not None:
            body.set(LABEL_ATTRIBUTE, NAVIGATION)
        for path, label in sorted(self.labels_by_path().items(), key=lambda kv: kv[0].count("/")):
            try:
                found = tree.xpath(path)
            except etree.XPathError:
                continue
            if isinstance(found, list) and found and isinstance(found[0], etree._Element):
                found[0].set(LABEL_ATTRIBUTE, label)
        for name, value in meta.items():
            if name not in ("url", "template", "source", "license"):
                raise TypeError(f"unknown fixture metadata {name!r}")
            if value is not None:
                clone.set(f"data-{name}", str(value))
        head = clone.find("head")
        if head is None:
            head = etree.Element("head")
            clone.insert(0, head)
        for m in list(head):
            if isinstance(m.tag, str) and m.tag == "meta" and (
                    m.get("charset") or (m.get("http-equiv") or "").lower() == "content-type"):
                head.remove(m)
        head.insert(0, etree.Element("meta", charset="utf-8"))
        return str(etree.tostring(clone, method="html", encoding="unicode",
                                  doctype="<!DOCTYPE html>"))


# --- text normalisation and alignment ----------------------------------------------------------
def normalise_words(text: str) -> list[str]:
    """Lower-cased NFKC words without punctuation (``don't`` -> ``don``, ``t``)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold().replace("_", " "))


def _shingles(words: Sequence[str], k: int) -> list[tuple[str, ...]]:
    return [tuple(words[i:i + k]) for i in range(len(words) - k + 1)]


class _Gold:
    """The gold body as words, with an index from word shingle to its positions."""

    def __init__(self, text: str) -> None:
        self.words = normalise_words(text)
        self.k = WEAK_SHINGLE
        self.index: dict[tuple[str, ...], list[int]] = {}
        for i, sh in enumerate(_shingles(self.words, self.k)):
            self.index.setdefault(sh, []).append(i)
        self.joined = " " + " ".join(self.words) + " "
        # character offset of each word in ``joined`` -> word position
        self.starts: list[int] = []
        pos = 1
        for w in self.words:
            self.starts.append(pos)
            pos += len(w) + 1

    def match(self, words: Sequence[str]) -> list[tuple[float, int, int, int]]:
        """Places of a long block in the gold: ``(coverage, start, end, matched)``, best first.

        Each shared shingle votes for an offset (gold position minus block position); the
        most voted offsets place the block, so phrases the gold repeats do not scatter it,
        and a block the gold holds twice gets both places (the alignment picks one).
        """
        shs = _shingles(words, self.k)
        if not shs:
            return []
        votes: dict[int, int] = {}
        hits = 0
        for j, sh in enumerate(shs):
            found = self.index.get(sh)
            if not found:
                continue
            hits += 1
            for p in found[:WEAK_MAX_POSITIONS]:
                votes[p - j] = votes.get(p - j, 0) + 1
        if not hits:
            return []
        ranked = sorted(votes, key=lambda d: (-votes[d], d))
        top = votes[ranked[0]]
        out = []
        for offset in ranked[:WEAK_MAX_PLACES]:
            if votes[offset] < max(top / 2, 1):
                break
            start = max(offset, 0)
            end = max(min(offset + len(words), len(self.words)), start + 1)
            out.append((hits / len(shs), start, end, hits))
        return out

    def find_short(self, words: Sequence[str], lo: int, hi: int) -> int | None:
        """Word position of a short block's text in the gold between ``lo`` and ``hi``."""
        if not words:
            return None
        needle = " " + " ".join(words) + " "
        start = self.starts[lo] - 1 if lo < len(self.starts) else len(self.joined)
        end = self.starts[hi] - 1 + len(needle) if hi < len(self.starts) else len(self.joined)
        at = self.joined.find(needle, max(start, 0), end)
        if at < 0:
            return None
        return bisect.bisect_left(self.starts, at + 1)


@dataclass(slots=True)
class _Candidate:
    index: int
    start: int
    end: int
    weight: int


def _chain(cands: list[_Candidate]) -> list[_Candidate]:
    """Heaviest chain increasing in document order and in gold order (spans may not overlap much)."""
    n = len(cands)
    best = [c.weight for c in cands]
    prev = [-1] * n
    for j in range(n):
        cj = cands[j]
        slack = max(WEAK_SHINGLE, (cj.end - cj.start) // 4)
        for i in range(j):
            ci = cands[i]
            if ci.index < cj.index and ci.end <= cj.start + slack and ci.start < cj.start \
                    and best[i] + cj.weight > best[j]:
                best[j] = best[i] + cj.weight
                prev[j] = i
    if not cands:
        return []
    j = max(range(n), key=lambda x: best[x])
    out = []
    while j >= 0:
        out.append(cands[j])
        j = prev[j]
    return out[::-1]


def _linky(block: Block) -> bool:
    return block.link_chars > WEAK_LINKY_SHARE * len(block.text)


def _prefer_nearby(chain: list[_Candidate], cands: list[_Candidate],
                   blocks: Sequence[Block]) -> list[_Candidate]:
    """Swap a chain block for a copy (same gold span) nearer its chain neighbours, or an ``h1``.

    A sticky headline or a teaser copy early in the page ties with the article's own copy.
    """
    out = list(chain)
    for pos, c in enumerate(out):
        twins = [x for x in cands if x.index != c.index and abs(x.start - c.start) <= 1
                 and abs(x.end - c.end) <= 1 and x.weight >= c.weight]
        if not twins:
            continue
        prev_i = out[pos - 1].index if pos > 0 else None
        next_i = out[pos + 1].index if pos + 1 < len(out) else None
        if (prev_i is not None and not any(prev_i < t.index for t in twins)) or \
                (next_i is not None and not any(t.index < next_i for t in twins)):
            continue

        near = [n for n in (prev_i, next_i) if n is not None]
        ok = [t for t in [c, *twins]
              if (prev_i is None or prev_i < t.index) and (next_i is None or t.index < next_i)]
        out[pos] = min(ok, key=lambda x: (0 if blocks[x.index].tag == "h1" else 1,
                                          min((abs(x.index - n) for n in near), default=0)))
    return out


def _align(blocks: Sequence[Block], gold: _Gold) -> tuple[set[int], int]:
    """Indices of blocks aligned with the gold, and the number of gold words they cover."""
    words = [normalise_words(b.text) for b in blocks]
    cands: list[_Candidate] = []
    for b, w in zip(blocks, words, strict=True):
        if len(w) < gold.k:
            continue
        for m in gold.match(w):
            if m[0] >= WEAK_MIN_BLOCK_COVERAGE:
                # whole-link blocks (teasers, key-event lists) lose ties to the article's copy
                weight = m[3] // 2 if _linky(b) else m[3]
                cands.append(_Candidate(b.index, m[1], m[2], max(weight, 1)))
    if len(cands) > WEAK_MAX_CANDIDATES:  # the chain is quadratic: keep the heaviest
        keep = sorted(cands, key=lambda c: -c.weight)[:WEAK_MAX_CANDIDATES]
        cands = sorted(keep, key=lambda c: (c.index, c.start))
    chain = _prefer_nearby(_chain(cands), cands, blocks)
    content = {c.index for c in chain}
    chain_start = {c.index: c.start for c in chain}
    short_at: dict[int, int] = {}
    # short blocks between two aligned blocks whose text is in the gold between their spans
    for left, right in zip([None, *chain], [*chain, None], strict=True):
        lo_doc = left.index + 1 if left else (chain[0].index - WEAK_HEAD_WINDOW if chain else 0)
        hi_doc = right.index if right else (chain[-1].index + WEAK_HEAD_WINDOW if chain else 0)
        lo_gold = left.end - gold.k if left else 0
        hi_gold = right.start + gold.k if right else len(gold.words)
        for i in range(max(lo_doc, 0), min(hi_doc, len(blocks))):
            w = words[i]
            if not w or len(w) >= gold.k or i in content or _linky(blocks[i]):
                continue
            pos = gold.find_short(w, max(lo_gold, 0), min(hi_gold, len(gold.words)))
            if pos is not None:
                content.add(i)
                short_at[i] = pos
                lo_gold = pos + len(w) - 1
    covered: set[int] = {p for i, pos in short_at.items() for p in range(pos, pos + len(words[i]))}
    for i in content:
        start = chain_start.get(i)
        if start is None:
            continue
        for j, sh in enumerate(_shingles(words[i], gold.k)):
            p = start + j
            if p < len(gold.words) and tuple(gold.words[p:p + gold.k]) == sh:
                covered.update(range(p, p + gold.k))
    return content, len(covered)


# --- evidence --------------------------------------------------------------------------------------
def _tokens(element: Any) -> tuple[list[str], list[str]]:
    """Whole class / id values (lower case, camelCase split by ``-``) and their words."""
    raw: list[str] = []
    words: list[str] = []
    for attr in ("class", "id"):
        value = element.get(attr)
        if not value:
            continue
        for part in value.split():
            low = _CAMEL.sub("-", part).lower()
            raw.append(low)
            words.extend(t for t in _TOKEN_SPLIT.split(low) if t)
    return raw, words


def _token_label(element: Any, text: str = "") -> str | None:
    raw, words = _tokens(element)
    if not raw:
        return None
    ad = any(w in _AD_TOKENS or w.startswith(_AD_PREFIXES) for w in words) or any(
        r.startswith(_AD_RAW_PREFIXES) for r in raw)
    paywall = any(w in _PAYWALL_TOKENS or w.startswith(_PAYWALL_PREFIXES) for w in words) or any(
        r.startswith(_PAYWALL_RAW_PREFIXES) for r in raw)
    if not paywall and text and any(w in _PAYWALL_WEAK_TOKENS for w in words):
        paywall = bool(_PAYWALL_PHRASE.search(text) or _PAYWALL_SUPPORT.search(text))
    if paywall == ad:
        return None  # none, or both ("ad-free-offer"): ambiguous, ask the next level
    return PAYWALL if paywall else AD


def _phrase_label(block: Block, paywalled: bool) -> str | None:
    text = block.text
    if len(text.split()) > WEAK_MAX_EVIDENCE_WORDS or _linky(block):
        return None  # menu links ("Subscribe", "Publicidad" in a footer) are navigation
    if is_ad_label(text) or _AD_PHRASE.search(text):
        return AD
    if _FREE_SIGNUP.search(text):
        return None
    if _PAYWALL_PHRASE.search(text) or (paywalled and _PAYWALL_SOFT.search(text)):
        return PAYWALL
    if len(text.split()) <= WEAK_MAX_PRICE_WORDS and _PRICE.search(text):
        return PAYWALL
    return None


@dataclass(slots=True)
class _JsonLd:
    free: bool | None = None
    gated_selectors: list[str] = field(default_factory=list)


def _read_jsonld(root: Any) -> _JsonLd:
    info = _JsonLd()
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if not text.strip() or len(text) > WEAK_MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        for node in _walk_json(data):
            flag = node.get("isAccessibleForFree")
            if flag is not None:
                free = _as_bool(flag)
                if free is not None:
                    info.free = free if info.free is None else (info.free and free)
            parts = node.get("hasPart")
            for part in parts if isinstance(parts, list) else [parts]:
                if isinstance(part, dict) and _as_bool(part.get("isAccessibleForFree")) is False:
                    sel = part.get("cssSelector")
                    for s in sel if isinstance(sel, list) else [sel]:
                        if isinstance(s, str) and s.strip():
                            info.gated_selectors.append(s.strip())
    return info


def _walk_json(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 8:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _walk_json(value, depth + 1)
    elif isinstance(data, list):
        for value in data[:200]:
            yield from _walk_json(value, depth + 1)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _select(root: Any, selectors: Iterable[str]) -> set[Any]:
    from cssselect import GenericTranslator, SelectorError

    out: set[Any] = set()
    translator = GenericTranslator()
    for sel in selectors:
        try:
            found = root.xpath(translator.css_to_xpath(sel))
        except (SelectorError, etree.XPathError, ValueError, NotImplementedError):
            continue
        if isinstance(found, list):
            out.update(x for x in found if isinstance(x, etree._Element))
    return out


def _is_free_signup(element: Any) -> bool:
    """A "subscribe" box about a newsletter, alerts or a channel (free), judged by its text."""
    text = " ".join(element.itertext())[:WEAK_MAX_BOX_CHARS]
    return bool(_FREE_SIGNUP.search(text)) and not _PAYWALL_PHRASE.search(text)


def _evidence_label(block: Block, *, article_boxes: set[Any], easy_hits: set[Any],
                    gated: set[Any], paywalled: bool) -> tuple[str, str]:
    """``(label, reason)`` for a block that is not in the gold: ``ad``, ``paywall`` or ``navigation``."""
    in_gated = False
    el = block.element
    level = 0
    while el is not None and level <= max(WEAK_ANCESTOR_LEVELS, WEAK_EASYLIST_LEVELS):
        if not isinstance(el.tag, str) or el.tag in ("body", "html"):
            break
        if el in gated:
            in_gated = True
        if el in article_boxes:  # a container of the article: its class says nothing here
            break
        if level <= WEAK_EASYLIST_LEVELS and el in easy_hits:
            return AD, "easylist"
        if level <= WEAK_ANCESTOR_LEVELS:
            found = _token_label(el, block.text)
            if found == PAYWALL and _is_free_signup(el):
                return NAVIGATION, "class:signup"
            if found == AD or (found == PAYWALL and not in_gated):
                return found, f"class:{found}"
        el = el.getparent()
        level += 1
    phrase = _phrase_label(block, paywalled)
    if phrase is None or (phrase == PAYWALL and in_gated):
        return NAVIGATION, "default"
    return phrase, f"phrase:{phrase}"


# --- the converter ---------------------------------------------------------------------------------
def weak_label_page(html: str | bytes, gold_body: str, *, title: str | None = None,
                    easylist: EasyList | None = None, url: str | None = None,
                    encoding: str | None = None) -> WeakLabelledPage:
    """Label a real page's blocks from its gold article text and evidence on the page.

    Never raises on bad input: an empty page, a gold body that is not on the page or an
    empty gold give a page whose ``stats.problem`` says so (and whose blocks are all
    non-content).
    """
    seg = segment(html, encoding=encoding)
    blocks = seg.blocks
    gold = _Gold(gold_body or "")
    problem: str | None = None
    content: set[int] = set()
    covered = 0
    if not gold.words:
        problem = "no-gold"
    elif not blocks:
        problem = "no-blocks"
    else:
        content, covered = _align(blocks, gold)
        if not content:
            problem = "gold-not-found"
    title_found = False
    if content:
        title_found = _add_head(blocks, content, title)
    root = seg.root
    info = _read_jsonld(root) if root is not None else _JsonLd()
    paywalled = info.free is False
    gated = _select(root, info.gated_selectors) if root is not None and info.gated_selectors else set()
    easy_hits = easylist.matching_elements(root) if easylist is not None and root is not None else set()
    article_boxes: set[Any] = set()
    for i in content:
        parent = blocks[i].element.getparent()
        while parent is not None and parent not in article_boxes:
            article_boxes.add(parent)
            parent = parent.getparent()
    labels: list[str] = []
    reasons: list[str] = []
    for b in blocks:
        if b.index in content:
            label, reason = CONTENT, "gold"
        else:
            label, reason = _evidence_label(b, article_boxes=article_boxes, easy_hits=easy_hits,
                                            gated=gated, paywalled=paywalled)
        labels.append(label)
        reasons.append(reason)
    gold_words = max(len(gold.words), 1)
    content_words = [normalise_words(blocks[i].text) for i in content]
    total = sum(max(len(w) - gold.k + 1, 0) for w in content_words)
    inside = sum(1 for w in content_words for sh in _shingles(w, gold.k) if sh in gold.index)
    counts = {lab: labels.count(lab) for lab in (CONTENT, NAVIGATION, AD, PAYWALL)}
    stats = WeakLabelStats(
        gold_words=len(gold.words), recall=min(covered / gold_words, 1.0) if gold.words else 0.0,
        precision=inside / total if total else 0.0, blocks=len(blocks), counts=counts,
        title_found=title_found, paywalled=info.free is False if info.free is not None else None,
        problem=problem)
    return WeakLabelledPage(segmentation=seg, labels=tuple(labels), stats=stats, url=url,
                            reasons=tuple(reasons))


def _add_head(blocks: Sequence[Block], content: set[int], title: str | None) -> bool:
    """Mark the headline, byline and date just before the body as content."""
    first = min(content)
    lo = max(first - WEAK_HEAD_WINDOW, 0)
    title_words = set(normalise_words(title or ""))
    title_at = None
    if title_words:
        for i in sorted(content)[:3]:  # the gold itself may start with the headline
            words = set(normalise_words(blocks[i].text))
            if words and len(words & title_words) / len(words | title_words) >= WEAK_TITLE_SIMILARITY:
                first = i
                title_at = i
                break
    if title_at is None and title_words:
        for i in range(first - 1, lo - 1, -1):
            words = set(normalise_words(blocks[i].text))
            if not words:
                continue
            overlap = len(words & title_words) / len(words | title_words)
            if overlap >= WEAK_TITLE_SIMILARITY:
                title_at = i
                break
    if title_at is None:
        for i in range(first - 1, lo - 1, -1):
            if blocks[i].tag == "h1":
                title_at = i
                break
    if title_at is None:
        return False
    content.add(title_at)
    for i in range(title_at + 1, first):
        b = blocks[i]
        if len(b.text.split()) <= WEAK_MAX_BYLINE_WORDS and not _linky(b) \
                and _BYLINE_HINT.search(b.text):
            content.add(i)
    return True


# --- corpora ---------------------------------------------------------------------------------------
def _read_gold(corpus_dir: Path) -> Iterator[dict[str, Any]]:
    with open(corpus_dir / "gold.jsonl", encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                yield json.loads(line)


def _template_for(url: str | None, corpus: str) -> str:
    host = urlsplit(url).hostname if url else None
    if host:
        return host[4:] if host.startswith("www.") else host
    return corpus


def weak_label_corpus(corpus_dir: str | Path, out_dir: str | Path, *,
                      easylist: EasyList | None = None, limit: int | None = None,
                      min_recall: float = WEAK_MIN_RECALL,
                      allow_evaluation_corpus: bool = False) -> list[dict[str, Any]]:
    """Write weak-labelled fixtures for the pages of a corpus folder (``pages/``, ``gold.jsonl``).

    Files go to ``out_dir/<corpus>/<id>.html`` with ``data-source="<corpus>:<id>"``, the
    corpus licence and ``data-template`` = the page's host. Pages whose alignment failed or
    recovered less than ``min_recall`` of the gold are not written. A ``manifest.jsonl`` in
    ``out_dir/<corpus>/`` lists every page with its statistics and whether it was written.
    Returns the manifest rows. Refuses evaluation-only corpora (scrapinghub) unless told.
    """
    corpus_dir = Path(corpus_dir)
    corpus = corpus_dir.name
    if corpus in EVALUATION_ONLY and not allow_evaluation_corpus:
        raise ValueError(f"{corpus_dir}: the {corpus} corpus is for evaluation only")
    target = Path(out_dir) / corpus
    target.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for n, gold in enumerate(_read_gold(corpus_dir)):
        if limit is not None and n >= limit:
            break
        page_id = str(gold.get("id"))
        row: dict[str, Any] = {"id": page_id, "written": False}
        page_path = corpus_dir / "pages" / f"{page_id}.html.gz"
        try:
            data = gzip.decompress(page_path.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            row["problem"] = f"unreadable: {type(exc).__name__}"
            rows.append(row)
            continue
        url = gold.get("url") if isinstance(gold.get("url"), str) else None
        title = gold.get("title") if isinstance(gold.get("title"), str) else None
        page = weak_label_page(data, str(gold.get("body") or ""), title=title,
                               easylist=easylist, url=url)
        row.update(page.stats.to_dict())
        if page.stats.usable and page.stats.recall >= min_recall:
            html = page.to_html(url=url, template=_template_for(url, corpus),
                                source=f"{corpus}:{page_id}",
                                license=CORPUS_LICENSES.get(corpus, "see the corpus README"))
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", page_id)
            (target / f"{safe}.html").write_text(html, encoding="utf-8")
            row["written"] = True
        rows.append(row)
    with open(target / "manifest.jsonl", "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows
