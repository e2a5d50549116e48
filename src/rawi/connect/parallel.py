"""Input files split into tasks for worker processes, and the pool that runs them in order."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from rawi.errors import InputError
from rawi.read import iter_files

T = TypeVar("T")
R = TypeVar("R")


def file_tasks(
    paths: Iterable[str | Path], errors: list[InputError], task_bytes: int = 2 << 20, task_files: int = 256
) -> list[list[str]]:
    """The input files in order, grouped into tasks of about `task_bytes` (a larger file is a task of its
    own, so a single large file is read by one process); missing inputs go to `errors`."""
    tasks: list[list[str]] = []
    size = 0
    for path in paths:
        for f in iter_files(path):
            if isinstance(f, InputError):
                errors.append(f)
                continue
            fsize = f.stat().st_size
            if not tasks or size + fsize > task_bytes or len(tasks[-1]) >= task_files:
                tasks.append([])
                size = 0
            tasks[-1].append(str(f))
            size += fsize
    return tasks


def run_tasks(fn: Callable[[T], R], tasks: list[T], jobs: int | None = None) -> Iterator[R]:
    """fn over the tasks on `jobs` processes (default: every core), results in task order."""
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1:
        yield from map(fn, tasks)
        return
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(fn, tasks)
