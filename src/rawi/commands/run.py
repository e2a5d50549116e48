"""`rawi run`: a whole corpus through the pipeline, on all cores (local) or on a Spark cluster."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from rawi.errors import UsageError

out = Console()
err = Console(stderr=True)


class Engine(str, Enum):
    local = "local"
    spark = "spark"


def workers_for(n: int) -> int:
    """0 means one worker per core this process may use."""
    if n > 0:
        return n
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(
    paths: list[Path] = typer.Argument(..., help="Files or directories: text, HTML, RSS/Atom, WARC, JSONL(.gz)."),
    engine: Engine = typer.Option(Engine.local, "--engine", "-e", help="local (all cores) or spark."),
    db: str | None = typer.Option(
        None, "--db", help="Store to write (local engine; default $RAWI_DB, else ./rawi.db) unless --out is given."
    ),
    out_dir: Path | None = typer.Option(
        None, "--out", "-o", help="Folder to write instead of a store: JSONL (local) or Parquet (spark)."
    ),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Worker processes (0: one per core)."),
    batch_size: int = typer.Option(200, "--batch-size", min=1, help="Pages per store transaction or ledger entry."),
    learn_boilerplate: bool = typer.Option(
        True, "--learn-boilerplate/--no-learn-boilerplate", help="First pass: learn lines that recur per outlet."
    ),
    redo: bool = typer.Option(False, "--redo", help="Analyze pages an earlier run finished again."),
    errors: Path | None = typer.Option(
        None, "--errors", help="Where failed inputs go, one JSON line each (default: beside the output)."
    ),
    master: str = typer.Option("local[*]", "--master", help="Spark master URL (spark engine)."),
    partitions: int = typer.Option(0, "--partitions", min=0, help="Spark partitions (0: one per input file)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing table."),
) -> None:
    """Run the whole pipeline over a corpus. Resumable: run it again after an interruption and it goes
    on where it stopped, writing every page once. Failed inputs go to an errors file; the run goes on."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    if engine is Engine.spark:
        if out_dir is None:
            raise UsageError("the spark engine writes Parquet to a folder: give --out DIR")
        from rawi.engine.spark import run_spark

        counts = run_spark(
            [str(p) for p in paths], out_dir, master=master, partitions=partitions, learn=learn_boilerplate
        )
        if not quiet:
            _table(f"rawi run --engine spark → {out_dir}", list(counts.items()))
        if counts.get("failures"):
            raise typer.Exit(code=1)
        return
    _run_local(paths, db, out_dir, workers_for(workers), batch_size, learn_boilerplate, redo, errors, quiet)


def _run_local(
    paths: list[Path],
    db: str | None,
    out_dir: Path | None,
    workers: int,
    batch_size: int,
    learn: bool,
    redo: bool,
    errors: Path | None,
    quiet: bool,
) -> None:
    from rawi.engine.folder import corpus_stages
    from rawi.engine.progress import run_progress
    from rawi.engine.runner import RunOptions, run_local
    from rawi.engine.sinks import ERRORS, ErrorLog, JsonlSink, StoreSink
    from rawi.store import open_store, resolve_url
    from rawi.store.hooks import default_hooks

    options = RunOptions(workers=workers, learn=learn, redo=redo)
    extra: list[tuple[str, int]] = []
    with run_progress(err, enabled=not quiet and err.is_terminal) as progress:
        if out_dir is not None:
            sink = JsonlSink(out_dir, batch_size=batch_size)
            log = ErrorLog(errors or out_dir / ERRORS)
            report = run_local([str(p) for p in paths], sink, log, options, progress)
            extra = list(corpus_stages(out_dir).items())
            where = str(out_dir)
        else:
            url = resolve_url(db)
            log = ErrorLog(errors or _errors_beside(url))
            with open_store(url) as store:
                sink = StoreSink(store, batch_size=batch_size, hooks=default_hooks())
                report = run_local([str(p) for p in paths], sink, log, options, progress)
            extra = [(k, v) for k, v in sink.report.counts.items() if k not in ("pages", "articles")]
            where = url
    if not quiet:
        rows = [
            ("pages read", report.read),
            ("pages written", report.written),
            ("done by an earlier run (skipped)", report.skipped),
            ("repeated in the inputs (skipped)", report.repeated),
            *[(k, v) for k, v in report.stats.rows() if k != "pages" and (v or k in ("articles", "failures"))],
            *extra,
            ("workers", workers),
            ("seconds", round(report.seconds, 1)),
        ]
        _table(f"rawi run → {where}", rows)
        if report.errors:
            err.print(f"{report.errors} failed inputs: see {log.path}", highlight=False)
    if report.errors:
        raise typer.Exit(code=1)


def _errors_beside(url: str) -> Path:
    if url.startswith(("postgresql://", "postgres://")):
        return Path("rawi-errors.jsonl")
    from rawi.store.sqlite import sqlite_path

    path = sqlite_path(url)
    return path.with_name(path.name + ".errors.jsonl")


def _table(title: str, rows: list[tuple[str, object]]) -> None:
    table = Table(title=title, show_header=False, box=None)
    for name, value in rows:
        table.add_row(name, str(value))
    err.print(table)
