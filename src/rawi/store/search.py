"""Arabic search, the backend-independent part: reading a query, writing it for FTS5 or tsquery, and
cutting highlighted snippets out of the page's own characters.

A query is words (all required), "quoted phrases" (words in that order) and -words (excluded). Every word
is compared by its light stem (rawi.text.stem), so "علاقات" finds "والعلاقات". A query that names a known
entity by one of its spellings ("سيرجي لافروف") also finds the entity's other spellings ("سيرغي لافروف").
Articles with every word rank first; when they are fewer than asked for, articles with at least half
the words follow ("matched: some"). Only stems (letters and digits) ever reach the index's query
language, and they always travel as bound parameters: what a user types cannot change a query.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import combinations

from rawi.text.stem import STOPWORDS, clitic_stem, iter_words, stem, word_stems
from rawi.text.tokens import tokenize

MAX_GROUPS = 8  # words beyond this add nothing a reader would notice, and cost time
MAX_PARTIAL_GROUPS = 5  # "at least half" over more groups would be a long OR of ANDs
SNIPPET_WORDS = 36
SCAN_CHARS = 6000


@dataclass(slots=True)
class Group:
    """One required unit of a query: alternatives, each a sequence of stems (one stem: a word; more: a phrase)."""

    alternatives: list[tuple[str, ...]]
    text: str  # as typed, for display and for entity look-up


@dataclass(slots=True)
class ParsedQuery:
    groups: list[Group] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups

    def stems(self) -> set[str]:
        return {s for g in self.groups for alt in g.alternatives for s in alt}


_QUOTED = re.compile(r'["“”«»]([^"“”«»]*)["“”«»]?')


def _stems_of(text: str) -> list[str]:
    return [s for _, _, s, _ in word_stems(text)]


def parse_query(query: str) -> ParsedQuery:
    parsed = ParsedQuery()
    phrases = [m.group(1) for m in _QUOTED.finditer(query)]
    rest = _QUOTED.sub(" ", query)
    for phrase in phrases:
        stems = tuple(_stems_of(phrase))
        if stems:
            parsed.groups.append(Group([stems], phrase.strip()))
    words: list[tuple[str, str]] = []
    for token in tokenize(rest):
        if not token.is_word:
            continue
        s = stem(token.text)
        if not s:
            continue
        # "-word" excludes; a hyphen inside a word ("ثنائي-الاتجاه") does not
        if token.start and rest[token.start - 1] == "-" and (token.start < 2 or rest[token.start - 2].isspace()):
            parsed.excluded.append(s)
        else:
            words.append((token.text, s))
    content = [(t, s) for t, s in words if s not in STOPWORDS and stem(t) not in STOPWORDS]
    for text, s in content or words:  # a query of nothing but common words still searches for them
        if all(g.alternatives != [(s,)] for g in parsed.groups):
            parsed.groups.append(Group([(s,)], text))
    parsed.groups = parsed.groups[:MAX_GROUPS]
    return parsed


def name_groups(parsed: ParsedQuery, alias_stems: list[tuple[str, ...]], name: str) -> ParsedQuery:
    """The query with the words that name an entity replaced by one group of the entity's spellings."""
    named = set(s for alt in alias_stems for s in alt)
    keep = [g for g in parsed.groups if not all(s in named for alt in g.alternatives for s in alt)]
    return ParsedQuery([Group(sorted(set(alias_stems)), name), *keep], parsed.excluded)


# --- FTS5 ------------------------------------------------------------------------------------------


def _fts_alt(alt: tuple[str, ...]) -> str:
    return '"' + " ".join(alt) + '"'  # stems are letters and digits only: nothing to escape


def _fts_group(group: Group) -> str:
    alts = [_fts_alt(a) for a in group.alternatives]
    return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"


def _fts_all(groups: list[Group]) -> str:
    return " AND ".join(_fts_group(g) for g in groups)


def _fts_not(expr: str, excluded: list[str]) -> str:
    for s in excluded:
        expr = f"({expr}) NOT {_fts_alt((s,))}"
    return expr


