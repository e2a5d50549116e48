"""Where a local run writes: the store, or JSON Lines in a folder; and the errors file beside either.

Both sinks resume. The store knows its pages by id (a page stored by an interrupted run is skipped, and
its ingest is idempotent anyway). The folder keeps a ledger: after each batch of pages is appended to
pages.jsonl and flushed, one ledger line records the batch's page ids and the file's new length. A run
killed between the two leaves lines past the last recorded length; the next run cuts them off and does
those pages again, so every page is written exactly once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from rawi.engine.stages import PageFailure
from rawi.engine.stream import IdSet, chunked
from rawi.model import SegmentedPage
from rawi.store.base import IngestReport, Store, UpdateHook
from rawi.store.rows import PageRows, page_rows
from rawi.store.sql import SqlStore

PAGES = "pages.jsonl"
LEDGER = "done.jsonl"
ERRORS = "errors.jsonl"


class ErrorLog:
    """JSON Lines, one per input or page that failed: {"uri", "page_id", "stage", "reason"}. Rewritten by
    every run: a resumed run meets the same bad inputs again (failed pages are never marked done)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: IO[str] | None = None

    def write(self, failure: PageFailure) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8")
        self._fh.write(json.dumps(failure.to_json(), ensure_ascii=False) + "\n")
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        elif self.path.exists():  # a clean run leaves no stale errors from an earlier one
            self.path.unlink()


OnBatch = Callable[[int], None]  # pages written
Analyzed = tuple[SegmentedPage, Any]  # a page and what the sink's `prepare` made of it (None without)


class Sink(Protocol):
    # What the sink writes of a page, made by the worker that analyzed it (a module-level function, so that
    # it pickles), or None: the one process that writes then does little more than write.
    prepare: Callable[[SegmentedPage], Any] | None

    def done_among(self, page_ids: Sequence[str]) -> set[str]:
        """Those of `page_ids` a finished run has already written."""
        ...

    def consume(self, pages: Iterable[Analyzed], on_batch: OnBatch) -> None:
        """Write every page, in batches; call `on_batch` after each one is safely written."""
        ...


def store_rows(page: SegmentedPage) -> PageRows:
    """A page's rows for an SQL store (its full-text stems, fingerprint, entity rows): run in a worker."""
    return page_rows(page, datetime.now(UTC).isoformat(timespec="seconds"))


def jsonl_line(page: SegmentedPage) -> bytes:
    """A page's line of pages.jsonl: run in a worker."""
    return json.dumps(page.to_json(), ensure_ascii=False).encode() + b"\n"


def stored_page_ids(store: Store, page_ids: Sequence[str]) -> set[str]:
    """The ids among `page_ids` that the store holds."""
    if not page_ids:
        return set()
    if isinstance(store, SqlStore):  # both backends; the store has no public lookup by page id yet
        found: set[str] = set()
        for start in range(0, len(page_ids), 500):
            part = list(page_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            found.update(row[0] for row in store._all(f"SELECT id FROM pages WHERE id IN ({marks})", part))
        return found
    return set()  # an unknown store: redo everything (its ingest is idempotent)


class StoreSink:
    def __init__(self, store: Store, *, batch_size: int = 200, hooks: Sequence[UpdateHook] = ()) -> None:
        self.store = store
        self.batch_size = batch_size
        self.hooks = hooks
        self.report = IngestReport()
        self.prepare: Callable[[SegmentedPage], Any] | None = store_rows if isinstance(store, SqlStore) else None

    def done_among(self, page_ids: Sequence[str]) -> set[str]:
        return stored_page_ids(self.store, page_ids)

    def consume(self, pages: Iterable[Analyzed], on_batch: OnBatch) -> None:
        store = self.store
        if not isinstance(store, SqlStore):

            def batch_done(report: IngestReport) -> None:
                on_batch(report.counts["pages"] + report.counts["unchanged"])

            only = (page for page, _ in pages)
            self.report = store.ingest(only, batch_size=self.batch_size, hooks=self.hooks, on_batch=batch_done)
            return
        # SqlStore.ingest, with the rows the workers made: one transaction per batch, then the hooks
        total = IngestReport()
        written = False
        for batch in chunked(pages, self.batch_size):
            report = store.write_batch([page for page, _ in batch], [rows for _, rows in batch])
            store.run_hooks(self.hooks, report)  # after the commit: a failing hook never loses stored pages
            total.merge(report)
            total.new_article_ids.extend(report.new_article_ids)
            on_batch(report.counts["pages"] + report.counts["unchanged"])
            written = True
        if not written and self.hooks:  # hooks left behind by an earlier run catch up even when nothing is new
            store.run_hooks(self.hooks, total)
        self.report = total


class JsonlSink:
    """pages.jsonl (one page per line, the output schema of `rawi analyze`) and its ledger in `folder`."""

    def __init__(self, folder: Path, *, batch_size: int = 200, fsync: bool = True) -> None:
        self.folder = folder
        self.batch_size = batch_size
        self.fsync = fsync
        self.prepare: Callable[[SegmentedPage], Any] | None = jsonl_line
        folder.mkdir(parents=True, exist_ok=True)
        self.pages_path = folder / PAGES
        self.ledger_path = folder / LEDGER
        self.done = IdSet()
        self.resumed = 0  # pages a previous run finished
        self._recover()

    def _recover(self) -> None:
        """Keep what the ledger vouches for: its complete lines, and pages.jsonl up to the length it records."""
        end = 0
        kept = 0  # bytes of the ledger that are whole lines
        if self.ledger_path.exists():
            with self.ledger_path.open("rb") as fh:
                for line in fh:
                    if not line.endswith(b"\n"):
                        break
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        break
                    kept += len(line)
                    end = int(entry["end"])
                    for page_id in entry["ids"]:
                        self.done.add(page_id)
            os.truncate(self.ledger_path, kept)
        if self.pages_path.exists() and self.pages_path.stat().st_size != end:
            os.truncate(self.pages_path, end)
        self.resumed = len(self.done)

    def done_among(self, page_ids: Sequence[str]) -> set[str]:
        return {i for i in page_ids if i in self.done}

    def consume(self, pages: Iterable[Analyzed], on_batch: OnBatch) -> None:
        with self.pages_path.open("ab") as out, self.ledger_path.open("ab") as ledger:
            batch: list[Analyzed] = []
            for page, line in pages:
                if page.page.id in self.done:  # the same page twice in the input: written once
                    continue
                self.done.add(page.page.id)
                batch.append((page, line))
                if len(batch) >= self.batch_size:
                    self._write(batch, out, ledger)
                    on_batch(len(batch))
                    batch = []
            if batch:
                self._write(batch, out, ledger)
                on_batch(len(batch))

    def _write(self, batch: list[Analyzed], out: IO[bytes], ledger: IO[bytes]) -> None:
        data = b"".join(line if line is not None else jsonl_line(p) for p, line in batch)
        out.write(data)
        out.flush()
        if self.fsync:
            os.fsync(out.fileno())
        entry = {"end": out.tell(), "ids": [p.page.id for p, _ in batch]}
        ledger.write(json.dumps(entry).encode() + b"\n")
        ledger.flush()
