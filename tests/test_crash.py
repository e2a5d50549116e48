"""Crash safety of `rawi ingest`: killed with SIGKILL at random points inside its batches, then run again,
the store is intact and holds every page exactly once, as a clean run does.

tests/test_engine.py covers `rawi run` (the parallel engine) killed once; this kills the plain `rawi ingest`
several times over, on SQLite and PostgreSQL, and checks the store itself: integrity, duplicates, orphan
rows, and entity counts equal to a run that was never interrupted.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from rawi.errors import InputError
from rawi.model import Page
from rawi.read import iter_pages
from rawi.segment import segment_page
from storekit import BACKENDS, PG_URL, head_of_day, reset_postgres

RAWI = [sys.executable, "-m", "rawi"]
RECORDS = 400
KILLS = 3
SEED = int(os.environ.get("RAWI_CRASH_SEED", "9"))


def ingest_command(corpus: Path, url: str) -> list[str]:
    # Small batches, so that a kill lands inside one more often than between two.
    return [*RAWI, "ingest", str(corpus), "--db", url, "--batch-size", "15", "--no-learn-boilerplate", "-q"]


@pytest.fixture(scope="module")
def corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return head_of_day(shared, "2015-07-23", RECORDS, tmp_path_factory.mktemp("crash") / "sns.jsonl.gz")


@pytest.fixture(scope="module")
def expected(corpus: Path) -> dict[str, Any]:
    items = list(iter_pages([corpus]))
    pages = [p for p in items if isinstance(p, Page)]
    return {
        "pages": {p.id for p in pages},
        "articles": {a.id for p in pages for a in segment_page(p).articles},
        "failures": sum(isinstance(i, InputError) for i in items),
    }


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What an uninterrupted ingest stores (SQLite): the reference the crashed stores must equal."""
    db = tmp_path_factory.mktemp("clean") / "rawi.db"
    subprocess.run(ingest_command(corpus, str(db)), capture_output=True, timeout=600)
    with _connect(str(db)) as conn:
        return _snapshot(conn)


# --- looking into a store with its own driver (never through rawi) ---------------------------------------


class _Conn:
    def __init__(self, url: str) -> None:
        self.pg = url.startswith("postgresql://")
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(url, autocommit=True)
        else:
            self.conn = sqlite3.connect(url, timeout=30)

    def all(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql).fetchall())

    def one(self, sql: str) -> Any:
        return self.all(sql)[0][0]

    def __enter__(self) -> _Conn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def _connect(url: str) -> _Conn:
    return _Conn(url)


def _pages_stored(url: str) -> int:
    try:
        with _connect(url) as conn:
            return int(conn.one("SELECT count(*) FROM pages"))
    except Exception:  # the schema is not there yet (first seconds of the first run)
        return 0


# Rows that point at nothing: what a half-written batch would leave behind.
ORPHANS = {
    name: f"SELECT count(*) FROM {child} x WHERE NOT EXISTS (SELECT 1 FROM {parent} y WHERE {link})"
    for name, child, parent, link in [
        ("articles without page", "articles", "pages", "y.id = x.page_id"),
        ("removed lines without page", "removed_lines", "pages", "y.id = x.page_id"),
        ("credits without article", "credits", "articles", "y.id = x.article_id"),
        ("mentions without article", "mentions", "articles", "y.id = x.article_id"),
        ("quotes without article", "quotes", "articles", "y.id = x.article_id"),
        ("mentions without entity", "mentions", "entities", "y.id = x.entity_id"),
        ("story rows without story", "story_articles", "stories", "y.id = x.story_id"),
        ("story rows without article", "story_articles", "articles", "y.id = x.article_id"),
        ("pages without article", "pages", "articles", "y.page_id = x.id"),
    ]
}
SEARCH_ORPHANS = {
    "sqlite": "SELECT count(*) FROM article_search WHERE rowid NOT IN (SELECT seq FROM articles)",
    "postgres": "SELECT count(*) FROM article_search WHERE seq NOT IN (SELECT seq FROM articles)",
}


def _snapshot(conn: _Conn) -> dict[str, Any]:
    return {
        "pages": [r[0] for r in conn.all("SELECT id FROM pages")],
        "articles": [r[0] for r in conn.all("SELECT id FROM articles")],
        "indexed": conn.one("SELECT count(*) FROM article_search"),
        "entities": dict(((i, (m, q)) for i, m, q in conn.all("SELECT id, mentions, quotes FROM entities"))),
        "aliases": {(e, a): n for e, a, n in conn.all("SELECT entity_id, alias, count FROM aliases")},
        "mentions": conn.one("SELECT count(*) FROM mentions"),
        "quotes": conn.one("SELECT count(*) FROM quotes"),
        "removed": conn.one("SELECT count(*) FROM removed_lines"),
        "orphans": {name: conn.one(sql) for name, sql in ORPHANS.items()},
        "search orphans": conn.one(SEARCH_ORPHANS["postgres" if conn.pg else "sqlite"]),
    }


def _integrity(conn: _Conn) -> None:
    if conn.pg:  # B-tree indexes against their tables (amcheck ships with PostgreSQL)
        conn.conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        checked = conn.all(
            "SELECT bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
        )
        assert checked
        return
    assert conn.all("PRAGMA integrity_check") == [("ok",)]
    assert conn.all("PRAGMA foreign_key_check") == []
    conn.conn.execute("INSERT INTO article_search (article_search) VALUES ('integrity-check')")  # raises if corrupt


# --- the test -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_ingest_killed_inside_batches_resumes_to_every_page_once(
    backend: str, corpus: Path, expected: dict[str, Any], clean: dict[str, Any], tmp_path: Path
) -> None:
    if backend == "postgres":
        assert PG_URL
        reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = str(tmp_path / "rawi.db")
    rng = random.Random(SEED)
    total = len(expected["pages"])
    kills = []
    for _ in range(KILLS):
        stored = _pages_stored(url)
        target = rng.randint(stored + 1, max(stored + 1, total - 40))
        run = subprocess.Popen(
            ingest_command(corpus, url), start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 240
        try:
            while run.poll() is None and _pages_stored(url) < target and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.3))  # past the last commit: inside the next batch's work
        finally:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        assert run.returncode == -signal.SIGKILL, "the ingest ended before it was killed"
        kills.append(_pages_stored(url))
        with _connect(url) as conn:  # consistent after every kill, not only at the end
            _integrity(conn)
            assert set(_snapshot(conn)["orphans"].values()) == {0}
    assert kills[-1] < total, f"nothing left to resume after kills at {kills}"

    final = subprocess.run(ingest_command(corpus, url), capture_output=True, text=True, timeout=600)
    assert final.returncode == (1 if expected["failures"] else 0), final.stderr[-2000:]

    with _connect(url) as conn:
        _integrity(conn)
        got = _snapshot(conn)
    assert len(got["pages"]) == len(set(got["pages"])) == total and set(got["pages"]) == expected["pages"]
    assert len(got["articles"]) == len(set(got["articles"])) and set(got["articles"]) == expected["articles"]
    assert got["orphans"] == dict.fromkeys(ORPHANS, 0) and got["search orphans"] == 0
    # Counters kept by deltas are where a batch applied twice (or half) would show.
    for key in ("indexed", "entities", "aliases", "mentions", "quotes", "removed"):
        assert got[key] == clean[key], f"{key} differ from an uninterrupted ingest (kills at {kills} pages)"