def fts5_queries(parsed: ParsedQuery) -> tuple[str, str | None]:
    """(every group, at least half the groups but not every one) as FTS5 MATCH expressions."""
    groups = parsed.groups
    full = _fts_not(_fts_all(groups), parsed.excluded)
    if len(groups) < 2 or len(groups) > MAX_PARTIAL_GROUPS:
        return full, None
    need = (len(groups) + 1) // 2
    some = " OR ".join("(" + _fts_all(list(c)) + ")" for c in combinations(groups, need))
    partial = _fts_not(f"({some}) NOT ({_fts_all(groups)})", parsed.excluded)
    return full, partial


# --- PostgreSQL tsquery ----------------------------------------------------------------------------


def _ts_alt(alt: tuple[str, ...]) -> str:
    return " <-> ".join(f"'{s}'" for s in alt)


def _ts_group(group: Group) -> str:
    return "(" + " | ".join(f"({_ts_alt(a)})" for a in group.alternatives) + ")"


def _ts_all(groups: list[Group]) -> str:
    return " & ".join(_ts_group(g) for g in groups)


def _ts_not(expr: str, excluded: list[str]) -> str:
    for s in excluded:
        expr = f"({expr}) & !'{s}'"
    return expr


def tsqueries(parsed: ParsedQuery) -> tuple[str, str | None]:
    """The same two queries as `fts5_queries`, in PostgreSQL's tsquery syntax."""
    groups = parsed.groups
    full = _ts_not(_ts_all(groups), parsed.excluded)
    if len(groups) < 2 or len(groups) > MAX_PARTIAL_GROUPS:
        return full, None
    need = (len(groups) + 1) // 2
    some = " | ".join("(" + _ts_all(list(c)) + ")" for c in combinations(groups, need))
    partial = _ts_not(f"({some}) & !({_ts_all(groups)})", parsed.excluded)
    return full, partial


def tsvector_text(title: list[tuple[str, str]], body: list[tuple[str, str]]) -> str:
    """A tsvector literal: each word's stem and clitic stem at one position; title words weigh A."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for weight, words in (("A", title), ("", body)):
        for s, c in words:
            pos = min(pos + 1, 16383)
            for lexeme in {s, c}:
                held = positions.setdefault(lexeme, [])
                if len(held) < 255:
                    held.append(f"{pos}{weight}")
    return " ".join(f"'{lex}':{','.join(ps)}" for lex, ps in positions.items())


# --- snippets --------------------------------------------------------------------------------------


def highlight_spans(text: str, stems: set[str]) -> list[tuple[int, int]]:
    """Offsets of the words of `text` whose stem or clitic stem is one of `stems`."""
    return [(a, b) for a, b, s, c in word_stems(text) if s in stems or c in stems]


def snippet(
    text: str, stems: set[str], words: int = SNIPPET_WORDS, scan_chars: int = SCAN_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """The window of `words` words with the most hits, cut from `text` as it is, and its hits' offsets.

    Words are stemmed only as far as needed: up to a window past the first hit, and never past
    `scan_chars` characters (an article that matched on its title alone then shows its opening)."""
    tokens: list[tuple[int, int]] = []
    hits: list[int] = []
    for a, b, word in iter_words(text):
        if a > scan_chars or (hits and len(tokens) >= hits[0] + words):
            break
        s = stem(word)
        if not s:
            continue
        if s in stems or clitic_stem(word) in stems:
            hits.append(len(tokens))
        tokens.append((a, b))
    if not tokens:
        return "", []
    first = 0
    if hits:
        best = 0
        for h in hits:  # the window starting a few words before each hit; keep the one with most hits
            start = max(0, h - 4)
            count = bisect_left(hits, start + words) - bisect_left(hits, start)
            if count > best:
                best, first = count, start
    last = min(len(tokens), first + words) - 1
    begin, end = tokens[first][0], tokens[last][1]
    if text[end : end + 1] in (".", "،", "؛", "!", "؟"):  # end at a sentence mark when one is right there
        end += 1
    cut = text[begin:end].replace("\n", " ")
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - begin
    marks = [(tokens[i][0] + shift, tokens[i][1] + shift) for i in hits if first <= i <= last]
    return prefix + cut + suffix, marks
