"""Streams of pages in bounded pieces: chunks for the workers, and a compact set of page ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def chunked(
    items: Iterable[T], size: int, *, max_chars: int = 0, chars: Callable[[T], int] | None = None
) -> Iterator[list[T]]:
    """Lists of `size` items, cut earlier when their `chars` reach `max_chars` (one huge page should not
    travel with fifteen others)."""
    chunk: list[T] = []
    total = 0
    for item in items:
        chunk.append(item)
        total += chars(item) if max_chars and chars else 0
        if len(chunk) >= size or (max_chars and total >= max_chars):
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def id_key(page_id: str) -> int:
    """A page id (16 hex digits) as one 64-bit integer; other ids are hashed to one."""
    try:
        return int(page_id[:16], 16) if len(page_id) >= 16 else int(page_id, 16)
    except ValueError:
        from rawi.model import stable_id

        return int(stable_id(page_id), 16)


class IdSet:
    """Page ids seen or done, eight bytes each: a sorted numpy array plus a small set of recent ones, so
    that resuming a run over ten million pages costs 80 MB, not the gigabyte a set of strings would."""

    def __init__(self, ids: Iterable[str] = (), merge_every: int = 65536) -> None:
        self._sorted = np.zeros(0, np.uint64)
        self._recent: set[int] = set()
        self.merge_every = merge_every
        for page_id in ids:
            self.add(page_id)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __contains__(self, page_id: str) -> bool:
        key = id_key(page_id)
        if key in self._recent:
            return True
        at = int(np.searchsorted(self._sorted, np.uint64(key)))
        return at < len(self._sorted) and int(self._sorted[at]) == key

    def add(self, page_id: str) -> None:
        if page_id in self:
            return
        self._recent.add(id_key(page_id))
        if len(self._recent) >= self.merge_every:
            merged = np.concatenate((self._sorted, np.fromiter(self._recent, np.uint64, len(self._recent))))
            self._sorted = np.sort(merged)
            self._recent = set()
