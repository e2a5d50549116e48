"""The embedded backend: one SQLite file in WAL mode, full-text search with FTS5.

WAL lets the dashboard read while an ingest writes; `synchronous=NORMAL` keeps every committed batch
through a crash of the process. Each thread gets its own connection (the web server answers from a pool
of threads); writes take the database lock for the length of one batch.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rawi.errors import UsageError
from rawi.store.rows import IndexDoc
from rawi.store.schema import VERSION_TABLE, migrations
from rawi.store.search import ParsedQuery, fts5_queries
from rawi.store.sql import SqlStore

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 30000",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -65536",  # 64 MiB of page cache per connection
    "PRAGMA mmap_size = 268435456",
)
_RANK = "bm25(article_search, 4.0, 4.0, 1.0, 1.0)"  # title words weigh four times body words


def sqlite_path(url: str) -> Path:
    """The file of a SQLite store URL: `sqlite:///abs/path`, `sqlite:rel/path` or a plain path."""
    for prefix in ("sqlite:///", "sqlite://", "sqlite:"):
        if url.startswith(prefix):
            url = ("/" if prefix == "sqlite:///" else "") + url[len(prefix) :]
            break
    if not url:
        raise UsageError("an empty SQLite path; give a file such as ./rawi.db")
    return Path(url)


class SqliteStore(SqlStore):
    backend = "sqlite"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self.path = sqlite_path(url)
        if not self.path.parent.exists():
            raise UsageError(
                f"{self.path}: the folder {self.path.parent} does not exist; create it or choose another --db"
            )
        self._local = threading.local()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        if read_only:  # never create or migrate: only an existing, current store is served
            self._check_schema()
        else:
            self._migrate()

    # connections and transactions

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                if self.read_only:  # mode=ro: SQLite itself refuses writes; query_only as a second lock
                    target, pragmas = (
                        f"{self.path.resolve().as_uri()}?mode=ro",
                        (*_PRAGMAS[1:], "PRAGMA query_only = ON"),
                    )
                else:
                    target, pragmas = str(self.path), _PRAGMAS
                conn = sqlite3.connect(
                    target, isolation_level=None, check_same_thread=False, timeout=30, uri=self.read_only
                )
                for pragma in pragmas:
                    conn.execute(pragma)
            except sqlite3.DatabaseError as exc:
                raise UsageError(f"{self.path}: not a rawi SQLite store ({exc})") from None
            self._local.conn = conn
            with self._lock:
                # A thread that ended (servers retire idle worker threads) leaves its connection here: close it.
                for ended in [t for t in self._connections if not t.is_alive()]:
                    self._connections.pop(ended).close()
                self._connections[threading.current_thread()] = conn
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._connections.values():
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn().execute(sql, tuple(params))

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._conn().executemany(sql, rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        conn = self._conn()
        if conn.in_transaction:  # nested: the outer transaction decides
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _migrate(self) -> None:
        try:
            self._run(VERSION_TABLE)
            done = {v for (v,) in self._all("SELECT version FROM schema_version")}
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"{self.path}: not a rawi SQLite store ({exc})") from None
        for version, statements in migrations("sqlite"):
            if version in done:
                continue
            with self._transaction():
                if self._scalar("SELECT count(*) FROM schema_version WHERE version = ?", (version,)):
                    continue  # another process got there first
                for statement in statements:
                    self._run(statement)
                self._run(
                    "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
                    (version, datetime.now(UTC).isoformat(timespec="seconds")),
                )

    def _check_schema(self) -> None:
        if not self.path.is_file():
            raise UsageError(f"{self.path}: no such store; read-only mode never creates one (run rawi ingest first)")
        try:
            version = self.schema_version()
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"{self.path}: not a rawi SQLite store ({exc})") from None
        if version < max(v for v, _ in migrations("sqlite")):
            raise UsageError(f"{self.path}: an older schema; open it once without --read-only to migrate it")

    def generation(self) -> object:
        # data_version moves when another connection commits; total_changes when this one writes
        conn = self._conn()
        return id(conn), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def schema_version(self) -> int:
        return int(self._scalar("SELECT max(version) FROM schema_version") or 0)

    # full-text index

    def _index(self, docs: list[tuple[int, IndexDoc]]) -> None:
        self._run_many(
            "INSERT INTO article_search (rowid, title, title_clitic, body, body_clitic) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    seq,
                    " ".join(s for s, _ in d.title),
                    " ".join(c for _, c in d.title),
                    " ".join(s for s, _ in d.body),
                    " ".join(c for _, c in d.body),
                )
                for seq, d in docs
            ],
        )

    def _unindex(self, seqs: list[int]) -> None:
        for start in range(0, len(seqs), 500):
            part = seqs[start : start + 500]
            self._run(f"DELETE FROM article_search WHERE rowid IN ({','.join('?' * len(part))})", part)

    def _match_queries(self, parsed: ParsedQuery) -> tuple[str, str | None]:
        return fts5_queries(parsed)

    def _search_rows(
        self, match: str, where: list[str], params: list[Any], offset: int, limit: int
    ) -> list[tuple[str, float]]:
        if not where:  # rank inside FTS5 first, then read only the top rows of `articles`
            rows = self._all(
                f"SELECT a.id, m.score FROM (SELECT rowid, -{_RANK} AS score FROM article_search "
                "WHERE article_search MATCH ? ORDER BY score DESC, rowid DESC LIMIT ? OFFSET ?) m "
                "JOIN articles a ON a.seq = m.rowid ORDER BY m.score DESC, a.seq DESC",
                [match, limit, offset],
            )
        else:  # CROSS JOIN keeps FTS5 the outer loop: the filters only look at matching rows
            extra = "".join(f" AND {w}" for w in where)
            rows = self._all(
                f"SELECT a.id, -{_RANK} AS score FROM article_search CROSS JOIN articles a "
                f"ON a.seq = article_search.rowid WHERE article_search MATCH ?{extra} "
                "ORDER BY score DESC, a.seq DESC LIMIT ? OFFSET ?",
                [match, *params, limit, offset],
            )
        return [(i, float(s)) for i, s in rows]

    def _search_count(self, match: str, where: list[str], params: list[Any], cap: int) -> int:
        if not where:
            sql = "SELECT count(*) FROM (SELECT 1 FROM article_search WHERE article_search MATCH ? LIMIT ?)"
            return int(self._scalar(sql, [match, cap]))
        extra = "".join(f" AND {w}" for w in where)
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM article_search CROSS JOIN articles a ON a.seq = article_search.rowid "
            f"WHERE article_search MATCH ?{extra} LIMIT ?)"
        )
        return int(self._scalar(sql, [match, *params, cap]))
