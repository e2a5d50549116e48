"""The local engine: stream pages from the readers through segmentation and the per-article annotators,
in this process or on a pool of worker processes (results in input order either way)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from rawi.annotate.pipeline import Annotator, annotate, default_annotators
from rawi.engine.memory import worker_budget_mb
from rawi.engine.pool import OrderedPool, lent
from rawi.engine.stages import PageFailure, analyze_or_fail
from rawi.engine.stream import chunked
from rawi.engine.worker import analyze_chunk, init_worker
from rawi.errors import InputError
from rawi.model import Page, SegmentedPage
from rawi.read import iter_pages
from rawi.segment import BoilerplateIndex, segment_page

CHUNK_PAGES = 16  # pages per task: large enough to hide the pickling, small enough to keep order cheap
CHUNK_CHARS = 400_000
PAGE_TIMEOUT = 300.0  # seconds a page may take before its worker is presumed hung and replaced
# Pages analyzed ahead of the writer: more than a store batch (200), so that the workers keep analyzing
# while the main process writes a batch and runs the update hooks, instead of idling after a few chunks.
AHEAD_PAGES = 512


def learn_boilerplate(paths: Iterable[str | Path]) -> BoilerplateIndex:
    """First pass over re-readable inputs: count recurring lines per outlet."""
    index = BoilerplateIndex()
    for item in iter_pages(paths):
        if isinstance(item, Page):
            index.observe(item)
    return index


def frozen(index: BoilerplateIndex) -> BoilerplateIndex:
    """The same answers from only the lines that are boilerplate: what workers and Spark tasks get (a
    few thousand entries instead of every short line of the corpus)."""
    small = BoilerplateIndex(index.min_pages, index.min_share, index.max_entries)
    small.pages = index.pages.copy()
    small.lines.update(
        {
            (outlet, key): n
            for (outlet, key), n in index.lines.items()
            if n >= max(index.min_pages, index.min_share * index.pages[outlet])
        }
    )
    return small


def analyze_page(
    page: Page, boilerplate: BoilerplateIndex | None = None, annotators: list[Annotator] | None = None
) -> SegmentedPage:
    result = segment_page(page, boilerplate)
    steps = default_annotators() if annotators is None else annotators
    result.articles = [annotate(a, steps) for a in result.articles]
    return result


def failed_page(page: Page, reason: str) -> PageFailure:
    return PageFailure(page.uri, page.id, "worker", reason)


Prepare = Callable[[SegmentedPage], Any]  # what a sink makes of a page before writing it (module-level: pickled)


def prepare_chunk(pages: list[Page], prepare: Prepare | None) -> list[tuple[SegmentedPage, Any] | PageFailure]:
    """A worker's task: analyze the chunk, then make what the sink will write of each page, so that the one
    process that writes does as little as it can."""
    out: list[tuple[SegmentedPage, Any] | PageFailure] = []
    for result in analyze_chunk(pages):
        out.append(result if isinstance(result, PageFailure) else _prepared(result, prepare))
    return out


def _prepared(result: SegmentedPage, prepare: Prepare | None) -> tuple[SegmentedPage, Any] | PageFailure:
    if prepare is None:
        return result, None
    try:
        return result, prepare(result)
    except Exception as exc:  # a page the sink cannot take fails alone, as in analysis
        return PageFailure(result.page.uri, result.page.id, "prepare", f"{type(exc).__name__}: {exc}")


def analyze_stream(
    pages: Iterable[Page],
    boilerplate: BoilerplateIndex | None,
    annotators: list[Annotator] | None = None,
    workers: int = 1,
) -> Iterator[SegmentedPage | PageFailure]:
    """Every page analyzed, in input order; a page that raises comes out as a PageFailure. With more than
    one worker, pages go to a pool of processes in chunks, a bounded number of chunks ahead."""
    for item in analyze_prepared(pages, boilerplate, annotators, workers):
        yield item if isinstance(item, PageFailure) else item[0]


def analyze_prepared(
    pages: Iterable[Page],
    boilerplate: BoilerplateIndex | None,
    annotators: list[Annotator] | None = None,
    workers: int = 1,
    prepare: Prepare | None = None,
) -> Iterator[tuple[SegmentedPage, Any] | PageFailure]:
    """analyze_stream, each page with what `prepare` makes of it (None without), made where it was analyzed."""
    if workers <= 1:
        steps = default_annotators() if annotators is None else annotators
        for page in pages:
            result = analyze_or_fail(page, boilerplate, steps)
            yield result if isinstance(result, PageFailure) else _prepared(result, prepare)
        return
    small = frozen(boilerplate) if boilerplate is not None else None
    chunks = chunked(pages, CHUNK_PAGES, max_chars=CHUNK_CHARS, chars=lambda p: len(p.raw) + len(p.text))
    with (
        OrderedPool(
            partial(prepare_chunk, prepare=prepare),
            workers,
            failed=failed_page,
            initializer=init_worker,
            initargs=(small, annotators, worker_budget_mb(workers)),
            item_timeout=PAGE_TIMEOUT,
            in_flight=max(4 * workers, AHEAD_PAGES // CHUNK_PAGES),
            preload=list(dict.fromkeys(["rawi.engine.worker", __name__, *([prepare.__module__] if prepare else [])])),
        ) as pool,
        lent(pool),
    ):  # the update hooks may hand work to the workers (side_submit)
        for results in pool.map(chunks):
            yield from results


def analyze_paths(
    paths: list[str | Path], *, learn: bool = True, annotators: list[Annotator] | None = None, workers: int = 1
) -> Iterator[SegmentedPage | InputError]:
    """Analyze every page under `paths`, in input order; bad inputs (and pages whose analysis raised) come
    out as InputError items, the run goes on."""
    for item in analyze_paths_prepared(paths, learn=learn, annotators=annotators, workers=workers):
        yield item if isinstance(item, InputError) else item[0]


def analyze_paths_prepared(
    paths: list[str | Path],
    *,
    learn: bool = True,
    annotators: list[Annotator] | None = None,
    workers: int = 1,
    prepare: Prepare | None = None,
) -> Iterator[tuple[SegmentedPage, Any] | InputError]:
    """analyze_paths, each page with what `prepare` makes of it (None without), made where it was analyzed
    (a worker process: e.g. a store's rows, so that the process that writes does little more than write)."""
    boilerplate = learn_boilerplate(paths) if learn else None
    readable: list[InputError] = []

    def pages() -> Iterator[Page]:
        for item in iter_pages(paths):
            if isinstance(item, InputError):
                readable.append(item)
            else:
                yield item

    for result in analyze_prepared(pages(), boilerplate, annotators, workers, prepare):
        while readable:  # read errors come out where they were met (at most a few chunks late)
            yield readable.pop(0)
        if isinstance(result, PageFailure):
            yield InputError(result.uri, f"could not be analyzed ({result.stage}: {result.reason})")
        else:
            yield result
    yield from readable
