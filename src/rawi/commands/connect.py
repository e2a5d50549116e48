"""`rawi dedup`, `rawi reuse`, `rawi provenance`: thin commands over rawi.connect."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from rawi.connect.dedup import DedupParams, DedupResult, dedup_paths
from rawi.connect.minhash import LSHParams
from rawi.connect.provenance import Provenance, provenance_paths
from rawi.connect.reuse import ReuseParams, find_reuse_paths
from rawi.errors import InputError, UsageError

out = Console()
err = Console(stderr=True)

PATHS_HELP = "Files or directories: text, HTML, RSS/Atom, WARC, JSONL(.gz)."
JOBS_HELP = "Worker processes (0: one per core)."


class TableOrJsonl(str, Enum):
    table = "table"
    jsonl = "jsonl"


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


def _report(title: str, counts: Iterable[tuple[str, int]], errors: list[InputError], quiet: bool) -> None:
    """Closing counts on stderr, and the inputs that could not be read (the first few, then how many)."""
    for e in errors[:5]:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
    if len(errors) > 5:
        err.print(f"[red]error:[/red] … and {len(errors) - 5} more unreadable inputs", highlight=False)
    if quiet:
        return
    table = Table(title=title, show_header=False, box=None)
    for name, count in counts:
        table.add_row(name, str(count))
    err.print(table)


def dedup(
    paths: list[Path] = typer.Argument(..., help=PATHS_HELP),
    fmt: TableOrJsonl = typer.Option(TableOrJsonl.table, "--format", "-f", help="A readable table, or JSONL."),
    threshold: float = typer.Option(0.8, "--threshold", "-t", min=0.05, max=1.0, help="Jaccard of near duplicates."),
    shingle: int = typer.Option(5, "--shingle", min=1, max=20, help="Words per shingle."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help=JOBS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No closing counts."),
) -> None:
    """Groups of exact and near-duplicate texts (Jaccard of word shingles), earliest member first.

    Works on the text as read: no segmentation or annotation is needed to compare texts."""
    params = DedupParams(shingle=shingle, threshold=threshold, lsh=LSHParams())
    result = dedup_paths([str(p) for p in paths], params, jobs or None)
    write = sys.stdout.write
    if fmt is TableOrJsonl.jsonl:
        for k, group in enumerate(result.groups, 1):
            write(json.dumps(result.group_json(k, group), ensure_ascii=False) + "\n")
    else:
        write(_dedup_table(result))
    _report("rawi dedup", result.counts.items(), result.corpus.errors, quiet)


def _dedup_table(result: DedupResult) -> str:
    c = result.corpus
    lines = []
    for k, g in enumerate(result.groups, 1):
        lines.append(f"group {k}: {g.kind}, {len(g.members)} texts")
        for m, jac, con in zip(g.members, g.jaccard, g.containment, strict=True):
            lines.append(
                f"  {c.times[m] or '-':<19.19}  {c.outlets[m] or '-':<14.14}  J={jac:.2f} C={con:.2f}  {c.ids[m]}"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def reuse(
    sources: Path = typer.Argument(..., help="Source texts: a file or a directory. " + PATHS_HELP),
    targets: Path = typer.Argument(..., help="Texts that may reuse them: a file or a directory."),
    fmt: TableOrJsonl = typer.Option(TableOrJsonl.table, "--format", "-f", help="A readable table, or JSONL."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help=JOBS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No closing counts."),
) -> None:
    """Passages of TARGETS reused from SOURCES, verbatim, edited or shuffled: one line per passage.

    JSONL: {"source", "target", "source_start", "source_end", "target_start", "target_end", "score"}; an id
    is the file path for plain text (the URL for feeds and JSONL) and offsets are characters of the text as
    read, before any normalization."""
    for path in (sources, targets):
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    errors: list[InputError] = []
    found = 0
    write = sys.stdout.write
    for r in find_reuse_paths(
        [sources], [targets], params=ReuseParams(), jobs=jobs or os.cpu_count() or 1, errors=errors
    ):
        found += 1
        if fmt is TableOrJsonl.jsonl:
            write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
        else:
            p = r.passage
            write(
                f"{r.target} [{p.target_start}:{p.target_end}]  <-  {r.source} [{p.source_start}:{p.source_end}]"
                f"  score {p.score:.2f}\n"
            )
    _report("rawi reuse", [("passages", found), ("failures", len(errors))], errors, quiet)


def provenance(
    paths: list[Path] = typer.Argument(..., help=PATHS_HELP),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", "-f", help="Tables, or one JSON object."),
    links: Path | None = typer.Option(None, "--links", help="Also write one JSON line per republishing article."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help=JOBS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No closing counts."),
) -> None:
    """Who republished whose text and whether they credited it: the outlet-to-outlet graph.

    The earlier article is the source (published, then crawl time); the origin is the agency whose wire
    it is, else the source's outlet; a reuse is credited when the later article names either."""
    errors: list[InputError] = []
    result = provenance_paths([str(p) for p in paths], jobs=jobs or None, errors=errors)
    if links is not None:
        with links.open("w", encoding="utf-8") as f:
            for link in result.links():
                f.write(json.dumps(link, ensure_ascii=False) + "\n")
    if fmt is TableOrJson.json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        _provenance_tables(result)
    _report("rawi provenance", [*result.counts.items(), ("failures", len(errors))], errors, quiet)


def _provenance_tables(result: Provenance) -> None:
    origins = Table(title="Origins of republished text")
    for col in ("origin", "republished", "credited", "uncredited", "outlets"):
        origins.add_column(col, justify="left" if col == "origin" else "right")
    for row in result.origins():
        origins.add_row(
            row["origin"], str(row["republished"]), str(row["credited"]), str(row["uncredited"]), str(row["outlets"])
        )
    out.print(origins)
    outlets = Table(title="Republishing outlets: how much of what they republish is credited")
    for col in ("outlet", "articles", "republished", "credited", "uncredited", "credited %", "main origins"):
        outlets.add_column(col, justify="left" if col in ("outlet", "main origins") else "right")
    for row in result.outlets():
        outlets.add_row(
            row["outlet"],
            str(row["articles"]),
            str(row["republished"]),
            str(row["credited"]),
            str(row["uncredited"]),
            f"{100 * row['credited_share']:.0f}%",
            ", ".join(f"{o['origin']} {o['articles']}" for o in row["top_origins"]),
        )
    out.print(outlets)
    edges = Table(title="Outlet graph: origin → republishing outlet")
    for col in ("origin", "outlet", "articles", "credited", "uncredited"):
        edges.add_column(col, justify="left" if col in ("origin", "outlet") else "right")
    for e in result.edges:
        edges.add_row(e.origin, e.outlet, str(e.articles), str(e.credited), str(e.uncredited))
    out.print(edges)
