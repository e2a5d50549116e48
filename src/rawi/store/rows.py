"""A segmented page as the rows the store writes: pure functions, the same for every backend.

Identity rules live here: an outlet is its canonical name (from the outlet list when known), an entity
is the annotator's `entity_id` (or its label and canonical name when the annotator gave none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rawi.model import SegmentedPage, stable_id
from rawi.segment.credits import lookup_outlet
from rawi.text import match_form
from rawi.text.stem import stem_pairs, word_stems

LEAD_CHARS = 240
_MIN_DUPLICATE_CHARS = 120  # shorter texts ("الرياض") are the same by chance, not by copying


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def outlet_key(name: str) -> str:
    return " ".join(match_form(name).replace(".", " ").split())


def outlet_identity(name: str) -> tuple[str, str, str]:
    """(id, shown name, kind) of an outlet named in a page, a credit or a citation."""
    cleaned = name.strip()
    if cleaned.lower().startswith("www."):
        cleaned = cleaned[4:]
    known = lookup_outlet(cleaned)
    if known:
        return stable_id("outlet", outlet_key(known.canonical)), known.canonical, known.kind
    return stable_id("outlet", outlet_key(cleaned)), cleaned, "outlet"


def entity_identity(label: str, canonical: str) -> str:
    return stable_id("entity", label, match_form(canonical))


def alias_key(text: str) -> str:
    """How an entity alias is looked up from a search query: its words' stems."""
    return " ".join(s for _, _, s, _ in word_stems(text))


def stored_lines(result: SegmentedPage) -> list[int]:
    """The key of each removed line in the store (page_id, line): its 1-based line number, or, for a line the
    reader took out (HTML menus, link lists: no line number), -k … -1 in page order, so that ORDER BY line keeps
    the order and `shown_line` turns them back into None."""
    unnumbered = sum(1 for r in result.removed if r.line is None)
    keys, k = [], -unnumbered
    for r in result.removed:
        if r.line is None:
            keys.append(k)
            k += 1
        else:
            keys.append(r.line)
    return keys


def shown_line(stored: int) -> int | None:
    """The line number of a stored removed line as the output schema shows it (None: the reader removed it)."""
    return stored if stored > 0 else None


def best_date(*values: str | None) -> str | None:
    for value in values:
        if value:
            return value
    return None


@dataclass(slots=True)
class IndexDoc:
    """What full-text search indexes for one article: stems and clitic stems of its title and body."""

    article_id: str
    title: list[tuple[str, str]]
    body: list[tuple[str, str]]


@dataclass(slots=True)
class PageRows:
    page_id: str
    fingerprint: str
    outlets: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (name, kind)
    page: tuple[Any, ...] = ()
    articles: list[tuple[Any, ...]] = field(default_factory=list)
    removed: list[tuple[Any, ...]] = field(default_factory=list)
    credits: list[tuple[Any, ...]] = field(default_factory=list)
    mentions: list[tuple[Any, ...]] = field(default_factory=list)
    quotes: list[tuple[Any, ...]] = field(default_factory=list)
    entities: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (label, canonical)
    index: list[IndexDoc] = field(default_factory=list)


PAGE_COLUMNS = (
    "id, uri, outlet, outlet_id, kind, fetched, published, title, author, tags, related_headlines, "
    "fingerprint, ingested"
)
ARTICLE_COLUMNS = (
    "id, page_id, position, role, title, subheadings, paragraphs, credits, cited, tags, dateline, published, "
    "language, entities, quotes, dates, summary, outlet_id, date, text_hash, lead"
)
MENTION_COLUMNS = "article_id, span_start, span_end, label, text, entity_id, date"
QUOTE_COLUMNS = "id, article_id, span_start, span_end, text, kind, cue, speaker, speaker_id, date"


def _cue_text(cue: Any, text: str) -> str | None:
    if isinstance(cue, dict) and isinstance(cue.get("start"), int) and isinstance(cue.get("end"), int):
        return text[cue["start"] : cue["end"]]
    return str(cue) if cue else None


