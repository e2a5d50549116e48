"""`rawi ingest`, `rawi search`, `rawi export`, `rawi serve`: thin commands over rawi.store and rawi.web."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rawi.engine.local import Prepare, analyze_paths_prepared
from rawi.engine.sinks import StoreSink
from rawi.errors import InputError
from rawi.model import SegmentedPage
from rawi.store import SearchFilters, open_store, resolve_url
from rawi.store.export import write_jsonl, write_parquet
from rawi.store.hooks import default_hooks

out = Console()
err = Console(stderr=True)

DB_HELP = "The store: a SQLite file or postgresql://… (default: $RAWI_DB, else ./rawi.db)."


def ingest(
    paths: list[Path] | None = typer.Argument(
        None, help="Files or directories: text, HTML, RSS/Atom, WARC, JSONL(.gz)."
    ),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    from_parquet: Path | None = typer.Option(
        None,
        "--from-parquet",
        help="Also store the pages a Spark run wrote (the --out DIR of rawi run --engine spark).",
    ),
    batch_size: int = typer.Option(200, "--batch-size", min=1, help="Pages per transaction."),
    learn_boilerplate: bool = typer.Option(
        True, "--learn-boilerplate/--no-learn-boilerplate", help="First pass: learn lines that recur per outlet."
    ),
    workers: int = typer.Option(
        0, "--workers", "-w", min=0, help="Processes that analyze pages (0: one per core); the store is written here."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing table."),
) -> None:
    """Analyze pages and store them; a page already stored is stored once. Prints what was added."""
    from rawi.commands.run import workers_for

    failures = 0
    if not paths and from_parquet is None:
        raise typer.BadParameter("give files or directories to analyze, or --from-parquet DIR", param_hint="PATHS")

    def analyzed(prepare: Prepare | None) -> Iterator[tuple[SegmentedPage, Any]]:
        """Each page with its store rows, made by the worker that analyzed it (pages read from Parquet get
        theirs made when written)."""
        nonlocal failures
        if from_parquet is not None:
            from rawi.engine.parquet import read_parquet_pages

            yield from ((page, None) for page in read_parquet_pages(from_parquet))
        items = analyze_paths_prepared(
            [str(p) for p in paths or []], learn=learn_boilerplate, workers=workers_for(workers), prepare=prepare
        )
        for item in items:
            if isinstance(item, InputError):
                failures += 1
                err.print(f"[red]error:[/red] {item}", highlight=False, soft_wrap=True)
                continue
            yield item

    with (
        open_store(db) as store,
        Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            TextColumn("{task.completed} pages"),
            TimeElapsedColumn(),
            console=err,
            disable=quiet or not err.is_terminal,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("pages", total=None)

        def advance(pages: int) -> None:
            progress.advance(task, pages)

        before = store.counts()
        # `rawi run --db`'s sink: the store's ingest (one transaction per batch, then the update hooks), with
        # the rows the workers made
        sink = StoreSink(store, batch_size=batch_size, hooks=default_hooks())
        sink.consume(analyzed(sink.prepare), advance)
        report = sink.report
        after = store.counts()
    if not quiet:
        table = Table(title=f"rawi ingest → {resolve_url(db)}", box=None)
        table.add_column("")
        table.add_column("added", justify="right")
        table.add_column("in the store", justify="right")
        for name, field in (
            ("pages", "pages"),
            ("articles", "articles"),
            ("removed lines", "removed_lines"),
            ("entities", "entities"),
            ("quotes", "quotes"),
            ("stories", "stories"),
            ("reuse links", "reuse_links"),
        ):
            now = getattr(after, field)
            table.add_row(name, str(now - getattr(before, field)), str(now))
        table.add_row("mentions", str(report.counts["mentions"]), "")
        table.add_row("duplicates (same text as a stored article)", str(report.counts["duplicates"]), "")
        table.add_row("unchanged pages (stored before)", str(report.counts["unchanged"]), "")
        if report.counts["replaced"]:
            table.add_row("re-analyzed pages (replaced)", str(report.counts["replaced"]), "")
        table.add_row("failures", str(failures), "")
        out.print(table)
    if failures:
        raise typer.Exit(code=1)


def search(
    query: str = typer.Argument(..., help='Words (all required), "a phrase", -excluded.'),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    outlet: str | None = typer.Option(None, "--outlet", help="Only this outlet (its id)."),
    entity: str | None = typer.Option(None, "--entity", help="Only articles naming this entity (its id)."),
    story: str | None = typer.Option(None, "--story", help="Only this story (its id)."),
    date_from: str | None = typer.Option(None, "--from", help="From this day, YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="To this day, YYYY-MM-DD."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=200),
    as_json: bool = typer.Option(False, "--json", help="One JSON object (the API's search response)."),
) -> None:
    """Search the stored articles in Arabic: light stemming, phrases, filters; best first."""
    filters = SearchFilters(outlet, entity, story, date_from, date_to)
    with open_store(db) as store:
        results = store.search(query, filters, limit=limit)
    if as_json:
        from dataclasses import asdict

        typer.echo(json.dumps(asdict(results), ensure_ascii=False))
        return
    more = "+" if results.total_is_lower_bound else ""
    out.print(f"{results.total}{more} articles for «{query}»", highlight=False)
    if results.entity:
        out.print(
            f"entity: {results.entity.canonical} ({results.entity.label}, id {results.entity.id})", highlight=False
        )
    for hit in results.items:
        title = hit.article.title or hit.article.lead[:80]
        where = hit.article.outlet.name if hit.article.outlet else hit.article.uri
        out.print(f"\n[bold]{_escape(title)}[/bold]  [dim]{_escape(where)} {hit.article.date or ''}[/dim]")
        out.print(_marked(hit.snippet, hit.highlights), highlight=False)
        out.print(f"[dim]{hit.article.id}  score {hit.score:.2f}  ({hit.matched} words)[/dim]")


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    parts, last = [], 0
    for a, b in spans:
        parts += [_escape(text[last:a]), "[bold yellow]", _escape(text[a:b]), "[/bold yellow]"]
        last = b
    parts.append(_escape(text[last:]))
    return "".join(parts)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"


def export(
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f", help="jsonl (stdout or --output), parquet."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (parquet needs one)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Write every stored page in the output schema of `rawi analyze` (one object per page)."""
    with open_store(db) as store:
        if fmt is ExportFormat.parquet:
            if output is None:
                raise typer.BadParameter("parquet needs a file: --output pages.parquet", param_hint="--output")
            n = write_parquet(store.export_pages(), output)
        elif output is None:
            n = write_jsonl(store.export_pages(), sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as fh:
                n = write_jsonl(store.export_pages(), fh)
    err.print(f"exported {n} pages", highlight=False)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    read_only: bool = typer.Option(
        False, "--read-only", envvar="RAWI_READ_ONLY", help="Public deployments: the store is opened read-only."
    ),
    workers: int = typer.Option(
        1, "--workers", "-w", min=1, help="Server processes (uvicorn workers); one per core uses every core."
    ),
) -> None:
    """Serve the dashboard (/) and the JSON API (/api/v1, documented at /docs)."""
    import os

    import uvicorn

    from rawi.web.app import SERVE_DB_ENV, SERVE_READ_ONLY_ENV, create_app, freeze_startup_objects

    url = resolve_url(db)
    # Opened here first, also with several workers: a bad store fails now, and migrations run once.
    app = create_app(url, read_only=read_only)
    if host not in ("127.0.0.1", "localhost", "::1") and not read_only:
        err.print(f"rawi: warning: listening on {host}, reachable from other machines; public? add --read-only")
    err.print(f"rawi: the dashboard is at http://{host}:{port}/ (API docs at /docs)", highlight=False)
    if workers == 1:
        freeze_startup_objects()
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    app.state.store.close()
    os.environ[SERVE_DB_ENV] = url
    os.environ[SERVE_READ_ONLY_ENV] = "1" if read_only else "0"
    uvicorn.run(
        "rawi.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port, log_level="warning"
    )
