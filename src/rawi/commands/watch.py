"""`rawi watch`: poll outlet feeds politely, store each new page once, raise watchlist alerts."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from rawi.store import open_store, resolve_url

if TYPE_CHECKING:
    from rawi.watch.poller import RoundReport
    from rawi.watch.state import WatchState

out = Console()
err = Console(stderr=True)


def watch(
    feeds_file: Path = typer.Argument(..., help="Feed URLs, one per line (or JSON/TOML {feeds = [{url, name}]})."),
    db: str | None = typer.Option(None, "--db", help="The store (default: $RAWI_DB, else ./rawi.db)."),
    watchlist: Path | None = typer.Option(None, "--watchlist", help="TOML/JSON watches: speakers, entities, keywords."),
    once: bool = typer.Option(False, "--once", help="One poll round, then exit."),
    interval: float = typer.Option(300.0, "--interval", min=1.0, help="Seconds between the starts of two rounds."),
    webhook: str | None = typer.Option(None, "--webhook", help="POST each alert (JSON) to this URL."),
    alerts_atom: Path | None = typer.Option(None, "--alerts-atom", help="Write the latest alerts to this Atom file."),
    state: Path | None = typer.Option(None, "--state", help="Watch state file (default: beside the store, .watch)."),
    min_delay: float = typer.Option(1.0, "--min-delay", min=0.0, help="Seconds between two requests to one host."),
    timeout: float = typer.Option(20.0, "--timeout", min=0.1, help="Seconds before a request is given up."),
    max_bytes: int = typer.Option(10_000_000, "--max-bytes", min=1, help="Largest body accepted."),
    backoff: float = typer.Option(60.0, "--backoff", min=0.0, help="First back-off of a failing host (doubles)."),
    threads: int = typer.Option(16, "--threads", min=1, help="Hosts fetched at the same time."),
    batch_size: int = typer.Option(50, "--batch-size", min=1, help="Pages per store transaction."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table after each round."),
) -> None:
    """Poll feeds; fetch, analyze and store every new item's page once; alert on watchlist matches."""
    # Imported here: every other rawi command starts without the HTTP client.
    from rawi.watch.config import WatchOptions, load_feeds
    from rawi.watch.poller import Watcher
    from rawi.watch.state import WatchState, state_path_for
    from rawi.watch.watchlist import load_watchlist

    feeds = load_feeds(feeds_file)
    watches = load_watchlist(watchlist) if watchlist else []
    options = WatchOptions(
        min_delay=min_delay,
        timeout=timeout,
        max_bytes=max_bytes,
        backoff_base=backoff,
        threads=threads,
        batch_size=batch_size,
    )
    url = resolve_url(db)
    failed = False
    with (
        open_store(url) as store,
        _closing(WatchState(state or state_path_for(url))) as watch_state,
        Watcher(
            store,
            watch_state,
            feeds,
            options,
            watches=watches,
            atom_path=alerts_atom,
            webhook_url=webhook,
            on_progress=_status_line() if not quiet and err.is_terminal else None,
        ) as watcher,
    ):
        try:
            while True:
                started = time.monotonic()
                report = watcher.round()
                failed = bool(report.counts["failures"])
                if not quiet:
                    _print_round(report, len(feeds))
                if once:
                    break
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:  # Ctrl-C between or inside rounds: what is committed stays (state.py)
            err.print("rawi watch: stopped", highlight=False)
    if failed:
        raise typer.Exit(code=1)


class _closing:
    def __init__(self, state: WatchState) -> None:
        self.state = state

    def __enter__(self) -> WatchState:
        return self.state

    def __exit__(self, *exc: object) -> None:
        self.state.close()


def _status_line():
    last = [0.0]

    def show(counts: Counter[str]) -> None:
        now = time.monotonic()
        if now - last[0] > 0.5:
            last[0] = now
            err.print(
                f"\r[dim]watch: {counts['feeds polled']} feeds, {counts['pages fetched']} pages fetched, "
                f"{counts['pages stored']} stored, {counts['failures']} failures[/dim]",
                end="",
                highlight=False,
            )

    return show


def _print_round(report: RoundReport, feeds: int) -> None:
    from rawi.watch.poller import COUNTS

    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    table = Table(title=f"rawi watch: round at {stamp}, {report.seconds:.1f} s", box=None)
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("feeds", str(feeds))
    for name in COUNTS:
        table.add_row(name, str(report.counts[name]))
    if report.seconds > 0:
        table.add_row("pages/s", f"{report.counts['pages stored'] / report.seconds:.1f}")
    out.print(table)
    for line in report.failures[:50]:
        err.print(f"[red]failed:[/red] {line}", highlight=False, soft_wrap=True)
    if len(report.failures) > 50:
        err.print(f"… and {len(report.failures) - 50} more failures", highlight=False)
    for host, status in sorted(report.backed_off.items()):
        until = datetime.fromtimestamp(status.retry_at, UTC).isoformat(timespec="seconds")
        err.print(
            f"[yellow]backed off:[/yellow] {host} until {until} ({status.failures} failures; {status.last_error})",
            highlight=False,
            soft_wrap=True,
        )
