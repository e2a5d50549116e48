"""A worker's memory kept within its share of the run's budget.

The annotators memoize per word (stems, name forms, NER feature ids) in lru caches sized for speed: a
worker that has seen a few thousand pages holds hundreds of MB of them. A worker looks at its size every
`CHECK_EVERY` pages and, over its share, empties those caches (pure functions: the same answers,
computed again), and hands the freed heap back to the system (glibc keeps it otherwise: emptying alone
leaves the resident size where it was). The model loaders (`functools.cache`, or lru caches of one
entry) are left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import time
from dataclasses import dataclass

RUN_MEMORY_MB = 2048  # the whole run: main process and workers (issue #8: ≤ 2 GB)
WORKERS_SHARE = 0.45  # of it for the workers together; the rest is the main process's (store, hooks' windows)
CHECK_EVERY = 100  # pages between two looks at the process's size (a look costs a few microseconds)
MEMO_MIN_SIZE = 1024  # lru caches this large or larger are per-word memos, the ones emptied

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def worker_budget_mb(workers: int, run_mb: float = RUN_MEMORY_MB) -> float:
    return run_mb * WORKERS_SHARE / max(1, workers)


def resident_bytes() -> int:
    """This process's resident size (0 where /proc is not there: nothing is ever emptied)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except OSError:
        return 0


def clear_word_memos() -> int:
    """Empty rawi's per-word lru caches (module functions and those made per model instance); how many."""
    cleared = 0
    for obj in gc.get_objects():
        if type(obj) is not functools._lru_cache_wrapper:  # the type lru_cache returns
            continue
        maxsize = obj.cache_parameters()["maxsize"]
        if maxsize is not None and maxsize >= MEMO_MIN_SIZE and str(obj.__module__).startswith("rawi."):
            obj.cache_clear()
            cleared += 1
    gc.collect()
    _trim_heap()
    return cleared


def _trim_heap() -> None:
    """glibc's malloc_trim: free pages inside the heap go back to the system (elsewhere: nothing)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
    except OSError:
        trim = None
    if trim is not None:
        trim(0)


@dataclass(slots=True)
class MemoryGuard:
    """Counts pages; every CHECK_EVERY of them, empties the memos when the process is over `budget_mb`."""

    budget_mb: float | None
    pages: int = 0
    clears: int = 0
    seconds: float = 0.0  # CPU spent emptying (the memos refill at the cost of the words seen again)

    def after(self, pages: int) -> None:
        if self.budget_mb is None:
            return
        self.pages += pages
        if self.pages < CHECK_EVERY:
            return
        self.pages = 0
        if resident_bytes() > self.budget_mb * 2**20:
            started = time.process_time()
            clear_word_memos()
            self.clears += 1
            self.seconds += time.process_time() - started
