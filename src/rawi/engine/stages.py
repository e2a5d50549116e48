"""The per-page work every engine runs: segment a page, then annotate each article, naming the stage that
failed when one raises. One function for the local engine, its worker processes and Spark partitions,
so that every engine gives the same result for the same page."""

from __future__ import annotations

from dataclasses import dataclass

from rawi.annotate.pipeline import Annotator
from rawi.model import Page, SegmentedPage
from rawi.segment import BoilerplateIndex, segment_page


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page that could not be analyzed: where it came from, the stage that raised, and why."""

    uri: str
    page_id: str | None
    stage: str  # read | segment | annotate:<annotator> | worker
    reason: str

    def to_json(self) -> dict[str, str | None]:
        return {"uri": self.uri, "page_id": self.page_id, "stage": self.stage, "reason": self.reason}


def stage_name(step: Annotator) -> str:
    name = getattr(step, "__name__", type(step).__name__)
    return "annotate:" + name.removeprefix("annotate_")


def analyze_or_fail(
    page: Page, boilerplate: BoilerplateIndex | None, annotators: list[Annotator]
) -> SegmentedPage | PageFailure:
    """Segment and annotate one page; an exception becomes a PageFailure (the run goes on)."""
    stage = "segment"
    try:
        result = segment_page(page, boilerplate)
        articles = []
        for article in result.articles:
            for step in annotators:
                stage = stage_name(step)
                article = step(article)
            articles.append(article)
        result.articles = articles
        return result
    except Exception as exc:  # any bug in one page's analysis must not end a run of millions
        return PageFailure(page.uri, page.id, stage, f"{type(exc).__name__}: {exc}"[:500])
