"""Limits and hygiene of `rawi serve`: loopback by default, request size and query length limits with clear
4xx JSON, pagination caps, errors that leak nothing, and a read-only mode whose store refuses writes."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from rawi.errors import UsageError
from rawi.store import open_store
from rawi.web.app import MAX_BODY_BYTES, MAX_URL_CHARS, create_app
from storekit import BACKENDS, LiveServer, populate, seed_results, store_url_for


@pytest.fixture(scope="module")
def sqlite_store(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("secret-folder-4711") / "rawi.db")
    populate(url, shared)
    return url


@pytest.fixture(scope="module")
def client(sqlite_store: str) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_store), raise_server_exceptions=False) as test_client:
        yield test_client


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp writes them) of sockets listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_serve_listens_on_loopback_unless_told(sqlite_store: str) -> None:
    server = LiveServer(sqlite_store, host=None)  # no --host
    try:
        assert _listening_addresses(server.port) == {"0100007F"}  # 127.0.0.1 and nothing else
    finally:
        server.stop()


def _json_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return str(response.json()["detail"])


def test_long_urls_and_queries_are_refused_with_json(client: TestClient) -> None:
    detail = _json_error(client.get("/api/v1/search", params={"q": "لافروف " * 1000}), 414)
    assert str(MAX_URL_CHARS) in detail
    _json_error(client.get("/articles", params={"q": "x" * 5000}), 414)  # the dashboard too
    _json_error(client.get("/api/v1/search", params={"q": "ل" * 501}), 422)
    for path, name in (("/api/v1/articles", "outlet"), ("/api/v1/quotes", "speaker"), ("/api/v1/entities", "q")):
        _json_error(client.get(path, params={name: "x" * 201}), 422)
        assert client.get(path, params={name: "x" * 200}).status_code == 200


def test_request_bodies_are_bounded(client: TestClient) -> None:
    body = b"x" * (MAX_BODY_BYTES + 1)
    assert str(MAX_BODY_BYTES) in _json_error(client.post("/api/v1/search", content=body), 413)
    chunked = client.post("/api/v1/search", content=iter([b"x" * 1000] * 3))  # no Content-Length: chunked
    _json_error(chunked, 413)
    _json_error(client.get("/api/v1/stats", headers={"content-length": "-1"}), 413)


def test_pagination_is_capped(client: TestClient) -> None:
    for params in ({"limit": 101}, {"limit": 0}, {"offset": 100_001}, {"offset": 10**20}):
        _json_error(client.get("/api/v1/articles", params=params), 422)
    assert client.get("/api/v1/articles", params={"limit": 100, "offset": 100_000}).json()["items"] == []
    # The dashboard clamps instead; a huge offset used to overflow SQLite's integers into a 500.
    for page in ("/articles", "/entities", "/stories", "/outlets", "/search?q=لافروف&"):
        sep = "&" if "?" in page else "?"
        assert client.get(f"{page}{sep}offset={10**20}").status_code == 200, page


def test_errors_show_no_traceback_path_or_sql(sqlite_store: str, tmp_path: Path) -> None:
    # A store broken under a running server (a table dropped by hand): a real internal error.
    broken = tmp_path / "secret-folder-4711" / "rawi.db"
    broken.parent.mkdir()
    broken.write_bytes(Path(sqlite_store).read_bytes())
    with TestClient(create_app(str(broken)), raise_server_exceptions=False) as broken_client:
        with sqlite3.connect(broken) as conn:
            conn.execute("DROP TABLE story_articles")
            conn.execute("DROP TABLE stories")
        for path, kind in (("/api/v1/stories", "application/json"), ("/stories", "text/html")):
            response = broken_client.get(path)
            assert response.status_code == 500 and response.headers["content-type"].startswith(kind)
            for leak in ("Traceback", "secret-folder", "rawi.db", "sqlite", "SELECT", "no such table", 'File "'):
                assert leak.lower() not in response.text.lower(), (path, leak)
    _json_error(broken_client.get("/api/v1/no-such-thing"), 404)


# --- read-only mode ------------------------------------------------------------------------------------


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("backend", BACKENDS)
def test_read_only_store_refuses_writes(backend: str, shared: Path, tmp_path: Path) -> None:
    url = store_url_for(backend, tmp_path)
    populate(url, shared)
    before = _file_digest(Path(url)) if backend == "sqlite" else None
    store = open_store(url, read_only=True)
    try:
        assert store.counts().pages == 4 and store.search("لافروف").total > 0
        with pytest.raises(Exception, match=r"(?i)read.?only"):  # the database refuses, not rawi's politeness
            store.write_batch(seed_results(shared)[:1])
        with pytest.raises(Exception, match=r"(?i)read.?only"):
            store._run("DELETE FROM outlets")  # SQL that bypasses every rawi code path
        if backend == "postgres":
            assert store._scalar("SHOW default_transaction_read_only") == "on"
    finally:
        store.close()
    if before is not None:
        assert _file_digest(Path(url)) == before
    with open_store(url) as writable:
        assert writable.counts().pages == 4


def test_read_only_never_creates_a_store(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such store"):
        open_store(str(tmp_path / "missing.db"), read_only=True)
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("backend", BACKENDS)
def test_serve_read_only_answers_reads_and_refuses_writes(backend: str, shared: Path, tmp_path: Path) -> None:
    url = store_url_for(backend, tmp_path)
    ids: dict[str, Any] = populate(url, shared)
    # The flag on PostgreSQL, the environment variable on SQLite: both ways a deployment sets it.
    server = LiveServer(url, "--read-only") if backend == "postgres" else LiveServer(url, env={"RAWI_READ_ONLY": "1"})
    try:
        with httpx.Client(base_url=server.base, timeout=20) as http:
            for path in ("/api/v1/stats", "/api/v1/articles", "/api/v1/search?q=لافروف", "/api/v1/home",
                         "/api/v1/stories", "/api/v1/entities", "/api/v1/quotes", "/api/v1/outlets",
                         f"/api/v1/articles/{ids['seed_main'][0]}", f"/api/v1/stories/{ids['story']}",
                         "/", "/search?q=لافروف", f"/articles/{ids['seed_main'][0]}"):  # fmt: skip
                assert http.get(path).status_code == 200, path
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                response = http.request(method, "/api/v1/articles", content=b"{}")
                assert "read-only" in _json_error(response, 405)
                assert "POST" not in response.headers["allow"]
            assert http.get("/api/v1/stats").json()["pages"] == 4
    finally:
        server.stop()
