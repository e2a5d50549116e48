"""What the watcher asks the store: pages by uri, their articles, entity ids by name. Both backends are
SqlStore; the store has no public lookup by uri yet (engine/sinks.py reads page ids the same way)."""

from __future__ import annotations

from collections.abc import Sequence

from rawi.model import Article
from rawi.store.base import Store
from rawi.store.rows import alias_key


def _rows(store: Store, sql: str, values: Sequence[str], chunk: int = 500) -> list[tuple]:
    from rawi.store.sql import SqlStore

    if not isinstance(store, SqlStore) or not values:
        return []
    rows: list[tuple] = []
    for start in range(0, len(values), chunk):
        part = list(values[start : start + chunk])
        rows += [tuple(r) for r in store._all(sql.format(marks=",".join("?" * len(part))), part)]
    return rows


def stored_pages(store: Store, uris: Sequence[str]) -> dict[str, str]:
    """uri → page id, for the uris the store holds (a page already stored is not fetched again)."""
    return {uri: pid for pid, uri in _rows(store, "SELECT id, uri FROM pages WHERE uri IN ({marks})", uris)}


def stored_articles(store: Store, page_ids: Sequence[str]) -> list[Article]:
    ids = [r[0] for r in _rows(store, "SELECT id FROM articles WHERE page_id IN ({marks})", page_ids)]
    return store.articles(ids)


def entity_ids(store: Store, name: str) -> set[str]:
    """Entities the store knows under this name or spelling (its aliases, by their words' stems)."""
    key = alias_key(name)
    return {r[0] for r in _rows(store, "SELECT DISTINCT entity_id FROM aliases WHERE stem_key IN ({marks})", [key])}
