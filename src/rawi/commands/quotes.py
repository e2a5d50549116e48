"""`rawi quotes`: who said what, as a table for people who just want to read it."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from rawi.engine.local import analyze_paths
from rawi.errors import InputError
from rawi.model import Article, SegmentedPage
from rawi.text import match_form

out = Console()
err = Console(stderr=True)


class TableOrJsonl(str, Enum):
    table = "table"
    jsonl = "jsonl"


def quotes(
    paths: list[Path] = typer.Argument(..., help="Files or directories: text, HTML, RSS/Atom, WARC, JSONL(.gz)."),
    speaker: str | None = typer.Option(
        None, "--speaker", "-s", help="Only this speaker (any spelling of the name, or part of it)."
    ),
    fmt: TableOrJsonl = typer.Option(TableOrJsonl.table, "--format", "-f", help="A readable table, or JSONL."),
    learn_boilerplate: bool = typer.Option(
        True, "--learn-boilerplate/--no-learn-boilerplate", help="First pass: learn lines that recur per outlet."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No closing counts."),
) -> None:
    """Who said what: speaker, reporting word, direct or indirect, the words, and the article."""
    rows = 0
    failures = 0
    table = _table()
    for item in analyze_paths([str(p) for p in paths], learn=learn_boilerplate):
        if isinstance(item, InputError):
            failures += 1
            err.print(f"[red]error:[/red] {item}", highlight=False, soft_wrap=True)
            continue
        for article, quote in _quotes_of(item, speaker):
            rows += 1
            if fmt is TableOrJsonl.jsonl:
                sys.stdout.write(json.dumps(_row_json(item, article, quote), ensure_ascii=False) + "\n")
            else:
                table.add_row(
                    quote.get("speaker") or "?",
                    quote.get("cue") or "",
                    quote.get("kind") or "",
                    quote.get("text") or "",
                    _article_label(item, article),
                )
    if fmt is TableOrJsonl.table and rows:
        out.print(table)
    if not quiet:
        err.print(f"{rows} quotations" + (f", {failures} unreadable inputs" if failures else ""))
    if failures:
        raise typer.Exit(code=1)


def _table() -> Table:
    table = Table(show_lines=True)
    table.add_column("speaker", overflow="fold", max_width=28)
    table.add_column("cue", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("quote", overflow="fold", ratio=1)
    table.add_column("article", overflow="fold", max_width=36)
    return table


def _quotes_of(result: SegmentedPage, speaker: str | None) -> Iterator[tuple[Article, dict[str, Any]]]:
    wanted = match_form(speaker).split() if speaker else []
    for article in result.articles:
        for quote in article.quotes:
            if wanted and not _same_speaker(quote.get("speaker"), wanted):
                continue
            yield article, quote


def _same_speaker(name: str | None, wanted: list[str]) -> bool:
    """Every word asked for is a word of the speaker's name (ignoring spelling variants match_form folds)."""
    if not name:
        return False
    have = match_form(name).split()
    return all(any(w == h or (len(w) > 3 and w in h) for h in have) for w in wanted)


def _article_label(result: SegmentedPage, article: Article) -> str:
    title = article.title or (article.paragraphs[0][:60] + "…" if article.paragraphs else "")
    return f"{title}\n{result.page.uri}#{article.position}"


def _row_json(result: SegmentedPage, article: Article, quote: dict[str, Any]) -> dict[str, Any]:
    return {"page": result.page.uri, "article": article.id, "position": article.position, **quote}
