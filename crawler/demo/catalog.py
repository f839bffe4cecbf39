"""The demo site's catalogue: publishers, and each article's metadata computed from its id.

Nothing is stored per article: article ``id`` (0 = oldest) fixes its publisher, ordinal,
section, dates, paywall and text through seeded random streams, so a 20k-article site costs
no more memory than a 60-article one. Only runtime edits and added articles are kept.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from crawler.demo import constants as C
from crawler.demo.text import Paragraph, make_body, make_headline, make_person, slugify

__all__ = ["PUBLISHERS", "ArticleSpec", "Catalog", "Publisher", "Section"]

FREE, METERED, HARD = "free", "metered", "hard"
#: Broken-page kinds. ``truncated`` and ``wrong-charset`` pages still carry the whole article
#: (they are in the manifest); a ``cut-off`` page stops before the article starts (it is not).
TRUNCATED, WRONG_CHARSET, CUT_OFF = "truncated", "wrong-charset", "cut-off"


@dataclass(frozen=True)
class Section:
    slug: str
    label: str
    topic: str


@dataclass(frozen=True)
class Publisher:
    """One publisher: its own template, URL shapes, time zone, paywall policy and feeds."""

    key: str
    name: str
    utc_offset_min: int
    sections: tuple[Section, ...]
    #: discovery routes the publisher offers (manifest field ``routes``)
    routes: tuple[str, ...]
    #: ``held_out``: the template deliberately unlike the others (retraining walkthrough)
    held_out: bool = False

    @property
    def prefix(self) -> str:
        return f"/{self.key}/"

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(minutes=self.utc_offset_min))

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


PUBLISHERS: dict[str, Publisher] = {p.key: p for p in (
    Publisher("daily", "The Daily Meridian", 0, (
        Section("politics", "Politics", "politics"), Section("business", "Business", "business"),
        Section("science", "Science", "science"), Section("sport", "Sport", "sport"),
    ), routes=("sitemap", "news", "feed", "links")),
    Publisher("courier", "Harbour Valley Courier", -300, (
        Section("local", "Local News", "local"), Section("business", "Business", "business"),
        Section("sport", "Sport", "sport"),
    ), routes=("sitemap", "feed", "links")),
    Publisher("magazine", "The Lantern Review", 60, (
        Section("culture", "Culture", "culture"), Section("travel", "Travel", "travel"),
        Section("ideas", "Ideas", "ideas"),
    ), routes=("sitemap", "feed", "links")),
    Publisher("quill", "Quillpost", 330, (
        Section("dispatches", "Dispatches", "tech"), Section("notes", "Field notes", "science"),
        Section("long", "Long reads", "ideas"),
    ), routes=("feed", "links"), held_out=True),
)}

#: Which publisher each id in a cycle of 12 belongs to (interleaved, so dates mix).
CYCLE: tuple[str, ...] = ("daily", "courier", "magazine", "daily", "quill", "courier",
                          "daily", "magazine", "courier", "daily", "magazine", "quill")
_POSITIONS: dict[str, tuple[int, ...]] = {
    key: tuple(i for i, k in enumerate(CYCLE) if k == key) for key in PUBLISHERS}


def _paywall(publisher: str, ordinal: int) -> str:
    if publisher == "daily":
        return HARD if ordinal % 6 == 4 else FREE
    if publisher == "courier":
        return {1: HARD, 3: FREE}.get(ordinal % 4, METERED)
    if publisher == "magazine":
        return HARD if ordinal % 5 == 2 else FREE
    return HARD if ordinal % 6 == 5 else FREE


def _broken(publisher: str, ordinal: int) -> str | None:
    kind = {"daily": (7, TRUNCATED), "courier": (6, WRONG_CHARSET),
            "magazine": (4, CUT_OFF)}.get(publisher)
    if kind and ordinal % 40 == kind[0]:
        return kind[1]
    return None


@dataclass(frozen=True)
class ArticleSpec:
    """Everything about one article except its body text."""

    id: int
    publisher: Publisher
    ordinal: int
    section: Section
    title: str
    authors: tuple[str, ...]
    published: datetime
    modified: datetime
    paywall: str
    broken: str | None
    url_path: str
    #: old URL that answers 301 to ``url_path`` (None: the publisher keeps no old URLs)
    old_path: str | None = None
    #: the body after a runtime edit (None: the generated one)
    edited_body: tuple[Paragraph, ...] | None = field(default=None, compare=False)

    @property
    def in_manifest(self) -> bool:
        return self.broken != CUT_OFF


def quill_code(article_id: int) -> str:
    """The held-out publisher's opaque URL code (no date, no slug)."""
    return format(article_id * 7919 + 104729, "x")


