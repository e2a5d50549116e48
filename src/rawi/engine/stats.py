"""Counters every stage updates, printed at the end of long commands (pages read, lines removed by kind…)."""

from __future__ import annotations

from collections import Counter

from rawi.model import SegmentedPage


class RunStats:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def page(self, result: SegmentedPage) -> None:
        self.counts["pages"] += 1
        self.counts["articles"] += len(result.articles)
        self.counts["embedded articles"] += sum(1 for a in result.articles if a.role == "embedded")
        self.counts["related headlines"] += len(result.related_headlines)
        for removed in result.removed:
            self.counts[f"removed: {removed.kind}"] += 1
        for article in result.articles:
            self.counts["entities"] += len(article.entities)
            self.counts["quotes"] += len(article.quotes)
            self.counts["dates"] += len(article.dates)

    def failure(self) -> None:
        self.counts["failures"] += 1

    def rows(self) -> list[tuple[str, int]]:
        head = ["pages", "articles", "embedded articles", "related headlines", "entities", "quotes", "dates"]
        rows = [(k, self.counts[k]) for k in head]
        rows += sorted((k, v) for k, v in self.counts.items() if k.startswith("removed: "))
        rows.append(("failures", self.counts["failures"]))
        return rows
