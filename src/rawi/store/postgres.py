"""The team backend: PostgreSQL through psycopg 3, full-text search with tsvector and GIN.

psycopg is an optional extra (`pip install 'rawi[postgres]'`, LGPL-3.0), imported only when a
postgresql:// store is opened. Each thread gets its own connection in autocommit mode; a batch runs in
one explicit transaction. Migrations hold an advisory lock so that two processes never apply one twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from rawi.errors import UsageError
from rawi.store.rows import IndexDoc
from rawi.store.schema import VERSION_TABLE, migrations
from rawi.store.search import ParsedQuery, tsqueries, tsvector_text
from rawi.store.sql import SqlStore

_MIGRATION_LOCK = 0x7261776930  # "rawi0": any constant shared by every rawi process


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise UsageError("a postgresql:// store needs psycopg; install it with: pip install 'rawi[postgres]'") from None
    return psycopg


def _pg_sql(sql: str) -> str:
    # The shared SQL uses ? placeholders; psycopg wants %s, and a literal % doubled.
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(SqlStore):
    backend = "postgres"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self._psycopg = _psycopg()
        self._local = threading.local()
        self._connections: dict[threading.Thread, Any] = {}
        self._lock = threading.Lock()
        if not read_only:
            self._migrate()
        elif self._scalar("SELECT to_regclass('schema_version')") is None or self.schema_version() < max(
            v for v, _ in migrations("postgres")
        ):
            raise UsageError("the PostgreSQL store has no current rawi schema; run rawi ingest (without --read-only)")

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            try:
                # Read-only: the server refuses writes in every transaction this connection starts.
                options = {"options": "-c default_transaction_read_only=on"} if self.read_only else {}
                conn = self._psycopg.connect(self.url, autocommit=True, **options)
            except self._psycopg.OperationalError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
                raise UsageError(f"cannot connect to the PostgreSQL store ({first}); check --db or RAWI_DB") from None
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
        return self._conn().execute(_pg_sql(sql), tuple(params))

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self._conn().cursor() as cur:
                cur.executemany(_pg_sql(sql), rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._conn().transaction():
            yield

    def _migrate(self) -> None:
        with self._transaction():
            self._run("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            self._run(VERSION_TABLE)
            done = {v for (v,) in self._all("SELECT version FROM schema_version")}
            for version, statements in migrations("postgres"):
                if version in done:
                    continue
                for statement in statements:
                    self._run(statement)
                self._run(
                    "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
                    (version, datetime.now(UTC).isoformat(timespec="seconds")),
                )

    def generation(self) -> object:
        # Two equal snapshots (xmin:xmax:in-progress) see the same commits: any commit in between moves one.
        return self._scalar("SELECT pg_current_snapshot()::text")

    def schema_version(self) -> int:
        return int(self._scalar("SELECT max(version) FROM schema_version") or 0)

    # full-text index

    def _index(self, docs: list[tuple[int, IndexDoc]]) -> None:
        self._run_many(
            "INSERT INTO article_search (seq, tsv) VALUES (?, CAST(? AS tsvector))",
            [(seq, tsvector_text(d.title, d.body)) for seq, d in docs],
        )

    def _unindex(self, seqs: list[int]) -> None:
        if seqs:
            self._run("DELETE FROM article_search WHERE seq = ANY(?)", (list(seqs),))

    def _match_queries(self, parsed: ParsedQuery) -> tuple[str, str | None]:
        return tsqueries(parsed)

    def _search_rows(
        self, match: str, where: list[str], params: list[Any], offset: int, limit: int
    ) -> list[tuple[str, float]]:
        extra = "".join(f" AND {w}" for w in where)
        rows = self._all(
            "SELECT a.id, ts_rank_cd(s.tsv, q.q) AS score FROM (SELECT CAST(? AS tsquery) AS q) q "
            "JOIN article_search s ON s.tsv @@ q.q JOIN articles a ON a.seq = s.seq "
            f"WHERE TRUE{extra} ORDER BY score DESC, a.seq DESC LIMIT ? OFFSET ?",
            [match, *params, limit, offset],
        )
        return [(i, float(s)) for i, s in rows]

    def _search_count(self, match: str, where: list[str], params: list[Any], cap: int) -> int:
        extra = "".join(f" AND {w}" for w in where)
        join = " JOIN articles a ON a.seq = s.seq" if where else ""
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM article_search s{join} WHERE s.tsv @@ CAST(? AS tsquery)"
            f"{extra} LIMIT ?) x"
        )
        return int(self._scalar(sql, [match, *params, cap]))