def quill_id(code: str) -> int | None:
    try:
        value = int(code, 16) - 104729
    except ValueError:
        return None
    return value // 7919 if value >= 0 and value % 7919 == 0 else None


def _url_path(pub: Publisher, section: Section, slug: str, article_id: int,
              published: datetime) -> str:
    local = published.astimezone(pub.tz)
    if pub.key == "daily":
        return f"/daily/{section.slug}/{local:%Y/%m/%d}/{slug}-a{article_id}"
    if pub.key == "courier":
        return f"/courier/{section.slug}/{slug}-{article_id}.html"
    if pub.key == "magazine":
        return f"/magazine/{local:%Y/%m}/{slug}-{article_id}/"
    return f"/quill/p/{quill_code(article_id)}"


class Catalog:
    """The article set of one demo site: ids ``0 .. count-1``, newest = highest id."""

    def __init__(self, seed: int = C.DEFAULT_SEED, articles: int = C.DEFAULT_ARTICLES):
        if not 1 <= articles <= C.MAX_ARTICLES:
            raise ValueError(f"articles must be between 1 and {C.MAX_ARTICLES}, got {articles}")
        self.seed = seed
        self.initial_count = articles
        self._count = articles
        self._edits: dict[int, tuple[tuple[Paragraph, ...], datetime]] = {}
        self._lock = threading.Lock()
        self.spec = lru_cache(maxsize=C.RENDER_CACHE_SIZE * 8)(self._spec)
        #: bumped on every edit / addition, so renderers can drop cached pages
        self.version = 0

    # --- size and per-publisher ordinals ---------------------------------------------
    @property
    def count(self) -> int:
        return self._count

    def publisher_count(self, key: str) -> int:
        full, rest = divmod(self._count, len(CYCLE))
        positions = _POSITIONS[key]
        return full * len(positions) + sum(1 for p in positions if p < rest)

    def id_of(self, key: str, ordinal: int) -> int:
        positions = _POSITIONS[key]
        cycle, index = divmod(ordinal, len(positions))
        return cycle * len(CYCLE) + positions[index]

    def section_count(self, pub: Publisher, section_index: int) -> int:
        total = self.publisher_count(pub.key)
        n = len(pub.sections)
        return max(0, (total - section_index + n - 1) // n)

    def section_ids(self, pub: Publisher, section_index: int, start: int, stop: int) -> list[int]:
        """Ids of a section's articles, newest first, positions ``start:stop``."""
        total = self.publisher_count(pub.key)
        n = len(pub.sections)
        # ordinals of the section are section_index, section_index + n, ...; newest last
        last = section_index + n * (self.section_count(pub, section_index) - 1)
        ordinals = (last - n * k for k in range(start, stop))
        return [self.id_of(pub.key, o) for o in ordinals if 0 <= o < total]

    def newest_ids(self, key: str, limit: int) -> list[int]:
        total = self.publisher_count(key)
        return [self.id_of(key, o) for o in range(total - 1, max(-1, total - 1 - limit), -1)]

    def iter_ids(self, key: str | None = None) -> Iterator[int]:
        """All ids (of one publisher), oldest first, without building a list."""
        if key is None:
            yield from range(self._count)
            return
        for ordinal in range(self.publisher_count(key)):
            yield self.id_of(key, ordinal)

    # --- one article ------------------------------------------------------------------
    def rng(self, article_id: int, stream: str) -> random.Random:
        return random.Random(f"newscrawl-demo:{self.seed}:{article_id}:{stream}")

    def _spec(self, article_id: int, version: int = 0) -> ArticleSpec:
        del version  # part of the cache key only
        if not 0 <= article_id < self._count:
            raise KeyError(article_id)
        key = CYCLE[article_id % len(CYCLE)]
        pub = PUBLISHERS[key]
        full, pos = divmod(article_id, len(CYCLE))
        ordinal = full * len(_POSITIONS[key]) + _POSITIONS[key].index(pos)
        section = pub.sections[ordinal % len(pub.sections)]
        rng = self.rng(article_id, "meta")
        title = make_headline(rng, section.topic)
        authors = tuple(make_person(rng) for _ in range(2 if rng.random() < 0.2 else 1))
        steps = article_id - (self.initial_count - 1)
        published = (C.ANCHOR_TIME + steps * C.ARTICLE_INTERVAL
                     + timedelta(seconds=rng.randrange(C.ARTICLE_JITTER_S)))
        published = published.astimezone(pub.tz).replace(microsecond=0)
        modified = published
        if rng.random() < 0.4:
            modified = published + timedelta(minutes=rng.randrange(20, 30 * 60))
        slug = slugify(title)
        spec = ArticleSpec(
            id=article_id, publisher=pub, ordinal=ordinal, section=section, title=title,
            authors=authors, published=published, modified=modified,
            paywall=_paywall(key, ordinal), broken=_broken(key, ordinal),
            url_path=_url_path(pub, section, slug, article_id, published),
            old_path=f"/daily/story.php?id={article_id}" if key == "daily" else None,
        )
        edit = self._edits.get(article_id)
        if edit is not None:
            spec = replace(spec, edited_body=edit[0], modified=edit[1].astimezone(pub.tz))
        return spec

    def get(self, article_id: int) -> ArticleSpec:
        return self.spec(article_id, self.version)

    def body(self, spec: ArticleSpec) -> list[Paragraph]:
        """The full article text (a hard paywall page shows only its teaser)."""
        if spec.edited_body is not None:
            return list(spec.edited_body)
        return make_body(self.rng(spec.id, "body"), spec.section.topic)

    def lead(self, spec: ArticleSpec) -> str:
        """The first paragraph (teasers, feed summaries) without generating the whole body."""
        body = (list(spec.edited_body) if spec.edited_body is not None
                else make_body(self.rng(spec.id, "body"), spec.section.topic, stop_after=1))
        return next((p.text for p in body if p.kind == "p"), "")

    def visible_body(self, spec: ArticleSpec) -> list[Paragraph]:
        """What the page shows: the whole body, or a hard paywall's teaser paragraphs."""
        body = self.body(spec)
        if spec.paywall != HARD:
            return body
        teaser = [p for p in body if p.kind == "p"][:C.HARD_TEASER_PARAGRAPHS]
        if spec.publisher.key == "courier":  # this paper cuts its teaser mid-sentence
            words = teaser[-1].text.split()
            teaser[-1] = Paragraph("p", " ".join(words[: max(6, len(words) // 2)]) + "…")
        return teaser

    # --- runtime changes (incremental-crawl tests) ---------------------------------------
    def edit(self, article_id: int, paragraphs: list[Paragraph],
             modified: datetime | None = None) -> ArticleSpec:
        old = self.get(article_id)
        when = modified or datetime.now(timezone.utc).replace(microsecond=0)
        if when.tzinfo is None:
            raise ValueError("modified must carry a time zone")
        if when <= old.modified:  # lastmod must move forward, or nobody sees the change
            when = old.modified + timedelta(seconds=1)
        with self._lock:
            self._edits[article_id] = (tuple(paragraphs), when)
            self.version += 1
        return self.get(article_id)

    def add_articles(self, count: int) -> list[int]:
        """Publish ``count`` new articles (dated after every existing one)."""
        if count < 1 or self._count + count > C.MAX_ARTICLES:
            raise ValueError(f"cannot add {count} articles")
        with self._lock:
            first = self._count
            self._count += count
            self.version += 1
        return list(range(first, first + count))

    def last_change(self, ids: list[int]) -> datetime:
        """Newest ``modified`` among ``ids`` (the anchor time for an empty list)."""
        return max((self.get(i).modified for i in ids), default=C.ANCHOR_TIME)
