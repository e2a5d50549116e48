"""A local run from inputs to a sink (the store, or a folder): learn boilerplate, then stream pages
through the workers into the sink, skipping pages a previous run finished, logging failures, counting.

Memory is bounded at every step: the readers stream, the pool reads a few chunks ahead of the workers,
the sink writes in batches, and the set of page ids seen takes eight bytes a page.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.progress import Progress

from rawi.annotate.pipeline import Annotator
from rawi.engine.local import analyze_prepared
from rawi.engine.sinks import ErrorLog, Sink
from rawi.engine.stages import PageFailure
from rawi.engine.stats import RunStats
from rawi.engine.stream import IdSet, chunked
from rawi.errors import InputError
from rawi.model import Page, SegmentedPage
from rawi.read import iter_files, iter_pages
from rawi.segment import BoilerplateIndex

LOOKUP_PAGES = 256  # pages checked against the sink at once


@dataclass
class RunOptions:
    workers: int = 1
    learn: bool = True
    redo: bool = False  # analyze pages a previous run finished again (the store replaces changed ones)
    annotators: list[Annotator] | None = None


@dataclass
class RunReport:
    stats: RunStats = field(default_factory=RunStats)
    read: int = 0  # pages read
    skipped: int = 0  # finished by an earlier run
    repeated: int = 0  # the same page id again in this run's inputs
    written: int = 0
    errors: int = 0
    seconds: float = 0.0
    learn_seconds: float = 0.0


def learn_pass(paths: Sequence[str | Path], progress: Progress | None) -> tuple[BoilerplateIndex, int]:
    """Boilerplate learned over every page, and how many pages there are (the progress bar's total)."""
    files = [f for p in paths for f in iter_files(p) if not isinstance(f, InputError)]
    task = progress.add_task("learning boilerplate (files)", total=len(files)) if progress else None
    index = BoilerplateIndex()
    pages = 0
    for f in files:
        for item in iter_pages([f]):
            if isinstance(item, Page):
                index.observe(item)
                pages += 1
        if progress is not None and task is not None:
            progress.advance(task)
    if progress is not None and task is not None:
        progress.remove_task(task)
    return index, pages


def run_local(
    paths: Sequence[str | Path],
    sink: Sink,
    errors: ErrorLog,
    options: RunOptions,
    progress: Progress | None = None,
) -> RunReport:
    report = RunReport()
    start = time.perf_counter()
    boilerplate, total = None, None
    if options.learn:
        boilerplate, total = learn_pass(paths, progress)
        report.learn_seconds = time.perf_counter() - start
    task = progress.add_task("analyze", total=total) if progress is not None else None

    def advance(n: int) -> None:
        if progress is not None and task is not None:
            progress.advance(task, n)

    seen = IdSet()

    def todo() -> Iterator[Page]:
        """Pages to analyze: read errors logged, pages done before or seen already in this run skipped."""
        for block in chunked(iter_pages(paths), LOOKUP_PAGES):
            pages = []
            for item in block:
                if isinstance(item, InputError):
                    errors.write(PageFailure(item.source, None, "read", item.problem))
                    report.stats.failure()
                else:
                    pages.append(item)
            report.read += len(pages)
            done = set() if options.redo else sink.done_among([p.id for p in pages])
            for page in pages:
                if page.id in done:
                    report.skipped += 1
                    advance(1)
                elif page.id in seen:
                    report.repeated += 1
                    advance(1)
                else:
                    seen.add(page.id)
                    yield page

    def analyzed() -> Iterator[tuple[SegmentedPage, Any]]:
        prepare = sink.prepare  # made in the workers: the main process only writes
        for item in analyze_prepared(todo(), boilerplate, options.annotators, options.workers, prepare):
            if isinstance(item, PageFailure):
                errors.write(item)
                report.stats.failure()
                advance(1)
            else:
                report.stats.page(item[0])
                yield item

    def written(n: int) -> None:
        report.written += n
        advance(n)

    try:
        sink.consume(analyzed(), written)
    finally:
        errors.close()
    report.errors = errors.count
    report.seconds = time.perf_counter() - start
    return report
