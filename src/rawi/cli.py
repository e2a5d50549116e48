"""The `rawi` command line. Thin: it parses options and calls the stages; no logic of its own."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rawi import __version__
from rawi.engine.local import analyze_paths
from rawi.engine.stats import RunStats
from rawi.errors import InputError, RawiError
from rawi.render import to_json, to_text

app = typer.Typer(
    name="rawi",
    help="راوي — who said what, who reported it, and who copied whom, in Arabic news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


class Format(str, Enum):
    json = "json"
    jsonl = "jsonl"
    text = "text"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rawi {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """راوي (rawi): turn crawled Arabic news into articles, statements and their sources."""


@app.command()
def analyze(
    paths: list[Path] = typer.Argument(..., help="Files or directories: text, HTML, RSS/Atom, WARC, JSONL(.gz)."),
    fmt: Format = typer.Option(Format.json, "--format", "-f", help="json, jsonl, or a readable text view."),
    learn_boilerplate: bool = typer.Option(
        True, "--learn-boilerplate/--no-learn-boilerplate", help="First pass: learn lines that recur per outlet."
    ),
    workers: int = typer.Option(1, "--workers", "-w", min=0, help="Worker processes (0: one per core); order kept."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing counts."),
) -> None:
    """Split pages into clean articles with their metadata; print one JSON object per page."""
    from rawi.commands.run import workers_for

    stats = RunStats()
    show_progress = not quiet and err.is_terminal
    with Progress(
        TextColumn("[bold]analyze"),
        BarColumn(),
        TextColumn("{task.completed} pages"),
        TimeElapsedColumn(),
        console=err,
        disable=not show_progress,
        transient=True,
    ) as progress:
        task = progress.add_task("pages", total=None)
        for item in analyze_paths([str(p) for p in paths], learn=learn_boilerplate, workers=workers_for(workers)):
            if isinstance(item, InputError):
                stats.failure()
                err.print(f"[red]error:[/red] {item}", highlight=False, soft_wrap=True)
                continue
            stats.page(item)
            progress.advance(task)
            if fmt is Format.json:
                typer.echo(to_json(item))
            elif fmt is Format.jsonl:
                typer.echo(to_json(item, indent=None))
            else:
                typer.echo(to_text(item) + "\n")
    if not quiet:
        _print_counts(stats)
    if stats.counts["failures"]:
        raise typer.Exit(code=1)


def _print_counts(stats: RunStats) -> None:
    table = Table(title="rawi analyze", show_header=False, box=None)
    for name, count in stats.rows():
        if count or name in ("pages", "articles", "failures"):
            table.add_row(name, str(count))
    err.print(table)


def _register_stage_commands() -> None:
    """Each stage's commands live in rawi/commands/<stage>.py; one line here mounts them."""
    # (stages add their line below)
    from rawi.commands import store as store_commands

    app.command()(store_commands.ingest)
    app.command()(store_commands.search)
    app.command()(store_commands.export)
    app.command()(store_commands.serve)
    from rawi.commands import connect as connect_commands

    app.command()(connect_commands.dedup)
    app.command()(connect_commands.reuse)
    app.command()(connect_commands.provenance)
    from rawi.commands.stories import stories

    app.command()(stories)
    from rawi.commands.quotes import quotes

    app.command()(quotes)
    from rawi.commands.run import run as run_command

    app.command(name="run")(run_command)
    from rawi.commands.ner import ner_app

    app.add_typer(ner_app, name="ner", help="Tag and evaluate named entities in CoNLL files.")
    from rawi.commands.watch import watch

    app.command()(watch)


_register_stage_commands()


def run() -> None:
    """Entry point that prints rawi's own errors as one line, without a traceback."""
    try:
        app()
    except RawiError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
