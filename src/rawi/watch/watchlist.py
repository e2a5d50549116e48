"""Watchlists: what to raise an alert for. A TOML or JSON file of watches:

    [[watch]]
    name = "lavrov-sanctions"
    speakers = ["سيرغي لافروف"]      # quotes by this person (any spelling the entity is known by)
    entities = []                    # articles that name these entities
    keywords = ["العقوبات"]          # words, matched on light stems (العقوبات ~ بالعقوبات ~ عقوبات)
    # keywords_in = "quotes"         # default: the speakers' quotes when speakers are given, else the article

Every kind given must match (speakers AND entities AND keywords); within a kind one is enough. With
speakers and keywords, the keyword must be in something the speaker said: "Lavrov on sanctions", not an
article that quotes Lavrov on one thing and mentions sanctions in passing.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rawi.annotate.names import same_name
from rawi.errors import UsageError
from rawi.model import Article
from rawi.text import match_form, words
from rawi.text.stem import stem, word_stems


@dataclass(slots=True)
class Name:
    """A person or entity named in a watch; `ids` are the store's entity ids it resolves to."""

    text: str
    words: tuple[str, ...]
    ids: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, text: str) -> Name:
        return cls(text, tuple(match_form(w) for w in words(text)))

    def matches(self, entity_id: str | None, surface: str | None) -> bool:
        if entity_id and entity_id in self.ids:
            return True
        if not surface:
            return False
        other = tuple(match_form(w) for w in words(surface))
        # Surname alone in the watch ("لافروف") matches any full name ending in it, and spelling variants
        # (سيرغي/سيرجي) through the names module's rules.
        if len(self.words) == 1 and other:
            return same_name(self.words, other[-1:])
        return same_name(self.words, other)


@dataclass(slots=True)
class Keyword:
    text: str
    stems: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Keyword:
        return cls(text, tuple(stem(w) for w in words(text) if stem(w)))

    def found_in(self, text: str) -> bool:
        if not self.stems:
            return False
        seq = word_stems(text)
        n = len(self.stems)
        for i in range(len(seq) - n + 1):
            if all(self.stems[j] in (seq[i + j][2], seq[i + j][3]) for j in range(n)):
                return True
        return False


@dataclass(slots=True)
class Watch:
    name: str
    speakers: list[Name] = field(default_factory=list)
    entities: list[Name] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    keywords_in: str = "quotes"  # quotes | article

    def match(self, article: Article) -> dict[str, Any] | None:
        """Why `article` matches (the quotes, entities, keywords that did), or None."""
        why: dict[str, Any] = {}
        if self.speakers:
            quotes = [q for q in article.quotes if self._said_by(q)]
            if self.keywords and self.keywords_in == "quotes":
                quotes = [q for q in quotes if any(k.found_in(q.get("text", "")) for k in self.keywords)]
            if not quotes:
                return None
            why["quotes"] = [{"speaker": q.get("speaker"), "text": q.get("text")} for q in quotes]
        if self.entities:
            found = sorted(
                {
                    e.get("canonical") or e.get("text")
                    for e in article.entities
                    if any(n.matches(e.get("entity_id"), e.get("canonical") or e.get("text")) for n in self.entities)
                }
            )
            if not found:
                return None
            why["entities"] = found
        if self.keywords and not (self.speakers and self.keywords_in == "quotes"):
            text = "\n".join([article.title or "", *article.subheadings, *article.paragraphs])
            hits = [k.text for k in self.keywords if k.found_in(text)]
            if not hits:
                return None
            why["keywords"] = hits
        elif self.keywords:
            why["keywords"] = [k.text for k in self.keywords if any(k.found_in(q["text"] or "") for q in why["quotes"])]
        return why or None

    def _said_by(self, quote: dict[str, Any]) -> bool:
        return any(s.matches(quote.get("speaker_id"), quote.get("speaker")) for s in self.speakers)

    def names(self) -> Iterable[Name]:
        yield from self.speakers
        yield from self.entities


def load_watchlist(path: Path) -> list[Watch]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the watchlist ({exc.strerror or exc})") from None
    # By suffix; otherwise TOML, then JSON (both may start with "[").
    parsers: list[Any] = [json.loads] if path.suffix == ".json" else [tomllib.loads, json.loads]
    data: Any = None
    for parse in parsers:
        try:
            data = parse(text)
            break
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            problem = exc
    else:
        raise UsageError(f"{path}: not valid TOML or JSON ({problem})")
    entries = data if isinstance(data, list) else data.get("watch", data.get("watches", []))
    watches = [_watch(path, i, e) for i, e in enumerate(entries, start=1)]
    if not watches:
        raise UsageError(f"{path}: no watches; add [[watch]] tables with a name and speakers/entities/keywords")
    return watches


def _strings(path: Path, entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{path}: watch {entry.get('name')!r}: {key} must be a list of strings")
    return [v for v in value if v.strip()]


def _watch(path: Path, number: int, entry: Any) -> Watch:
    if not isinstance(entry, dict):
        raise UsageError(f"{path}: watch {number} is not a table/object")
    watch = Watch(
        name=str(entry.get("name") or f"watch-{number}"),
        speakers=[Name.of(s) for s in _strings(path, entry, "speakers")],
        entities=[Name.of(s) for s in _strings(path, entry, "entities")],
        keywords=[Keyword.of(s) for s in _strings(path, entry, "keywords")],
        keywords_in=str(entry.get("keywords_in", "quotes")),
    )
    if watch.keywords_in not in ("quotes", "article"):
        raise UsageError(f"{path}: watch {watch.name!r}: keywords_in is 'quotes' or 'article'")
    if not (watch.speakers or watch.entities or watch.keywords):
        raise UsageError(f"{path}: watch {watch.name!r} names no speakers, entities or keywords")
    return watch


def resolve_names(watches: Sequence[Watch], lookup: Any) -> None:
    """Fill each name's entity ids from the store: `lookup(name_text) -> set of ids` (store aliases)."""
    for watch in watches:
        for name in watch.names():
            name.ids |= lookup(name.text)
