"""The per-article annotators, in the order they run. Each is a pure function Article → Article."""

from __future__ import annotations

from collections.abc import Callable

from rawi.model import Article

Annotator = Callable[[Article], Article]


def default_annotators() -> list[Annotator]:
    """The annotators `rawi analyze` runs, in order. Dates first: they normalize `published`, which
    relative dates and quotes' times depend on."""
    from rawi.annotate.dates import annotate_dates
    from rawi.annotate.entities import annotate_entities
    from rawi.annotate.quotes import annotate_quotes
    from rawi.annotate.summary import annotate_summary

    # No shared registry here: an article's annotation must not depend on which articles the same process
    # saw before (workers, Spark partitions and re-runs must agree). Entity ids are stable hashes of the
    # name's skeleton, so spellings still meet across articles; corpus-level canonical names are the store's.
    # quotes after entities: speakers are read from the entity mentions
    return [annotate_dates, annotate_entities, annotate_quotes, annotate_summary]


def annotate(article: Article, annotators: list[Annotator]) -> Article:
    for step in annotators:
        article = step(article)
    return article
