"""Analyzed pages as JSON records and back: what Spark writes to Parquet and `rawi ingest --from-parquet`
stores. A record is the output schema of DESIGN.md (`SegmentedPage.to_json()`) plus the page's title and
author, which the store keeps; reading one back gives a page whose `to_json()` is the same, so that the
store sees the same page (same fingerprint) whichever engine analyzed it."""

from __future__ import annotations

import json
from typing import Any

from rawi.model import Article, Credit, Page, RemovedLine, SegmentedPage

_EXTRA = ("title", "author")


def page_record(result: SegmentedPage) -> dict[str, Any]:
    record = result.to_json()
    for key in _EXTRA:
        record["page"][key] = getattr(result.page, key)
    return record


def dumps_record(result: SegmentedPage) -> str:
    return json.dumps(page_record(result), ensure_ascii=False)


def page_from_record(record: dict[str, Any]) -> SegmentedPage:
    meta = record["page"]
    page = Page(
        id=meta["id"],
        uri=meta["uri"],
        raw="",
        text="",
        kind=meta.get("kind") or "text",
        outlet=meta.get("outlet"),
        fetched=meta.get("fetched"),
        title=meta.get("title"),
        published=meta.get("published"),
        author=meta.get("author"),
    )
    articles = [_article(a, page.id) for a in record["articles"]]
    removed = [RemovedLine(r["kind"], r["text"], r.get("line")) for r in meta.get("removed", [])]
    return SegmentedPage(page, articles, list(meta.get("tags", [])), list(meta.get("related_headlines", [])), removed)


def _article(a: dict[str, Any], page_id: str) -> Article:
    return Article(
        id=a["id"],
        page_id=page_id,
        position=a["position"],
        role=a["role"],
        title=a.get("title"),
        subheadings=list(a.get("subheadings", [])),
        paragraphs=list(a.get("paragraphs", [])),
        credits=[Credit(c["name"], c["kind"]) for c in a.get("credits", [])],
        cited=list(a.get("cited", [])),
        tags=list(a.get("tags", [])),
        dateline=a.get("dateline"),
        published=a.get("published"),
        language=a.get("language"),
        entities=list(a.get("entities", [])),
        quotes=list(a.get("quotes", [])),
        dates=list(a.get("dates", [])),
        summary=list(a.get("summary", [])),
    )
