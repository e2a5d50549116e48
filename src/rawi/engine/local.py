"""The local engine: stream pages from the readers through segmentation and the per-article annotators."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rawi.annotate.pipeline import Annotator, annotate, default_annotators
from rawi.errors import InputError
from rawi.model import Page, SegmentedPage
from rawi.read import iter_pages
from rawi.segment import BoilerplateIndex, segment_page


def learn_boilerplate(paths: Iterable[str | Path]) -> BoilerplateIndex:
    """First pass over re-readable inputs: count recurring lines per outlet."""
    index = BoilerplateIndex()
    for item in iter_pages(paths):
        if isinstance(item, Page):
            index.observe(item)
    return index


def analyze_page(
    page: Page, boilerplate: BoilerplateIndex | None = None, annotators: list[Annotator] | None = None
) -> SegmentedPage:
    result = segment_page(page, boilerplate)
    steps = default_annotators() if annotators is None else annotators
    result.articles = [annotate(a, steps) for a in result.articles]
    return result


def analyze_paths(
    paths: list[str | Path], *, learn: bool = True, annotators: list[Annotator] | None = None
) -> Iterator[SegmentedPage | InputError]:
    """Analyze every page under `paths`; bad inputs come out as InputError items, the run goes on."""
    boilerplate = learn_boilerplate(paths) if learn else None
    steps = default_annotators() if annotators is None else annotators
    for item in iter_pages(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            yield analyze_page(item, boilerplate, steps)
        except RecursionError as exc:  # pathological nesting in a page; report it, keep going
            yield InputError(item.uri, f"could not be analyzed ({exc.__class__.__name__})")
