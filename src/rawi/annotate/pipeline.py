"""The per-article annotators, in the order they run. Each is a pure function Article → Article."""

from __future__ import annotations

from collections.abc import Callable

from rawi.model import Article

Annotator = Callable[[Article], Article]


def default_annotators() -> list[Annotator]:
    """The annotators `rawi analyze` runs. Stages join this list as they land (entities, quotes, dates…)."""
    return []


def annotate(article: Article, annotators: list[Annotator]) -> Article:
    for step in annotators:
        article = step(article)
    return article
