"""What a watch remembers between rounds and restarts, in its own SQLite file beside the store.

Why not a migration of the store: this is the crawler's memory (validators, items seen, host back-off,
alerts sent), not news. Kept apart it works the same whatever the store (SQLite or PostgreSQL), never
races other stages' schema versions, and deleting it only means "poll from scratch" (the store's ingest
is idempotent, so nothing is stored twice). Ordering makes a SIGKILL harmless: a feed's new items are
recorded as pending in the same transaction as its validators, and an item is marked done only after
its page is committed to the store; on restart pending items are fetched (or found in the store).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rawi.errors import UsageError
from rawi.watch.hosts import HostStatus
from rawi.watch.http import Validators

_SCHEMA = """
CREATE TABLE IF NOT EXISTS validators (
  url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
  url TEXT PRIMARY KEY, feed TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
  added REAL NOT NULL, updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS items_status ON items(status);
CREATE TABLE IF NOT EXISTS hosts (
  host TEXT PRIMARY KEY, failures INTEGER NOT NULL, retry_at REAL NOT NULL, last_error TEXT
);
CREATE TABLE IF NOT EXISTS alerts (
  watch TEXT NOT NULL, article_id TEXT NOT NULL, created REAL NOT NULL, entry TEXT NOT NULL,
  webhook_done INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (watch, article_id)
);
"""


def state_path_for(store_url: str) -> Path:
    """`rawi.db` → `rawi.db.watch` beside it; a PostgreSQL store → ./rawi-watch.db."""
    from rawi.store.sqlite import sqlite_path

    if store_url.startswith(("postgresql://", "postgres://")):
        return Path("rawi-watch.db")
    path = sqlite_path(store_url)
    return path.with_name(path.name + ".watch")


class WatchState:
    """Used from one thread (the poller's main loop); the fetch threads never touch it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")  # a committed write survives a killed process
            self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"{path}: not a rawi watch state file ({exc}); remove it or choose --state") from None

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # validators (feeds and pages)

    def validators(self, url: str) -> Validators:
        row = self.conn.execute("SELECT etag, last_modified FROM validators WHERE url = ?", (url,)).fetchone()
        return Validators(*row) if row else Validators()

    def _put_validators(self, conn: sqlite3.Connection, url: str, v: Validators) -> None:
        conn.execute(
            "INSERT INTO validators (url, etag, last_modified, checked) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "checked = excluded.checked",
            (url, v.etag, v.last_modified, time.time()),
        )

    # items

    def record_feed(self, feed_url: str, validators: Validators | None, item_urls: Iterable[str]) -> list[str]:
        """One transaction: the feed's items become pending (those seen before keep their status), then its
        validators. Returns the feed's items that are still pending."""
        urls = list(item_urls)
        now = time.time()
        with self._tx() as conn:
            conn.executemany(
                "INSERT INTO items (url, feed, status, added, updated) VALUES (?, ?, 'pending', ?, ?) "
                "ON CONFLICT (url) DO NOTHING",
                [(u, feed_url, now, now) for u in urls],
            )
            if validators is not None:
                self._put_validators(conn, feed_url, validators)
        return self.pending_among(urls)

    def pending_among(self, urls: list[str]) -> list[str]:
        pending: set[str] = set()
        for start in range(0, len(urls), 500):
            part = urls[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(f"SELECT url FROM items WHERE status = 'pending' AND url IN ({marks})", part)
            pending.update(r[0] for r in rows)
        return [u for u in urls if u in pending]

    def pending(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT url FROM items WHERE status = 'pending' ORDER BY added, url")]

    def mark_failed(self, url: str, reason: str) -> None:
        """A page that will not become an article (404, no text): not fetched again."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE items SET status = 'failed', reason = ?, updated = ? WHERE url = ?", (reason, time.time(), url)
            )

    def item_counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall())

    # hosts

    def hosts(self) -> dict[str, HostStatus]:
        rows = self.conn.execute("SELECT host, failures, retry_at, last_error FROM hosts")
        return {h: HostStatus(f, r, e) for h, f, r, e in rows}

    def put_host(self, host: str, status: HostStatus | None) -> None:
        with self._tx() as conn:
            if status is None:
                conn.execute("DELETE FROM hosts WHERE host = ?", (host,))
            else:
                conn.execute(
                    "INSERT INTO hosts (host, failures, retry_at, last_error) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (host) DO UPDATE SET failures = excluded.failures, retry_at = excluded.retry_at, "
                    "last_error = excluded.last_error",
                    (host, status.failures, status.retry_at, status.last_error),
                )

    # alerts

    def add_alerts_and_done(
        self, alerts: Iterable[tuple[str, str, dict[str, Any]]], done: Iterable[tuple[str, Validators | None]]
    ) -> int:
        """One transaction, called only after the pages are committed to the store: their alerts
        (watch, article_id, entry; one already raised is not raised again) and their items marked done.
        Returns how many alerts are new."""
        now = time.time()
        with self._tx() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT INTO alerts (watch, article_id, created, entry) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(w, a, now, json.dumps(e, ensure_ascii=False)) for w, a, e in alerts],
            )
            added = conn.total_changes - before
            for url, v in done:
                conn.execute("UPDATE items SET status = 'done', reason = NULL, updated = ? WHERE url = ?", (now, url))
                if v is not None and (v.etag or v.last_modified):
                    self._put_validators(conn, url, v)
        return added

    def recent_alerts(self, limit: int = 200) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT entry FROM alerts ORDER BY created DESC, rowid DESC LIMIT ?", (limit,))
        return [json.loads(r[0]) for r in rows]

    def undelivered_webhook(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT entry FROM alerts WHERE webhook_done = 0 ORDER BY created, rowid")
        return [json.loads(r[0]) for r in rows]

    def webhook_delivered(self, keys: Iterable[tuple[str, str]]) -> None:
        with self._tx() as conn:
            conn.executemany("UPDATE alerts SET webhook_done = 1 WHERE watch = ? AND article_id = ?", list(keys))
