"""Invented article text: names, places, headlines and paragraphs from our own sentence banks.

Every word here was written for this demo. Text is built from a ``random.Random`` the caller
seeds, so the same seed always gives the same article. All characters fit Windows-1252, so
a page can be served in that encoding to test wrong charset declarations.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from string import Formatter

__all__ = ["TOPICS", "Paragraph", "make_body", "make_headline", "make_person", "slugify"]

FIRST_NAMES = (
    "Amara", "Jonas", "Priya", "Tomasz", "Zoë", "Malik", "Ingrid", "Rafael", "Chiara",
    "Owen", "Leilani", "Dmitri", "Noor", "Beatriz", "Callum", "Hana", "Félix", "Yusuf",
    "Marguerite", "Tobias", "Esi", "Ruairí", "Saoirse", "Kenji", "Anouk", "Declan",
)
LAST_NAMES = (
    "Okafor", "Lindqvist", "Martínez", "Brennan", "Haddad", "Nakamura", "Ålund", "Ferreira",
    "Whitcombe", "Dubois", "Kowalczyk", "Achterberg", "Moreau", "Salo", "Ibáñez", "Quayle",
    "Rosenthal", "Mbeki", "Castellano", "Thorsen", "Gallagher", "Varga", "Oyelaran", "Pike",
)
PLACES = (
    "Easthaven", "Millbrook", "Port Carrow", "Westmere", "Ashby Cross", "Kelvin Bay",
    "Thornfield", "Ridgeway", "Calder Vale", "Norbury", "Saltmarsh", "Greyhope",
    "Linden Falls", "Brackwater", "Oakhurst", "Fenwick", "Marrowdale", "Stonebridge",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class Topic:
    """Words and sentence parts of one subject area."""

    roles: tuple[str, ...]
    orgs: tuple[str, ...]
    things: tuple[str, ...]
    actions: tuple[str, ...]
    outcomes: tuple[str, ...]
    quotes: tuple[str, ...]
    subheads: tuple[str, ...]
    headline_nouns: tuple[str, ...]
    headline_verbs: tuple[str, ...]


TOPICS: dict[str, Topic] = {
    "politics": Topic(
        roles=("the opposition spokesperson", "a junior minister", "the council leader",
               "a backbench member", "the committee chair", "the party treasurer"),
        orgs=("the finance committee", "the coalition partners", "the regional assembly",
              "the electoral commission", "the cabinet office", "the ethics panel"),
        things=("the housing bill", "the budget amendment", "the voting reform package",
                "the transparency rules", "the border funding plan", "the pension review"),
        actions=("delay a final vote on", "rewrite large parts of", "fast-track",
                 "open a public consultation on", "withdraw support for", "put conditions on"),
        outcomes=("a narrow majority", "a cross-party compromise", "a late-night walkout",
                  "a formal complaint", "a recount in two districts", "an emergency session"),
        quotes=("Nobody voted for a plan that was written behind closed doors",
                "We will read every line of it before anyone is asked to sign",
                "The numbers simply do not add up for families in the north",
                "This is the compromise people asked us to find",
                "I expect the vote to be close, and I expect it to be honest"),
        subheads=("What happens next", "A divided chamber", "The cost question",
                  "Reaction from the benches", "Behind the numbers"),
        headline_nouns=("Housing bill", "Budget deal", "Voting reform", "Pension review",
                        "Ethics inquiry", "Coalition talks"),
        headline_verbs=("stalls", "clears first hurdle", "faces fresh revolt",
                        "wins narrow backing", "returns to committee", "splits ministers"),
    ),
    "business": Topic(
        roles=("the chief executive", "a senior analyst", "the finance director",
               "a union representative", "the head of retail", "an independent economist"),
        orgs=("the port authority", "the regional chamber of commerce", "the central bank",
              "a family-owned bakery chain", "the largest local employer", "the ferry operator"),
        things=("quarterly profits", "the new distribution centre", "the wage agreement",
                "energy costs", "the €40 million expansion", "the merger proposal"),
        actions=("scale back", "renegotiate", "put on hold", "announce a review of",
                 "double its investment in", "publish new figures on"),
        outcomes=("a rise in shares", "a hiring freeze", "three hundred new jobs",
                  "a two-day strike", "a cautious outlook", "record orders from abroad"),
        quotes=("Our customers are more careful with every euro than they were a year ago",
                "We are not closing anything, we are changing how we work",
                "The order book is the strongest it has been in a decade",
                "Staff deserve certainty, and this agreement gives them some",
                "Energy is now our second biggest cost after wages"),
        subheads=("Markets react", "Jobs on the line", "A longer view",
                  "What customers will notice", "The view from the shop floor"),
        headline_nouns=("Ferry operator", "Bakery chain", "Port authority", "Energy costs",
                        "Wage talks", "Retail sales"),
        headline_verbs=("beats forecasts", "cuts outlook", "agrees pay deal",
                        "confirms expansion", "pauses hiring", "reports record year"),
    ),
    "science": Topic(
        roles=("the lead author", "a marine biologist", "a climate researcher",
               "the observatory director", "a doctoral student", "an independent reviewer"),
        orgs=("the university's coastal lab", "the national weather service",
              "a team of volunteer divers", "the seed bank", "the space agency",
              "the regional health board"),
        things=("the coral survey", "the new telescope", "the soil samples",
                "the vaccine trial", "the river temperature data", "the migration study"),
        actions=("publish early results from", "extend", "ask for more funding for",
                 "repeat", "open the data from", "pause"),
        outcomes=("a surprising pattern", "a second look at older data",
                  "a small but clear effect", "more questions than answers",
                  "a new species of moss", "a sharp drop in numbers"),
        quotes=("We went in expecting nothing and found something we cannot yet explain",
                "The data are good, but one season is not a trend",
                "Volunteers collected half of these measurements, and they did it well",
                "It is the kind of result you check three times before telling anyone",
                "We now know where to look next"),
        subheads=("How the study worked", "Surprising results", "Limits of the data",
                  "What other scientists say", "The next season"),
        headline_nouns=("Coral survey", "Telescope team", "River study", "Seed bank",
                        "Moss discovery", "Bird count"),
        headline_verbs=("finds surprise", "raises questions", "wins new funding",
                        "doubles sample", "reports early results", "is extended"),
    ),
    "sport": Topic(
        roles=("the head coach", "the club captain", "a veteran defender",
               "the team doctor", "the league's chief executive", "a young striker"),
        orgs=("the rowing club", "the county cricket side", "the women's football team",
              "the basketball academy", "the cycling federation", "the local rugby club"),
        things=("the cup final", "the new training ground", "the transfer window",
                "the season opener", "the relegation battle", "the junior programme"),
        actions=("prepare for", "rethink", "talk openly about", "play down",
                 "invest heavily in", "look beyond"),
        outcomes=("a dramatic late winner", "a goalless draw", "a club record",
                  "an injury scare", "a sold-out stadium", "a penalty shoot-out"),
        quotes=("We played the first half as if we were afraid of the ball",
                "The young players showed everyone what this club can be",
                "I am proud of the fight, not of the result",
                "Nobody in that dressing room has given up on the title",
                "We trained for exactly this moment"),
        subheads=("Turning point", "Selection headaches", "The numbers",
                  "What the coach said", "Looking ahead"),
        headline_nouns=("Rowing club", "County side", "Women's team", "Cup final",
                        "Young striker", "Rugby club"),
        headline_verbs=("snatch late win", "held to draw", "set club record",
                        "suffer injury blow", "book final place", "survive scare"),
    ),
    "local": Topic(
        roles=("a local shopkeeper", "the head teacher", "the parish councillor",
               "a long-time resident", "the fire station manager", "a volunteer organiser"),
        orgs=("the town council", "the library trust", "the bus company",
              "the community garden group", "the primary school", "the harbour board"),
        things=("the closure of the library", "the new cycle lane", "the market hall repairs",
                "the bus timetable", "the flood defences", "the summer festival"),
        actions=("reconsider", "find money for", "hold a meeting about", "consult residents on",
                 "postpone", "speed up"),
        outcomes=("a packed public meeting", "a petition with two thousand names",
                  "a temporary reprieve", "a new volunteer rota", "a delay until spring",
                  "an unexpected donation"),
        quotes=("This street has had a bakery for ninety years and we want to keep it that way",
                "The children deserve a safe route to school",
                "We are a small town, but we are not a quiet one",
                "Nobody asked the people who actually use the bus",
                "I have lived here forty years and never seen the river so high"),
        subheads=("Residents speak out", "The council's answer", "A long history",
                  "How to have your say", "What it will cost"),
        headline_nouns=("Library", "Cycle lane", "Market hall", "Bus timetable",
                        "Flood defences", "Summer festival"),
        headline_verbs=("gets reprieve", "plan divides residents", "repairs delayed",
                        "changes anger commuters", "work begins", "returns after break"),
    ),
    "culture": Topic(
        roles=("the festival director", "a first-time novelist", "the gallery curator",
               "a set designer", "the choir leader", "a visiting critic"),
        orgs=("the city orchestra", "a touring theatre company", "the maritime museum",
              "an independent bookshop", "the film society", "the photography collective"),
        things=("the retrospective", "the new opera", "the poetry prize",
                "the restored cinema", "the winter exhibition", "the debut album"),
        actions=("reimagine", "bring back", "take a risk with", "celebrate",
                 "quietly rework", "open the doors to"),
        outcomes=("a standing ovation", "sold-out nights", "mixed reviews",
                  "a queue around the block", "a surprise shortlist", "a second run"),
        quotes=("I wanted people to leave the room arguing with each other",
                "The building itself is the star of the show",
                "Every painting here was nearly thrown away at some point",
                "We rehearsed in a car park for three weeks",
                "Small venues are where new work learns to breathe"),
        subheads=("On stage", "The making of", "A second look",
                  "Who it is for", "Verdict"),
        headline_nouns=("Retrospective", "New opera", "Poetry prize", "Restored cinema",
                        "Winter exhibition", "Debut album"),
        headline_verbs=("divides critics", "opens to crowds", "names shortlist",
                        "returns in style", "takes a risk", "earns second run"),
    ),
    "travel": Topic(
        roles=("a ferry captain", "the guesthouse owner", "a walking guide",
               "the tourism officer", "a night-train conductor", "a retired cartographer"),
        orgs=("the island ferry line", "the national park service", "a cooperative of farms",
              "the mountain hut association", "the rail operator", "the coastal path trust"),
        things=("the night train", "the coastal path", "the off-season", "the old lighthouse",
                "the island hop", "the border crossing"),
        actions=("slow down for", "rediscover", "walk the length of", "make time for",
                 "plan around", "wait out the weather on"),
        outcomes=("a quiet harbour at dawn", "a storm that changed the plan",
                  "a breakfast worth the detour", "an empty beach in October",
                  "a missed connection", "a view nobody had promised"),
        quotes=("The island changes completely once the day boats have gone",
                "People come for the cliffs and stay for the conversation",
                "Walk it in the rain at least once",
                "The train is slow on purpose, and that is the point",
                "We still write the tide times on the blackboard every morning"),
        subheads=("Getting there", "Where to stay", "The long way round",
                  "When to go", "What to pack"),
        headline_nouns=("Night train", "Coastal path", "Island hop", "Old lighthouse",
                        "Off-season", "Mountain huts"),
        headline_verbs=("worth the wait", "in the rain", "beyond the crowds",
                        "at walking pace", "out of season", "the slow way"),
    ),
    "ideas": Topic(
        roles=("a moral philosopher", "a retired judge", "a historian of cities",
               "a software engineer", "a family doctor", "a former diplomat"),
        orgs=("the public library", "a reading group", "the city's planning office",
              "a neighbourhood forum", "the old debating society", "the night school"),
        things=("attention", "the idea of a commute", "public trust", "boredom",
                "the four-day week", "handwriting"),
        actions=("rethink", "defend", "measure", "make room for", "learn to live with",
                 "argue about"),
        outcomes=("a better question", "an uncomfortable answer", "a change of habit",
                  "a small experiment", "a quiet kind of progress", "an honest disagreement"),
        quotes=("We treat attention as infinite and then act surprised when it runs out",
                "The best arguments I have lost were the ones that changed my mind",
                "A city is a promise that strangers make to each other",
                "Boredom is where most of my good ideas started",
                "Trust is built slowly and spent quickly"),
        subheads=("The argument", "A counterpoint", "Why it matters now",
                  "An experiment", "Where that leaves us"),
        headline_nouns=("Attention", "The commute", "Public trust", "Boredom",
                        "The four-day week", "Handwriting"),
        headline_verbs=("is worth defending", "deserves a rethink", "is not what it was",
                        "needs better questions", "has a history", "is coming back"),
    ),
    "tech": Topic(
        roles=("a hardware hacker", "the maintainer of the project", "a security researcher",
               "a repair-shop owner", "the product lead", "a network engineer"),
        orgs=("the open-source foundation", "a community mesh network",
              "the municipal data office", "a repair café", "the standards group",
              "a two-person start-up"),
        things=("the firmware update", "the right-to-repair rules", "the old mainframe",
                "the battery recall", "the offline-first app", "the public Wi-Fi scheme"),
        actions=("audit", "reverse-engineer", "open-source", "patch", "rebuild",
                 "retire"),
        outcomes=("a long-forgotten bug", "a cheaper fix", "a flood of volunteers",
                  "a surprise recall", "a quieter network", "a better manual"),
        quotes=("Most of the work was reading documentation nobody had opened in years",
                "If you cannot repair it, you do not really own it",
                "The bug had been there since before some of us were born",
                "We shipped less and it worked better",
                "Offline is not a failure mode, it is the normal case"),
        subheads=("How it works", "The fix", "Under the hood",
                  "Who maintains it", "What to do now"),
        headline_nouns=("Firmware update", "Repair rules", "Old mainframe",
                        "Battery recall", "Mesh network", "Offline app"),
        headline_verbs=("finds ancient bug", "gets second life", "splits developers",
                        "goes open source", "widens", "learns to wait"),
    ),
}

# Sentence shapes shared by every topic. Slots: {person} {role} {org} {thing} {action}
# {outcome} {place} {weekday} {month} {number} {quote}.
SENTENCES = (
    "{org_cap} said on {weekday} that it would {action} {thing} after {outcome}.",
    "In {place}, {thing} has become the main subject of conversation since {month}.",
    "{person}, {role}, said the decision came after {outcome} earlier in the week.",
    "“{quote},” said {person}, {role}.",
    "“{quote},” {person} told reporters outside the town hall in {place}.",
    "According to figures seen by this newspaper, {number} people were directly affected.",
    "The plan to {action} {thing} was first discussed in {month}, but it stalled twice.",
    "Critics say {org} moved too quickly, while supporters point to {outcome}.",
    "{person} has spent {number_small} years working on {thing} and called the week “unusual”.",
    "Residents of {place} were given until {weekday} to respond.",
    "It is the {ordinal} time this year that {org} has been asked to {action} {thing}.",
    "A spokesperson for {org} declined to comment on the details but confirmed {outcome}.",
    "Those close to the talks describe the mood as tense but not hostile.",
    "The timing matters: {thing} was due to be settled before the end of {month}.",
    "{person} said the next steps would be set out in writing by {weekday}.",
    "Nobody expects {thing} to be settled quickly — at least not before {month}.",
    "Similar efforts in {place} ended with {outcome}, a point critics were quick to make.",
    "The figures suggest a gap of roughly {number} between the two estimates.",
    "For now, {org} says it will {action} {thing} and report back in {month}.",
    "{role_cap} {person} was more cautious, saying {outcome} was only one possibility.",
    "Local groups in {place} have organised {number_small} meetings to discuss the issue.",
    "The original proposal, drawn up in {place}, was shorter and far less ambitious.",
    "Some of the most detailed objections came from {org}.",
    "That leaves {thing} in an awkward position for at least another {number_small} weeks.",
)
ORDINALS = ("second", "third", "fourth", "fifth")


@dataclass(frozen=True)
class Paragraph:
    """One block of an article body: a paragraph (``p``) or a sub-head (``h2``)."""

    kind: str
    text: str


def make_person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


@cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in Formatter().parse(template) if name)


def _value(name: str, topic: Topic, rng: random.Random, person: tuple[str, str]) -> str:
    if name == "person":
        return person[0]
    if name in ("role", "role_cap"):
        return person[1] if name == "role" else person[1][0].upper() + person[1][1:]
    if name in ("org", "org_cap"):
        org = rng.choice(topic.orgs)
        return org if name == "org" else org[0].upper() + org[1:]
    if name == "number":
        return f"{rng.randrange(120, 98_000):,}"
    if name == "number_small":
        return str(rng.randrange(2, 19))
    pools: dict[str, tuple[str, ...]] = {
        "thing": topic.things, "action": topic.actions, "outcome": topic.outcomes,
        "place": PLACES, "weekday": WEEKDAYS, "month": MONTHS, "quote": topic.quotes,
        "ordinal": ORDINALS}
    return rng.choice(pools[name])


def _fill(template: str, topic: Topic, rng: random.Random,
          cast: list[tuple[str, str]]) -> str:
    """Fill only the slots the sentence uses (each person keeps one role)."""
    person = rng.choice(cast)
    return template.format(**{name: _value(name, topic, rng, person)
                              for name in _fields(template)})


def make_headline(rng: random.Random, topic_name: str) -> str:
    topic = TOPICS[topic_name]
    place = rng.choice(PLACES)
    noun = rng.choice(topic.headline_nouns)
    verb = rng.choice(topic.headline_verbs)
    shape = rng.randrange(4)
    if shape == 0:
        return f"{place} {noun.lower()} {verb}"
    if shape == 1:
        return f"{noun} {verb} in {place}"
    if shape == 2:
        return f"{noun} {verb} as {rng.choice(topic.outcomes)} follows"
    return f"{place}: {noun.lower()} {verb} after {rng.choice(topic.outcomes)}"


def make_body(rng: random.Random, topic_name: str, *, paragraphs: tuple[int, int] = (5, 10),
              subheads: bool = True, stop_after: int | None = None) -> list[Paragraph]:
    """An article body: 2-4 sentences per paragraph, sub-heads now and then.

    ``stop_after`` ends early after that many blocks: the same first blocks, less work.
    """
    topic = TOPICS[topic_name]
    roles = rng.sample(topic.roles, 3)  # each person keeps one role through the story
    cast = [(make_person(rng), role) for role in roles]
    count = rng.randint(*paragraphs)
    heads = list(topic.subheads)
    rng.shuffle(heads)
    body: list[Paragraph] = []
    deck: list[str] = []  # sentence shapes are dealt without repeats until all are used
    for index in range(count):
        if subheads and index >= 3 and index % 3 == 0 and heads and rng.random() < 0.7:
            body.append(Paragraph("h2", heads.pop()))
        shapes = [deck.pop() if deck else _refill(deck, rng) for _ in range(rng.randint(2, 4))]
        body.append(Paragraph("p", " ".join(_fill(s, topic, rng, cast) for s in shapes)))
        if stop_after is not None and len(body) >= stop_after:
            break
    return body


def _refill(deck: list[str], rng: random.Random) -> str:
    deck.extend(SENTENCES)
    rng.shuffle(deck)
    return deck.pop()


def slugify(text: str, max_len: int = 60) -> str:
    """Lower-case ASCII words joined by hyphens (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:  # cut at a word boundary
        slug = slug[: max_len + 1].rsplit("-", 1)[0]
    return slug or "story"
