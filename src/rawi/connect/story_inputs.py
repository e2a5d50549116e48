"""Articles for story clustering, read from files: read, segment, and keep what stories need.

No annotation here (the NER model costs more than everything else together): stories built from files
rely on words; stories kept by the store (story_hook.py) also use the stored entities and quotations.

`StoryInputs` runs the reading and the near-duplicate sketches on one pool of worker processes: the
sketch tasks queue behind the reading tasks, so the workers sketch while the main process computes the
TF-IDF vectors (main-process numpy work) instead of leaving a core idle.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from types import TracebackType

from rawi.annotate.summary import lead_sentences
from rawi.connect.dedup import DedupParams, DedupResult, SketchBatch, corpus_of, find_duplicates, sketch_files
from rawi.connect.parallel import file_tasks
from rawi.connect.story_features import StoryDoc, story_doc
from rawi.errors import InputError
from rawi.model import Article, Page
from rawi.read import iter_pages
from rawi.segment import segment_page

TaskResult = tuple[list[tuple[StoryDoc, Article]], list[tuple[str, str]]]


def page_articles(page: Page) -> list[tuple[StoryDoc, Article]]:
    """The page's articles with their clustering view (time: the article's, else the page's)."""
    out = []
    for art in segment_page(page).articles:
        if not art.paragraphs:
            continue
        time = art.published or page.published or page.fetched
        doc = story_doc(art, uri=page.uri, outlet=page.outlet, time=time)
        doc.extra["leads"] = lead_sentences(art)  # here, on the worker processes, not in `describe`
        out.append((doc, art))
    return out


def _task(files: list[str]) -> TaskResult:
    """A worker's share: its articles without their paragraphs (the lead sentences a summary reads travel
    with the StoryDoc; shipping and unpickling every text cost the main process seconds)."""
    items: list[tuple[StoryDoc, Article]] = []
    errors: list[tuple[str, str]] = []  # (source, problem): InputError does not pickle
    for page in iter_pages(files):
        if isinstance(page, InputError):
            errors.append((page.source, page.problem))
        else:
            items.extend((doc, replace(art, paragraphs=[])) for doc, art in page_articles(page))
    return items, errors


def _collect(results: Iterable[TaskResult]) -> tuple[list[StoryDoc], dict[str, Article], list[InputError]]:
    errors: list[InputError] = []
    docs: list[StoryDoc] = []
    articles: dict[str, Article] = {}
    for items, errs in results:
        errors.extend(InputError(source, problem) for source, problem in errs)
        for doc, art in items:
            if doc.id not in articles:  # the same page twice is one article
                docs.append(doc)
                articles[doc.id] = art
    return docs, articles, errors


class StoryInputs:
    """Articles and near duplicates of the files under `paths` on one pool of `jobs` processes (default:
    every core). Use as a context manager: `articles()` first, then `duplicates()`; the sketches are made
    in between, while the caller works."""

    def __init__(
        self, paths: Iterable[str | Path], *, jobs: int | None = None, dedup: DedupParams | None = None
    ) -> None:
        self.missing: list[InputError] = []
        self.tasks = file_tasks(paths, self.missing)
        self.dedup = dedup or DedupParams()
        self.jobs = min(jobs or os.cpu_count() or 1, len(self.tasks))
        self.pool: Pool | None = None
        self._reads: Iterator[TaskResult] | None = None
        self._sketches: AsyncResult[list[list[SketchBatch]]] | None = None

    def __enter__(self) -> StoryInputs:
        sketch_args = [(t, self.dedup) for t in self.tasks]
        if self.jobs > 1:
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            self.pool = ctx.Pool(self.jobs)
            self._reads = self.pool.imap(_task, self.tasks)  # queued first: the pool's task queue is FIFO
            self._sketches = self.pool.map_async(sketch_files, sketch_args)
        else:
            self._reads = map(_task, self.tasks)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def articles(self) -> tuple[list[StoryDoc], dict[str, Article], list[InputError]]:
        """Every article (in input order) and the inputs that failed. The articles come without
        paragraphs: each StoryDoc carries its lead sentences (`extra["leads"]`)."""
        assert self._reads is not None, "use StoryInputs as a context manager"
        docs, articles, failed = _collect(self._reads)
        return docs, articles, self.missing + failed

    def duplicates(self) -> DedupResult:
        """As `rawi.connect.dedup.dedup_paths` (the same tasks, in the same order)."""
        if self._sketches is not None:
            sketched = self._sketches.get()
        else:
            sketched = [sketch_files((t, self.dedup)) for t in self.tasks]
        return find_duplicates(corpus_of(sketched, self.dedup, list(self.missing)), self.dedup)
