"""The per-article annotators, in the order they run. Each is a pure function Article → Article."""

from __future__ import annotations

from collections.abc import Callable

from rawi.model import Article

Annotator = Callable[[Article], Article]


def default_annotators() -> list[Annotator]:
    """The annotators `rawi analyze` runs, in order. Dates first: they normalize `published`, which
    relative dates and quotes' times depend on."""
    from rawi.annotate.dates import annotate_dates
    from rawi.annotate.quotes import annotate_quotes

    # quotes last: they read speakers from the entities when that stage has run before them
    return [annotate_dates, annotate_quotes]


def annotate(article: Article, annotators: list[Annotator]) -> Article:
    for step in annotators:
        article = step(article)
    return article
