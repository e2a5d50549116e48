"""What runs inside a worker process: state set once by the pool's initializer (boilerplate index,
annotators and their models), then one call per chunk of pages. Module-level functions, so that they
pickle by name under every start method."""

from __future__ import annotations

import os
import threading
import time

from rawi.annotate.pipeline import Annotator, default_annotators
from rawi.engine.memory import MemoryGuard
from rawi.engine.stages import PageFailure, analyze_or_fail
from rawi.model import Page, SegmentedPage
from rawi.segment import BoilerplateIndex

_STATE: dict[str, object] = {}


def set_state(boilerplate: BoilerplateIndex | None, annotators: list[Annotator] | None) -> None:
    """What every page needs, loaded once per process (the annotators' models load on first use)."""
    _STATE["boilerplate"] = boilerplate
    _STATE["annotators"] = default_annotators() if annotators is None else annotators


def init_worker(
    boilerplate: BoilerplateIndex | None, annotators: list[Annotator] | None, memory_mb: float | None = None
) -> None:
    """The pool's initializer: the state, the worker's memory budget (memory.MemoryGuard; None: none), and
    an exit when the parent dies (a SIGKILLed run must not leave workers behind)."""
    set_state(boilerplate, annotators)
    _STATE["memory"] = MemoryGuard(memory_mb)
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="rawi-parent-watch").start()


def _watch_parent(parent: int) -> None:
    # A process whose parent exits is handed to another (init): the parent id changes at once, even
    # while the dead parent waits to be reaped. (Under forkserver the parent is the server, which
    # exits when the run's main process does.)
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def analyze_chunk(pages: list[Page]) -> list[SegmentedPage | PageFailure]:
    boilerplate = _STATE.get("boilerplate")
    annotators = _STATE.get("annotators")
    assert annotators is not None, "init_worker was not called"
    results = [analyze_or_fail(p, boilerplate, annotators) for p in pages]  # type: ignore[arg-type]
    guard = _STATE.get("memory")
    if isinstance(guard, MemoryGuard):
        guard.after(len(pages))
    return results
