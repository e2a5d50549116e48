"""`rawi stories`: the same happening across outlets and days, from files (thin: rawi.connect.stories)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from rawi.commands.connect import JOBS_HELP, PATHS_HELP, _report
from rawi.connect.stories import stories_paths
from rawi.errors import InputError

out = Console()


class TableOrJsonl(str, Enum):
    table = "table"
    jsonl = "jsonl"


def stories(
    paths: list[Path] = typer.Argument(..., help=PATHS_HELP),
    fmt: TableOrJsonl = typer.Option(TableOrJsonl.table, "--format", "-f", help="A readable table, or JSONL."),
    min_size: int = typer.Option(1, "--min-size", min=1, help="Only stories with at least this many articles."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help=JOBS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No closing counts."),
) -> None:
    """Stories: each article joins the matching recent story or opens one (id, title, summary, articles,
    outlets, first and last seen)."""
    run = stories_paths(paths, jobs=jobs or None)
    shown = [s for s in run.stories if len(s.article_ids) >= min_size]
    if fmt is TableOrJsonl.jsonl:
        for s in shown:
            print(json.dumps(s.to_json(), ensure_ascii=False))
    else:
        table = Table(show_lines=False)
        for col in ("story", "articles", "outlets", "first seen", "last seen", "title"):
            table.add_column(col)
        for s in sorted(shown, key=lambda s: (-len(s.article_ids), s.first_seen or "", s.id)):
            first, last = (s.first_seen or "")[:16], (s.last_seen or "")[:16]
            table.add_row(s.id, str(len(s.article_ids)), ", ".join(s.outlets[:4]), first, last, s.title or "")
        out.print(table)
    errors = [e for e in run.errors if isinstance(e, InputError)]
    _report("stories", run.counts.items(), errors, quiet)
    if errors:
        raise typer.Exit(1)
