"""The store's one interface. Two backends implement it: SQLite (embedded default) and PostgreSQL.

Writing: `ingest` takes analyzed pages in batches, one transaction per batch, and is idempotent (a page
already stored with the same analysis is skipped; one analyzed differently replaces its old self).
After each committed batch it calls the update hooks (corpus stages: duplicates, reuse, stories) with the
ids of the articles each has not seen yet, so the corpus view grows without a rebuild. Hooks read with `articles` /
`iter_articles` and write with `put_reuse_links` / `put_stories`.

Reading: typed records (store/records.py) for the CLI, the JSON API and the dashboard.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rawi.model import Article, SegmentedPage
from rawi.store.records import (
    ArticleDetail,
    ArticleList,
    Counts,
    EntityDetail,
    EntityList,
    HomeView,
    OutletDetail,
    OutletList,
    QuoteList,
    ReuseLink,
    SearchFilters,
    SearchResults,
    StoryDetail,
    StoryList,
    StoryRecord,
)


class UpdateHook(Protocol):
    """A corpus stage that keeps its results current as pages arrive (see rawi.store.hooks)."""

    name: str

    def update(self, store: Store, article_ids: Sequence[str]) -> Mapping[str, int]:
        """Bring the stage's results up to date with these new articles; return counts to report."""
        ...


@dataclass(slots=True)
class IngestReport:
    """What one ingest did, for the closing table."""

    # pages, unchanged, replaced, articles, removed lines, mentions, quotes, duplicates, and what hooks add
    counts: Counter[str] = field(default_factory=Counter)
    new_article_ids: list[str] = field(default_factory=list)

    def merge(self, other: IngestReport) -> None:
        self.counts.update(other.counts)


BatchCallback = Callable[[IngestReport], None]


class Store(ABC):
    """A rawi database. Use as a context manager, or call `close()`."""

    url: str
    backend: str

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    # --- writing -----------------------------------------------------------------------------------

    @abstractmethod
    def ingest(
        self,
        pages: Iterable[SegmentedPage],
        *,
        batch_size: int = 200,
        hooks: Sequence[UpdateHook] = (),
        on_batch: BatchCallback | None = None,
    ) -> IngestReport:
        """Store analyzed pages, a transaction per batch; call `hooks` after each committed batch."""

    @abstractmethod
    def put_reuse_links(self, links: Iterable[ReuseLink]) -> int:
        """Insert or replace reuse links (one per source/target pair); returns how many were written."""

    @abstractmethod
    def put_stories(self, stories: Iterable[StoryRecord]) -> int:
        """Insert or replace stories with their member articles; returns how many were written."""

    @abstractmethod
    def delete_stories(self, story_ids: Sequence[str]) -> int:
        """Remove stories (merged into others, say); returns how many were removed."""

    # --- reading for corpus stages -----------------------------------------------------------------

    @abstractmethod
    def articles(self, ids: Sequence[str]) -> list[Article]:
        """The stored articles with these ids (missing ids are skipped), with their annotations."""

    @abstractmethod
    def iter_articles(self, *, after: int = 0, batch: int = 500) -> Iterator[tuple[int, Article]]:
        """Every article in ingest order as (sequence number, article); `after` resumes past a number."""

    @abstractmethod
    def export_pages(self) -> Iterator[dict[str, Any]]:
        """Every page in the output schema of DESIGN.md, in ingest order."""

    # --- reading for people ------------------------------------------------------------------------

    @abstractmethod
    def counts(self) -> Counts: ...

    @abstractmethod
    def home(self) -> HomeView: ...

    @abstractmethod
    def list_articles(
        self, filters: SearchFilters | None = None, *, offset: int = 0, limit: int = 20
    ) -> ArticleList: ...

    @abstractmethod
    def get_article(self, article_id: str) -> ArticleDetail | None: ...

    @abstractmethod
    def list_stories(self, *, order: str = "latest", offset: int = 0, limit: int = 20) -> StoryList: ...

    @abstractmethod
    def get_story(self, story_id: str) -> StoryDetail | None: ...

    @abstractmethod
    def list_entities(
        self,
        *,
        query: str | None = None,
        label: str | None = None,
        order: str = "mentions",
        offset: int = 0,
        limit: int = 20,
    ) -> EntityList: ...

    @abstractmethod
    def get_entity(self, entity_id: str) -> EntityDetail | None: ...

    @abstractmethod
    def list_quotes(
        self,
        *,
        speaker: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> QuoteList: ...

    @abstractmethod
    def list_outlets(self, *, offset: int = 0, limit: int = 50) -> OutletList: ...

    @abstractmethod
    def get_outlet(self, outlet_id: str) -> OutletDetail | None: ...

    @abstractmethod
    def search(
        self, query: str, filters: SearchFilters | None = None, *, offset: int = 0, limit: int = 10
    ) -> SearchResults: ...
