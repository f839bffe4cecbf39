"""The texts of all blocks of a page, joined, so that a statistic costs one regex scan or one
numpy pass per page instead of one Python call per block.

Every result equals what the same test gives on each block text on its own (see the tests):
the separator is a character no block text holds and no pattern matches, a regex hit is only
counted when it lies inside one block, and a pattern anchored with ``^`` is rewritten to anchor
at every block start.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

import ahocorasick
import numpy as np

__all__ = ["SEPARATOR", "BlockPatterns", "CharTable", "JoinedTexts", "SpanHashes",
           "anchor_at_blocks", "literal_heads", "loosen", "text_hash"]

#: Joins block texts: non-word and non-space, and never in parsed text (XML forbids it).
SEPARATOR = "\x00"
#: Stands in for a separator found inside a text (equally non-word, non-space, unmatched).
_STAND_IN = "\x01"
_BMP = 0x10000
#: Flag value -> its bits 0-3 / 4-7, each in a 16-bit lane of a uint64 (sums of lanes).
_LANES = tuple(
    (np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little")
     [:, 4 * half:4 * half + 4].astype(np.uint64) << (np.arange(4, dtype=np.uint64) * 16))
    .sum(axis=1, dtype=np.uint64) for half in range(2))


def codepoints(text: str) -> np.ndarray:
    """Code points of ``text`` (lone surrogates included) as ``uint32``."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class CharTable:
    """Bit ``i`` of a character's flags is set when single-character pattern ``i`` matches it.

    The table of the Basic Multilingual Plane is made once, from the patterns themselves, so it
    agrees with the regexes exactly; rarer characters are looked up one by one.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        if len(patterns) > 7:
            raise ValueError("at most 7 character classes (bit 7 counts runs)")
        self.patterns = tuple(patterns)
        self._bmp: np.ndarray | None = None

    def _char_flags(self, char: str) -> int:
        return sum(1 << bit for bit, p in enumerate(self.patterns) if p.fullmatch(char))

    def _table(self) -> np.ndarray:
        table = self._bmp
        if table is None:
            every = "".join(map(chr, range(_BMP)))
            table = np.zeros(_BMP, dtype=np.uint8)
            for bit, pattern in enumerate(self.patterns):
                # A one-character match replaced by one character keeps every position.
                marked = codepoints(pattern.sub(SEPARATOR, every)) == 0
                table[marked] |= np.uint8(1 << bit)
            table[0] = self._char_flags(SEPARATOR)
            self._bmp = table
        return table

    def flags(self, cps: np.ndarray) -> np.ndarray:
        """Flags (``uint8``) of every code point of ``cps`` (see :func:`codepoints`)."""
        table = self._table()
        astral = cps >= _BMP
        if not astral.any():
            return table[cps]
        out = table[np.where(astral, 0, cps)]
        for cp in np.unique(cps[astral]).tolist():
            out[cps == cp] = self._char_flags(chr(cp))
        return out


#: Base of the span hashes (odd, so invertible modulo 2**64).
_HASH_BASE = 0x9E3779B97F4A7C15
_HASH_INVERSE = pow(_HASH_BASE, -1, 1 << 64)
#: Texts up to this long reuse the process's table of powers (grown on demand; 4 MB at most:
#: a longer text makes its own and drops it).
_HASH_TABLE_LIMIT = 1 << 18


def _powers(base: int, n: int) -> np.ndarray:
    """``base ** i`` modulo 2**64 for ``i`` in ``0..n`` (numpy's uint64 arithmetic wraps)."""
    out = np.full(n + 1, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, out=out)


class SpanHashes:
    """64-bit polynomial hashes of spans of a text, all at once in numpy: the hash of
    ``text[a:b]`` equals :func:`text_hash` of that slice, so words can be looked up in a set
    of hashes without making a string per word. (Two different words share a hash with odds
    of about 2**-64.)"""

    #: The process's powers of the base and of its inverse (made once, grown on demand).
    _powers_table: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=np.uint64),) * 2

    def __init__(self, text: str) -> None:
        cps = codepoints(text)
        n = cps.shape[0]
        forward, backward = SpanHashes._powers_table
        if forward.shape[0] <= n:
            size = max(n, min(2 * forward.shape[0], _HASH_TABLE_LIMIT))
            forward, backward = _powers(_HASH_BASE, size), _powers(_HASH_INVERSE, size)
            if size <= _HASH_TABLE_LIMIT:
                SpanHashes._powers_table = (forward, backward)
        # prefix[i]: the sum of (code point + 1) * base**j over j < i
        self._prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum((cps.astype(np.uint64) + np.uint64(1)) * forward[:n], out=self._prefix[1:])
        self._unshift = backward

    def of(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Hashes (``uint64``) of the spans ``text[starts[i]:ends[i]]``."""
        return (self._prefix[ends] - self._prefix[starts]) * self._unshift[starts]


def text_hash(text: str) -> int:
    """The hash :class:`SpanHashes` gives a span holding exactly ``text``."""
    value, power = 0, 1
    for char in text:
        value = (value + (ord(char) + 1) * power) & 0xFFFFFFFFFFFFFFFF
        power = (power * _HASH_BASE) & 0xFFFFFFFFFFFFFFFF
    return value


class JoinedTexts:
    """Block texts joined by :data:`SEPARATOR`, with each block's start and end offsets."""

    def __init__(self, texts: Sequence[str]) -> None:
        joined = SEPARATOR.join(texts)
        if joined.count(SEPARATOR) != max(len(texts) - 1, 0):
            texts = [t.replace(SEPARATOR, _STAND_IN) for t in texts]
            joined = SEPARATOR.join(texts)
        self.texts = list(texts)
        self.text = joined
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self.starts = np.zeros(len(texts), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=self.starts[1:])
        self.ends = self.starts + lengths
        self._start_list: list[int] = self.starts.tolist()
        self._end_list: list[int] = self.ends.tolist()
        self._flags: tuple[CharTable, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.texts)

    def block_of(self, positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, positions, side="right") - 1

    def flags(self, table: CharTable) -> np.ndarray:
        """``table``'s flags of every character of the joined text (kept for the next call)."""
        if self._flags is None or self._flags[0] is not table:
            self._flags = (table, table.flags(codepoints(self.text)))
        return self._flags[1]

    def runs(self, table: CharTable, bit: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and end offsets (in the joined text) of the runs of characters with ``bit``
        (e.g. the words: ``text[start:end]`` is what ``\\w+`` finds)."""
        inside = (self.flags(table) >> bit) & 1
        edges = np.flatnonzero(np.diff(inside, prepend=0, append=0))
        return edges[0::2], edges[1::2]

    def class_counts(self, table: CharTable, *, text: str | None = None,
                     runs_of: int | None = None) -> np.ndarray:
        """Per block and flag bit (``n x 8``): the characters with that bit; column 7 counts
        the runs of characters with bit ``runs_of`` (e.g. the words). ``text`` is another
        joining of as many blocks (e.g. the lower-cased one), whose block bounds are found
        from its separators."""
        if text is None:
            flags = self.flags(table)
            starts, ends = self.starts, self.ends
        else:
            cps = codepoints(text)
            flags = table.flags(cps)
            bounds = np.flatnonzero(cps == 0)
            if bounds.shape[0] != len(self) - 1:
                raise ValueError("the text does not hold as many blocks")
            starts = np.concatenate([[0], bounds + 1])
            ends = np.concatenate([bounds, [cps.shape[0]]])
        if runs_of is not None:
            inside = (flags >> runs_of) & 1
            after_outside = np.concatenate([[1], 1 - inside[:-1]]).astype(np.uint8)
            flags = flags | ((inside & after_outside) << 7)  # run starts
        if np.any(ends - starts >= 1 << 16):  # too long for the lanes below: bit by bit
            bits = [np.concatenate([[0], np.cumsum((flags >> b) & 1)]) for b in range(8)]
            return np.stack([c[ends] - c[starts] for c in bits], axis=1).astype(np.int64)
        # Each bit gets a 16-bit lane of a running sum; a block's counts are the difference
        # of two running sums (exact: a block holds fewer than 2**16 characters).
        sums = []
        for lanes in _LANES:
            running = np.zeros(flags.shape[0] + 1, dtype=np.uint64)
            np.cumsum(lanes[flags], out=running[1:])
            sums.append(running)
        halves = [(running[ends] - running[starts]).astype("<u8").view("<u2").reshape(-1, 4)
                  for running in sums]
        return np.hstack(halves).astype(np.int64)

    def match_counts(self, pattern: re.Pattern[str]) -> np.ndarray:
        """Per block: matches of ``pattern`` (a joined-text form that cannot cross blocks)
        starting in the block."""
        positions = [m.start() for m in pattern.finditer(self.text)]
        if not positions:
            return np.zeros(len(self), dtype=np.int64)
        return np.bincount(self.block_of(np.array(positions)), minlength=len(self))

    def hits(self, patterns: BlockPatterns) -> np.ndarray:
        """Per block and pattern (``n x k`` booleans): does the pattern match somewhere in the
        block's text? The same answers as searching each block alone."""
        heads, fast = patterns.heads, patterns.fast
        if heads is not None:
            return self._hits_at_heads(patterns, heads)
        assert fast is not None, "BlockPatterns has heads or a fast pattern"
        k = len(patterns.alone)
        hit = np.zeros((len(self), k), dtype=bool)
        text, starts, ends = self.text, self._start_list, self._end_list
        search = fast.search
        pending: dict[int, list[int]] = {}
        pos = 0
        # Every place where the fast pattern matches, in order; each checked with the exact
        # patterns still open for its block (a block is done once all have matched).
        while (m := search(text, pos)) is not None:
            start = m.start()
            block = bisect.bisect_right(starts, start) - 1
            end = ends[block]
            if start < end:
                todo = pending.setdefault(block, list(range(k)))
                for g in tuple(todo):
                    verdict = self._verdict(patterns, g, block, start)
                    if verdict is not None:
                        hit[block, g] = verdict
                        todo.remove(g)
                if not todo:
                    pos = end + 1
                    continue
            pos = start + 1
        return hit

    def _verdict(self, patterns: BlockPatterns, g: int, block: int, start: int) -> bool | None:
        """Pattern ``g`` on ``block``, from a place in it where the pattern may start: None
        when no match starts there, else the block's answer (a match running over the block's
        end is settled on the block alone)."""
        found = patterns.joined[g].match(self.text, start)
        if found is None:
            return None
        return (found.end() <= self._end_list[block]
                or patterns.alone[g].search(self.texts[block]) is not None)

    def _hits_at_heads(self, patterns: BlockPatterns, heads: _Heads) -> np.ndarray:
        """``hits`` from the places where a literal head of a pattern occurs (one pass of an
        Aho-Corasick automaton in C), each checked with that head's patterns only: most
        places fail the head's cheap condition (a word start, a block start) at once."""
        hit = np.zeros((len(self), len(patterns.alone)), dtype=bool)
        text, starts, ends = self.text, self._start_list, self._end_list
        block_starts = set(starts)
        settled: set[tuple[int, int]] = set()  # (block, pattern) whose answer is known
        for last, (back, kinds) in heads.automaton.iter(text):
            start = last - back
            for where, group in kinds:
                if where == _BLOCK_START:
                    if start not in block_starts:
                        continue
                elif where == _WORD_START and start:
                    before = text[start - 1]
                    if before.isalnum() or before == "_":  # what \w is for str patterns
                        continue
                block = bisect.bisect_right(starts, start) - 1
                if start >= ends[block]:
                    continue
                for g in group:
                    if (block, g) in settled:
                        continue
                    verdict = self._verdict(patterns, g, block, start)
                    if verdict is not None:
                        hit[block, g] = verdict
                        settled.add((block, g))
        return hit


class BlockPatterns:
    """Patterns to test on every block of a :class:`JoinedTexts` at once.

    Candidate places come from the patterns' literal heads (:func:`literal_heads`) when every
    alternative starts with a literal, else from ``fast``. ``fast`` must match wherever one of
    the patterns does (it may match more): by default the union of the patterns without their
    leading assertions, grouped by first characters, on which the regex engine skips ahead
    quickly (:func:`loosen`). The heads are the faster way on prose: the regex engine tries
    its alternatives at nearly every character of a text.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]],
                 fast: re.Pattern[str] | None = None) -> None:
        self.alone = tuple(patterns)
        self.joined = tuple(anchor_at_blocks(p) for p in patterns)
        found = [literal_heads(p) for p in patterns] if fast is None else []
        per_pattern = [heads for heads in found if heads is not None]
        self.heads = _Heads(per_pattern) if found and len(per_pattern) == len(found) else None
        self.fast = fast if fast is not None or self.heads is not None else loosen(patterns)


#: Where a literal head must start to begin a match: anywhere, at a word start (after a
#: ``\b``), at a block start (after a ``^``).
_ANYWHERE, _WORD_START, _BLOCK_START = range(3)


def literal_heads(pattern: re.Pattern[str]) -> list[tuple[str, int]] | None:
    """``(literal, where)`` pairs such that every match of ``pattern`` starts with one of the
    literals at such a place (:data:`_WORD_START`, ...), or ``None`` when an alternative
    starts with no plain literal (or the flags change what a literal or ``\b`` matches)."""
    if pattern.flags != re.UNICODE:
        return None
    heads = []
    for branch, where in _branches(pattern):
        literal, rest = "", branch
        while (split := _literal_head(rest)) is not None:
            head, rest = split
            literal += head[-1]
        if not literal:
            return None
        word = literal[0].isalnum() or literal[0] == "_"
        heads.append((literal, where if where != _WORD_START or word else _ANYWHERE))
    return heads


def _branches(pattern: re.Pattern[str]) -> Iterator[tuple[str, int]]:
    """The top-level alternatives of ``pattern`` (a leading group's alternatives spread out),
    each without the ``\\b`` / ``^`` that starts it, and where it must start therefore
    (:data:`_ANYWHERE`, :data:`_WORD_START`, :data:`_BLOCK_START`)."""
    for part in _alternatives(pattern.pattern):
        where = _ANYWHERE
        if part.startswith("\\b"):
            part, where = part[2:], _WORD_START
        elif part.startswith("^"):
            part, where = part[1:], _BLOCK_START
        for branch in _distribute(part):
            yield branch, where


class _Heads:
    """An Aho-Corasick automaton of the literal heads of some patterns (``per_pattern``, as
    :func:`literal_heads` gives them); a head's value: its length less one and, per place
    it must start at, the patterns it may begin."""

    def __init__(self, per_pattern: Sequence[list[tuple[str, int]]]) -> None:
        table: dict[str, dict[int, set[int]]] = {}
        for g, heads in enumerate(per_pattern):
            for literal, where in heads:
                # a longer head of the same pattern, to start at the same places (or at any
                # place), adds only places already found
                if not any(literal.startswith(shorter) and shorter != literal
                           and there in (where, _ANYWHERE) for shorter, there in heads):
                    table.setdefault(literal, {}).setdefault(where, set()).add(g)
        self.automaton = ahocorasick.Automaton()
        for literal, places in table.items():
            self.automaton.add_word(literal, (len(literal) - 1, tuple(
                (where, tuple(sorted(group))) for where, group in sorted(places.items()))))
        self.automaton.make_automaton()


def _class_end(source: str, i: int) -> int:
    """Index just after the character class ``[...]`` that starts at ``source[i]``."""
    j = i + 1
    if source[j:j + 1] == "^":
        j += 1
    if source[j:j + 1] == "]":  # "[]...]" and "[^]...]": the "]" is a member
        j += 1
    while j < len(source):
        if source[j] == "\\":
            j += 2
        elif source[j] == "]":
            return j + 1
        else:
            j += 1
    return len(source)


def _structure(source: str) -> Iterator[tuple[int, str, int]]:
    """``(index, character, group depth)`` of a pattern source's characters outside escapes and
    character classes, the depth counted after a ``(`` / before a ``)``."""
    depth, i = 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(source, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        yield i, char, depth
        i += 1


def _alternatives(source: str) -> list[str]:
    """Top-level ``|`` alternatives of a pattern source."""
    out, start = [], 0
    for i, char, depth in _structure(source):
        if char == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
    out.append(source[start:])
    return out


_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_QUANTIFIERS = frozenset("*+?{")


def _literal_head(part: str) -> tuple[str, str] | None:
    """``(first character, rest)`` when ``part`` starts with a plain literal character."""
    if part[:1] == "\\" and len(part) > 1 and not part[1].isalnum():
        head, rest = part[:2], part[2:]
    elif part and part[0] not in _SPECIAL:
        head, rest = part[0], part[1:]
    else:
        return None
    return None if rest[:1] in _QUANTIFIERS else (head, rest)


def _prefix_tree(parts: list[str], depth: int) -> str:
    """The alternation of ``parts`` with alternatives sharing a first character grouped (it
    matches at the same places; the engine tries far fewer alternatives per position)."""
    groups: dict[str, list[str]] = {}
    out: list[str | tuple[str, list[str]]] = []
    for part in parts:
        split = _literal_head(part) if depth else None
        if split is None:
            out.append(part)
            continue
        head, rest = split
        if head not in groups:
            groups[head] = []
            out.append((head, groups[head]))
        groups[head].append(rest)
    pieces = []
    for item in out:
        if isinstance(item, str):
            pieces.append(item)
        else:
            head, rests = item
            inner = _prefix_tree(rests, depth - 1)
            pieces.append(head + (f"(?:{inner})" if len(rests) > 1 else rests[0]))
    return "|".join(pieces)


def loosen(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that matches (on joined texts) at least wherever one of ``patterns`` does
    (on one block's text), and fast: without
    the ``\\b`` / ``^`` that starts a top-level alternative (the engine can then skip ahead by
    first character) and with alternatives grouped by their first characters."""
    flags = {p.flags for p in patterns}
    if len(flags) != 1 or flags.pop() & re.VERBOSE:
        raise ValueError("patterns to loosen need the same flags, and no VERBOSE")
    parts = [branch for pattern in patterns for branch, _ in _branches(pattern)]
    # Its remaining anchors ($) must hold at block ends too.
    return anchor_at_blocks(re.compile(_prefix_tree(parts, 3), patterns[0].flags))


def _distribute(part: str) -> list[str]:
    """``(?:a|b)rest`` -> ``[arest, brest]`` (the same matches), else ``[part]``."""
    if not part.startswith("(?:"):
        return [part]
    # the ")" that closes the leading group
    end = next((i for i, char, depth in _structure(part) if char == ")" and depth == 0), None)
    if end is None:
        return [part]
    rest = part[end + 1:]
    if rest[:1] in _QUANTIFIERS:
        return [part]
    return [inner + rest for inner in _alternatives(part[3:end])]


def anchor_at_blocks(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with its ``^`` / ``$`` anchors matching at every block start / end of a
    joined text."""
    source = pattern.pattern
    out, i = [], 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            out.append(source[i:i + 2])
            i += 2
            continue
        if char == "[":
            end = _class_end(source, i)
            out.append(source[i:end])
            i = end
            continue
        if char == "^":
            char = r"(?<![^\x00])"
        elif char == "$":
            char = r"(?=\n?(?![^\x00]))"
        out.append(char)
        i += 1
    return re.compile("".join(out), pattern.flags)
