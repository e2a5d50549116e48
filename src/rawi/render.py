"""Output formats of `rawi analyze`: JSON (the schema of DESIGN.md), JSONL, and a readable text view."""

from __future__ import annotations

import json

from rawi.model import SegmentedPage


def to_json(result: SegmentedPage, indent: int | None = 1) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=indent)


def to_text(result: SegmentedPage) -> str:
    """A view for a person: each article with its title, subheadings, credits, then what was removed."""
    page = result.page
    out = [f"═══ {page.uri}  ({page.kind}{', ' + page.outlet if page.outlet else ''})"]
    for article in result.articles:
        out.append(f"\n── article {article.position} [{article.role}] language={article.language or '?'}")
        if article.title:
            out.append(f"Title: {article.title}")
        if article.dateline:
            out.append(f"Dateline: {article.dateline}")
        if article.published:
            out.append(f"Published: {article.published}")
        subheadings = set(article.subheadings)
        for paragraph in article.paragraphs:
            out.append(f"  {paragraph}")
        if subheadings:
            out.append("Subheadings: " + " | ".join(article.subheadings))
        if article.credits:
            out.append("Credits: " + ", ".join(f"{c.name} ({c.kind})" for c in article.credits))
        if article.cited:
            out.append("Cites: " + ", ".join(article.cited))
        if article.tags:
            out.append("Tags: " + " | ".join(article.tags))
        for label, items in (("Entities", article.entities), ("Quotes", article.quotes), ("Dates", article.dates)):
            if items:
                out.append(f"{label}: " + "; ".join(str(i.get("text", "")) for i in items))
    if result.tags:
        out.append("\nPage tags: " + " | ".join(result.tags))
    if result.related_headlines:
        out.append("Related headlines:")
        out.extend(f"  • {h}" for h in result.related_headlines)
    if result.removed:
        out.append("Removed:")
        out.extend(f"  line {r.line if r.line is not None else '-':>4} {r.kind:<15} {r.text}" for r in result.removed)
    return "\n".join(out)