def _span_text(item: dict[str, Any], text: str) -> str:
    value = item.get("text")
    if isinstance(value, str):
        return value
    start, end = item.get("start"), item.get("end")
    return text[start:end] if isinstance(start, int) and isinstance(end, int) else ""


def page_rows(result: SegmentedPage, ingested: str) -> PageRows:
    page = result.page
    fingerprint = stable_id(dumps(result.to_json()), length=40)
    rows = PageRows(page_id=page.id, fingerprint=fingerprint)
    page_outlet = None
    if page.outlet:
        page_outlet, name, kind = outlet_identity(page.outlet)
        rows.outlets[page_outlet] = (name, kind)
    rows.page = (
        page.id,
        page.uri,
        page.outlet,  # as the page named it (export gives it back); outlet_id is its canonical identity
        page_outlet,
        page.kind,
        page.fetched,
        page.published,
        page.title,
        page.author,
        dumps(result.tags),
        dumps(result.related_headlines),
        fingerprint,
        ingested,
    )
    rows.removed = [
        (page.id, line, r.kind, r.text) for line, r in zip(stored_lines(result), result.removed, strict=True)
    ]
    for article in result.articles:
        text = article.text
        date = best_date(article.published, page.published, page.fetched)
        form = match_form(text)
        text_hash = stable_id(" ".join(form.split()), length=24) if len(form) >= _MIN_DUPLICATE_CHARS else ""
        lead = next((p for p in article.paragraphs if p.strip()), "")[:LEAD_CHARS]
        rows.articles.append(
            (
                article.id,
                page.id,
                article.position,
                article.role,
                article.title,
                dumps(article.subheadings),
                dumps(article.paragraphs),
                dumps([c.to_json() for c in article.credits]),
                dumps(article.cited),
                dumps(article.tags),
                article.dateline,
                article.published,
                article.language,
                dumps(article.entities),
                dumps(article.quotes),
                dumps(article.dates),
                dumps(article.summary),
                page_outlet,
                date,
                text_hash,
                lead,
            )
        )
        credited = [(c.name, c.kind) for c in article.credits] + [(name, "cited") for name in article.cited]
        for position, (name, kind) in enumerate(credited):
            outlet_id, shown, outlet_kind = outlet_identity(name)
            rows.outlets.setdefault(outlet_id, (shown, outlet_kind))
            rows.credits.append((article.id, position, outlet_id, name, kind))
        _annotation_rows(rows, article.id, text, date, article.entities, article.quotes)
        heading = "\n".join([article.title or "", *article.subheadings])
        rows.index.append(
            IndexDoc(
                article.id,
                stem_pairs(heading),
                stem_pairs(text),
            )
        )
    return rows


def _annotation_rows(
    rows: PageRows,
    article_id: str,
    text: str,
    date: str | None,
    entities: list[dict[str, Any]],
    quotes: list[dict[str, Any]],
) -> None:
    seen: set[tuple[int, int]] = set()
    for item in entities:
        start, end = item.get("start"), item.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or (start, end) in seen:
            continue
        seen.add((start, end))
        surface = _span_text(item, text)
        label = str(item.get("label") or "MISC")
        canonical = str(item.get("canonical") or surface)
        entity_id = str(item.get("entity_id") or entity_identity(label, canonical))
        rows.entities.setdefault(entity_id, (label, canonical))
        rows.mentions.append((article_id, start, end, label, surface, entity_id, date))
    for item in quotes:
        start, end = item.get("start"), item.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        speaker = item.get("speaker")
        speaker_id = item.get("speaker_id")
        if speaker and not speaker_id:
            speaker_id = entity_identity("PER", str(speaker))
        if speaker_id:
            rows.entities.setdefault(str(speaker_id), ("PER", str(speaker or "")))
        rows.quotes.append(
            (
                stable_id(article_id, start, end),
                article_id,
                start,
                end,
                _span_text(item, text),
                str(item.get("kind") or "direct"),
                _cue_text(item.get("cue"), text),
                speaker,
                speaker_id,
                date,
            )
        )
