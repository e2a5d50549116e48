"""Update hooks: how corpus stages (duplicates, reuse, stories) keep up with an incremental ingest.

A hook is any object with a `name` and `update(store, article_ids) -> counts` (rawi.store.base.UpdateHook).
`rawi ingest` calls each hook after every committed batch with the ids of the articles that batch added,
so a stage only looks at what is new: it reads with `store.articles(ids)` (and `store.iter_articles()`
for the corpus it already knows), and writes with `store.put_reuse_links(...)` / `store.put_stories(...)`.
The counts it returns ({"duplicates": 3, "stories": 1}) join the closing table of `rawi ingest`.
The store remembers, per hook name, the last article each hook has seen (table hook_state): a hook that
failed, or one added to a store that already holds pages, is handed what it missed on the next ingest.

The connect/ package offers its hooks by defining `store_hooks() -> list[UpdateHook]` in rawi.connect;
until it does, ingest runs none.
"""

from __future__ import annotations

import importlib

from rawi.store.base import UpdateHook


def default_hooks() -> list[UpdateHook]:
    """The hooks `rawi ingest` runs: whatever rawi.connect offers through `store_hooks()`."""
    try:
        connect = importlib.import_module("rawi.connect")
    except ImportError:
        return []
    offer = getattr(connect, "store_hooks", None)
    return list(offer()) if callable(offer) else []
