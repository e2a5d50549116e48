"""Articles for story clustering, read from files: read, segment, and keep what stories need.

No annotation here (the NER model costs more than everything else together): stories built from files
rely on words; stories kept by the store (story_hook.py) also use the stored entities and quotations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from rawi.annotate.summary import lead_sentences
from rawi.connect.parallel import file_tasks, run_tasks
from rawi.connect.story_features import StoryDoc, story_doc
from rawi.errors import InputError
from rawi.model import Article, Page
from rawi.read import iter_pages
from rawi.segment import segment_page


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


def _task(files: list[str]) -> tuple[list[tuple[StoryDoc, Article]], list[tuple[str, str]]]:
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


def read_articles(
    paths: Iterable[str | Path], *, jobs: int | None = None
) -> tuple[list[StoryDoc], dict[str, Article], list[InputError]]:
    """Every article under `paths` (on `jobs` processes), in input order, and the inputs that failed. The
    articles come without paragraphs: each StoryDoc carries its lead sentences (`extra["leads"]`)."""
    errors: list[InputError] = []
    docs: list[StoryDoc] = []
    articles: dict[str, Article] = {}
    for items, errs in run_tasks(_task, file_tasks(paths, errors), jobs):
        errors.extend(InputError(source, problem) for source, problem in errs)
        for doc, art in items:
            if doc.id not in articles:  # the same page twice is one article
                docs.append(doc)
                articles[doc.id] = art
    return docs, articles, errors
