"""The store: one interface (base.Store), two backends (SQLite embedded by default, PostgreSQL for
teams), Arabic full-text search, and the records every reader gets back. See ../shared/DESIGN.md.

    with open_store() as store:             # --db flag > RAWI_DB > ./rawi.db
        store.ingest(analyzed_pages)
        store.search("سيرجي لافروف")
"""

from __future__ import annotations

import os

from rawi.store.base import IngestReport, Store, UpdateHook
from rawi.store.records import ReuseLink, SearchFilters, StoryRecord, SummarySentence

DEFAULT_DB = "rawi.db"

__all__ = [
    "DEFAULT_DB",
    "IngestReport",
    "ReuseLink",
    "SearchFilters",
    "Store",
    "StoryRecord",
    "SummarySentence",
    "UpdateHook",
    "open_store",
    "resolve_url",
]


def resolve_url(url: str | None = None) -> str:
    """The store to use: the given URL, else $RAWI_DB, else ./rawi.db."""
    return url or os.environ.get("RAWI_DB") or DEFAULT_DB


def open_store(url: str | None = None, *, read_only: bool = False) -> Store:
    """Open (creating and migrating as needed) the store at `url`: postgresql://… or a SQLite file.
    `read_only` opens an existing store so that the database itself refuses every write."""
    url = resolve_url(url)
    if url.startswith(("postgresql://", "postgres://")):
        from rawi.store.postgres import PostgresStore

        return PostgresStore(url, read_only=read_only)
    from rawi.store.sqlite import SqliteStore

    return SqliteStore(url, read_only=read_only)
