"""What the store gives back (read models) and what corpus stages hand it (reuse links, stories).

Plain dataclasses: the JSON API uses them as its response models as they are, so the API, the pages and
the store speak one schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- references ------------------------------------------------------------------------------------


@dataclass(slots=True)
class OutletRef:
    id: str
    name: str
    kind: str  # outlet | agency


@dataclass(slots=True)
class EntityRef:
    id: str
    canonical: str
    label: str


@dataclass(slots=True)
class StoryRef:
    id: str
    title: str | None
    size: int


@dataclass(slots=True)
class DayCount:
    day: str  # YYYY-MM-DD
    count: int


# --- articles --------------------------------------------------------------------------------------


@dataclass(slots=True)
class CreditOut:
    name: str
    kind: str  # source | agency | via | cited
    outlet_id: str


@dataclass(slots=True)
class ArticleSummary:
    id: str
    page_id: str
    uri: str
    role: str
    title: str | None
    lead: str
    date: str | None
    outlet: OutletRef | None
    credits: list[CreditOut] = field(default_factory=list)


@dataclass(slots=True)
class MentionOut:
    start: int
    end: int
    text: str
    label: str
    entity_id: str
    canonical: str


@dataclass(slots=True)
class QuoteOut:
    id: str
    article_id: str
    start: int
    end: int
    text: str
    kind: str
    cue: str | None
    speaker: str | None
    speaker_id: str | None
    date: str | None
    article_title: str | None = None
    outlet: OutletRef | None = None


@dataclass(slots=True)
class RemovedOut:
    kind: str
    text: str
    line: int


@dataclass(slots=True)
class Republication:
    """Another article carrying the same text: exactly (same matching-form text) or by detected reuse."""

    article: ArticleSummary
    relation: str  # duplicate | source | copy  (copy: it took from this article; source: this one took from it)
    credited: bool | None = None


@dataclass(slots=True)
class ArticleDetail:
    summary: ArticleSummary
    subheadings: list[str]
    paragraphs: list[str]
    text: str
    tags: list[str]
    cited: list[str]
    dateline: str | None
    published: str | None
    language: str | None
    summary_sentences: list[str]
    dates: list[dict[str, Any]]
    entities: list[MentionOut]
    quotes: list[QuoteOut]
    removed: list[RemovedOut]
    related_headlines: list[str]
    also_published_by: list[Republication]
    stories: list[StoryRef]


@dataclass(slots=True)
class ArticleList:
    items: list[ArticleSummary]
    total: int
    offset: int
    limit: int


# --- entities and quotes ---------------------------------------------------------------------------


@dataclass(slots=True)
class EntitySummary:
    id: str
    canonical: str
    label: str
    mentions: int
    quotes: int
    first_seen: str | None
    last_seen: str | None


@dataclass(slots=True)
class AliasCount:
    alias: str
    count: int


@dataclass(slots=True)
class EntityDetail:
    entity: EntitySummary
    aliases: list[AliasCount]
    quotes: list[QuoteOut]
    timeline: list[DayCount]  # mentions per day
    articles: list[ArticleSummary]


@dataclass(slots=True)
class EntityList:
    items: list[EntitySummary]
    total: int
    offset: int
    limit: int


@dataclass(slots=True)
class QuoteList:
    items: list[QuoteOut]
    total: int
    offset: int
    limit: int


# --- outlets ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class OutletSummary:
    outlet: OutletRef
    articles: int
    credited: int  # articles that credit or cite it


@dataclass(slots=True)
class OutletEdge:
    """`target` republished `source`'s text (via=reuse) or credited it (via=credit)."""

    source: OutletRef
    target: OutletRef
    via: str  # reuse | credit
    articles: int
    credited: int


@dataclass(slots=True)
class OutletDetail:
    summary: OutletSummary
    republishes: list[OutletEdge]  # edges where this outlet is the target
    republished_by: list[OutletEdge]  # edges where this outlet is the source
    articles: list[ArticleSummary]
    credited_in: list[ArticleSummary]
    timeline: list[DayCount]


@dataclass(slots=True)
class OutletList:
    items: list[OutletSummary]
    total: int
    offset: int
    limit: int


# --- stories ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class SummarySentence:
    text: str
    article_id: str | None


@dataclass(slots=True)
class StorySummary:
    id: str
    title: str | None
    size: int
    first_seen: str | None
    last_seen: str | None
    top_entities: list[EntityRef]


@dataclass(slots=True)
class OutletCount:
    outlet: OutletRef
    count: int


@dataclass(slots=True)
class StoryDetail:
    story: StorySummary
    summary: list[SummarySentence]
    timeline: list[DayCount]
    outlets: list[OutletCount]
    quotes: list[QuoteOut]
    articles: list[ArticleSummary]


@dataclass(slots=True)
class StoryList:
    items: list[StorySummary]
    total: int
    offset: int
    limit: int


# --- search and home -------------------------------------------------------------------------------


@dataclass(slots=True)
class SearchHit:
    article: ArticleSummary
    score: float
    matched: str  # all: every word of the query; some: part of them
    snippet: str
    highlights: list[tuple[int, int]]  # [start, end) offsets into `snippet`
    title_highlights: list[tuple[int, int]]  # into article.title


@dataclass(slots=True)
class SearchResults:
    query: str
    items: list[SearchHit]
    total: int
    total_is_lower_bound: bool
    offset: int
    limit: int
    entity: EntitySummary | None = None  # the entity the query names, when it names one


@dataclass(slots=True)
class Counts:
    pages: int
    articles: int
    removed_lines: int
    entities: int
    quotes: int
    outlets: int
    stories: int
    reuse_links: int


@dataclass(slots=True)
class HomeView:
    counts: Counts
    latest_stories: list[StorySummary]
    largest_stories: list[StorySummary]
    busiest_speakers: list[EntitySummary]
    top_entities: list[EntitySummary]
    latest_articles: list[ArticleSummary]
    daily: list[DayCount]
    outlets: list[OutletSummary]


# --- written by corpus stages (connect/) -----------------------------------------------------------


@dataclass(slots=True)
class ReuseLink:
    """`target_article` reuses text of `source_article`; spans are aligned passages in both texts."""

    source_article: str
    target_article: str
    kind: str = "reuse"  # reuse | duplicate
    spans: list[dict[str, int]] = field(default_factory=list)  # {source_start, source_end, target_start, target_end}
    credited: bool = False  # the target names the source's outlet
    score: float = 0.0


@dataclass(slots=True)
class StoryRecord:
    id: str
    article_ids: list[str]
    title: str | None = None
    summary: list[SummarySentence] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    top_entities: list[str] = field(default_factory=list)  # entity ids, most prominent first


@dataclass(slots=True)
class SearchFilters:
    outlet: str | None = None
    entity: str | None = None
    story: str | None = None
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None  # YYYY-MM-DD, inclusive
