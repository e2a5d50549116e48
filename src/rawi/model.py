"""The data model of rawi and its JSON form, in one place (see ../shared/DESIGN.md).

Per-article stages are pure functions of an `Article`; annotations are standoff spans with character
offsets `[start, end)` into `Article.text`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

CreditKind = Literal["source", "agency", "via"]
Role = Literal["main", "embedded"]


def stable_id(*parts: object, length: int = 16) -> str:
    """A short stable hash of its parts: the same input always gives the same id."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(slots=True)
class Page:
    """One item as read from a source: a text file, an HTML page, a feed entry, a WARC record, a JSONL line."""

    id: str
    uri: str
    raw: str
    text: str  # the page's text, one block per line: `raw` itself for text, extracted text for HTML
    kind: str = "text"  # text | html | feed | warc | jsonl
    outlet: str | None = None
    fetched: str | None = None  # ISO 8601, when it was crawled
    title: str | None = None  # a title the source gives apart from the text (HTML <title>, feed, JSONL)
    published: str | None = None  # ISO 8601 when the source tells
    author: str | None = None
    language: str | None = None  # as declared by the source; the text decides in the end
    meta: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def make_id(uri: str, text: str) -> str:
        return stable_id(uri, stable_id(text, length=40))


@dataclass(slots=True)
class Credit:
    name: str
    kind: CreditKind

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind}


@dataclass(slots=True)
class RemovedLine:
    """A line that segmentation took out of the text, kept so that nothing is silently lost."""

    kind: str  # share_bar | promo | related_links | related_header | read_also | keywords | credit | ...
    text: str
    line: int | None  # 1-based line number in the page text; None for lines a reader took out (HTML menus)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "line": self.line}


@dataclass(slots=True)
class Span:
    start: int
    end: int


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    label: str  # PER | ORG | LOC | MISC
    entity_id: str | None = None


@dataclass(slots=True)
class Quote:
    start: int
    end: int
    kind: Literal["direct", "indirect"]
    cue: Span
    speaker_id: str | None = None
    speaker_mention: Span | None = None


@dataclass(slots=True)
class DateMention:
    start: int
    end: int
    value: str  # ISO form with its precision: 2025-02-18, 2025-06, 2022


@dataclass(slots=True)
class Article:
    id: str
    page_id: str
    position: int  # 0 = main
    role: Role
    title: str | None
    subheadings: list[str]
    paragraphs: list[str]
    credits: list[Credit] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dateline: str | None = None
    published: str | None = None
    language: str | None = None
    # Annotations (filled by annotate/ stages; empty until those land). Stored as JSON-ready dicts
    # so that every stage shares one schema without import cycles.
    entities: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @staticmethod
    def make_id(page_id: str, position: int) -> str:
        return stable_id(page_id, position)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "position": self.position,
            "role": self.role,
            "title": self.title,
            "subheadings": list(self.subheadings),
            "text": self.text,
            "paragraphs": list(self.paragraphs),
            "credits": [c.to_json() for c in self.credits],
            "cited": list(self.cited),
            "tags": list(self.tags),
            "dateline": self.dateline,
            "published": self.published,
            "language": self.language,
            "entities": list(self.entities),
            "quotes": list(self.quotes),
            "dates": list(self.dates),
            "summary": list(self.summary),
        }


@dataclass(slots=True)
class SegmentedPage:
    """A page split into its articles, with everything that was taken out of it."""

    page: Page
    articles: list[Article]
    tags: list[str] = field(default_factory=list)
    related_headlines: list[str] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        page = self.page
        return {
            "page": {
                "id": page.id,
                "uri": page.uri,
                "outlet": page.outlet,
                "kind": page.kind,
                "fetched": page.fetched,
                "published": page.published,
                "tags": list(self.tags),
                "related_headlines": list(self.related_headlines),
                "removed": [r.to_json() for r in self.removed],
            },
            "articles": [a.to_json() for a in self.articles],
        }
