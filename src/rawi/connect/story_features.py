"""What story clustering knows of an article: its time, outlet, title, the stems of title and lead, entities.

Stems are `rawi.text.stem.clitic_stem` of the matching form, so "العلاقات", "علاقات" and "وللعلاقات" are one
term (a rare word glued to a conjunction would otherwise look like a rare name). Only the title
and the first `LEAD_WORDS` words of the body count: a news story states its event up front, and the tail of
a long article (background, a second topic) would pull it toward other stories. Stopwords are dropped.
Weighting (TF-IDF, template masking) needs the whole collection and is done by story_vectors.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rawi.model import Article
from rawi.text import match_form
from rawi.text.stem import STOPWORDS, clitic_stem, words

LEAD_WORDS = 150  # body words read: the lead and a little more


@dataclass(slots=True)
class StoryDoc:
    """An article as the story clusterer sees it."""

    id: str  # article id
    uri: str | None  # the page's uri: near-duplicate groups are keyed on it
    outlet: str | None
    time: str | None  # ISO 8601: published, else when the page was fetched
    title: str | None
    tokens: list[str]  # content stems of the title, then of the lead, in order
    n_title: int = 0  # how many of `tokens` come from the title
    entities: frozenset[str] = frozenset()  # entity ids (or canonical names) the article mentions
    extra: dict[str, Any] = field(default_factory=dict)  # what other stages attach (summary sentences)

    def __reduce__(self) -> tuple[object, tuple[Any, ...]]:
        # compact for the trip back from a reading worker: the stems as one string (they hold no spaces)
        fields = (self.id, self.uri, self.outlet, self.time, self.title, " ".join(self.tokens), self.n_title)
        return _story_doc, (*fields, self.entities, self.extra)

    @property
    def sort_key(self) -> tuple[bool, str, str]:
        """Canonical processing order: dated first, by time, then by id (so input order never matters)."""
        return self.time is None, self.time or "", self.id


def _story_doc(
    id: str,
    uri: str | None,
    outlet: str | None,
    time: str | None,
    title: str | None,
    tokens: str,
    n_title: int,
    entities: frozenset[str],
    extra: dict[str, Any],
) -> StoryDoc:
    return StoryDoc(id, uri, outlet, time, title, tokens.split(), n_title, entities, extra)


@lru_cache(maxsize=300_000)
def _term(word: str) -> str | None:
    """The stem a word counts as, or None for stopwords and one-letter words (cached: words repeat)."""
    if match_form(word) in STOPWORDS:
        return None
    s = clitic_stem(word)
    return sys.intern(s) if len(s) >= 2 and s not in STOPWORDS else None


def stems(text: str, limit: int | None = None) -> list[str]:
    """Content stems of `text` in order, at most `limit` words read (stopwords count toward the limit)."""
    return lead_stems([text], limit)


def lead_stems(paragraphs: Iterable[str], limit: int | None = None) -> list[str]:
    """`stems` of the paragraphs joined (no word spans a paragraph break), reading only the paragraphs that
    hold the first `limit` words: the words are found in C per paragraph, not one at a time."""
    found: list[str] = []
    for para in paragraphs:
        found += words(para)
        if limit is not None and len(found) >= limit:
            del found[limit:]
            break
    return [s for w in found if (s := _term(w)) is not None]


def entity_keys(entities: Iterable[dict[str, Any]]) -> frozenset[str]:
    """Entity identities of an article's mentions: the entity id when the entity stage gave one, else the
    canonical name (or the surface text) in matching form."""
    keys = set()
    for m in entities:
        key = m.get("entity_id") or match_form(m.get("canonical") or m.get("text") or "").strip()
        if key:
            keys.add(key)
    return frozenset(keys)


def story_doc(
    article: Article, *, uri: str | None = None, outlet: str | None = None, time: str | None = None
) -> StoryDoc:
    """The clusterer's view of one article; `time` defaults to the article's `published`."""
    title = stems(article.title or "")
    return StoryDoc(
        id=article.id,
        uri=uri,
        outlet=outlet,
        time=time or article.published,
        title=article.title,
        tokens=title + lead_stems(article.paragraphs, LEAD_WORDS),
        n_title=len(title),
        entities=entity_keys(article.entities),
    )
