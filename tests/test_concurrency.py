"""Readers during a write: API clients (httpx against a live `rawi serve`) while `rawi ingest` stores pages,
on SQLite (WAL) and PostgreSQL. No request fails, and an article the API returns is always whole: every
paragraph and every annotation an uninterrupted analysis gives it, never a batch half written."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from rawi.engine.local import analyze_page
from rawi.model import Page
from rawi.read import iter_pages
from storekit import BACKENDS, LiveServer, head_of_day, store_url_for

RECORDS = 250
READERS = 4
QUERIES = ["السعودية", "وزير", "الرياض", "المملكة العربية", "الأمير"]


@pytest.fixture(scope="module")
def corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return head_of_day(shared, "2015-07-24", RECORDS, tmp_path_factory.mktemp("concurrent") / "sns.jsonl.gz")


@pytest.fixture(scope="module")
def whole(corpus: Path) -> dict[str, dict[str, Any]]:
    """Each article as a complete analysis gives it (what `rawi ingest --no-learn-boilerplate` stores)."""
    out = {}
    for page in iter_pages([corpus]):
        if isinstance(page, Page):
            for a in analyze_page(page).articles:
                out[a.id] = {
                    "paragraphs": a.paragraphs,
                    "entities": {(m["start"], m["end"]) for m in a.entities},
                    "quotes": {(q["start"], q["end"]) for q in a.quotes},
                }
    return out


class Reader(threading.Thread):
    """Lists the newest articles and searches, fetching every article it sees, until told to stop."""

    def __init__(self, base: str, number: int, whole: dict[str, dict[str, Any]], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.number, self.whole, self.stop = base, number, whole, stop
        self.errors: list[str] = []
        self.checked = 0
        self.page_counts: list[int] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base + "/api/v1", timeout=30) as http:
            turn = 0
            while not self.stop.is_set():
                turn += 1
                try:
                    self.page_counts.append(self._get(http, "/stats")["pages"])
                    if (self.number + turn) % 2:
                        ids = [a["id"] for a in self._get(http, "/articles", limit=10)["items"]]
                    else:
                        query = QUERIES[(self.number + turn) % len(QUERIES)]
                        ids = [h["article"]["id"] for h in self._get(http, "/search", q=query, limit=10)["items"]]
                    for article_id in ids:
                        self._check(self._get(http, f"/articles/{article_id}"), article_id)
                except (httpx.HTTPError, AssertionError) as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")

    def _get(self, http: httpx.Client, path: str, **params: Any) -> Any:
        response = http.get(path, params=params)
        assert response.status_code == 200, f"{path} {params}: {response.status_code} {response.text[:300]}"
        return response.json()

    def _check(self, article: dict[str, Any], article_id: str) -> None:
        want = self.whole[article_id]
        assert article["paragraphs"] == want["paragraphs"], f"{article_id}: paragraphs partial or stale"
        assert article["text"] == "\n\n".join(want["paragraphs"])
        assert {(m["start"], m["end"]) for m in article["entities"]} == want["entities"], f"{article_id}: entities"
        assert {(q["start"], q["end"]) for q in article["quotes"]} == want["quotes"], f"{article_id}: quotes"
        self.checked += 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_readers_see_whole_articles_while_an_ingest_writes(
    backend: str, corpus: Path, whole: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    url = store_url_for(backend, tmp_path)
    server = LiveServer(url)  # on an empty store: everything the readers see arrives during the test
    stop = threading.Event()
    readers = [Reader(server.base, n, whole, stop) for n in range(READERS)]
    try:
        for reader in readers:
            reader.start()
        command = ["ingest", str(corpus), "--db", url, "--batch-size", "10", "--no-learn-boilerplate", "-q"]
        ingest = subprocess.run(
            [sys.executable, "-m", "rawi", *command],
            capture_output=True,
            text=True,
            timeout=600,
        )
        time.sleep(1)  # a last round of reads on the finished store
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
        server.stop()
    assert ingest.returncode in (0, 1), ingest.stderr[-2000:]  # 1: SaudiNewsNet records with no text
    errors = [e for r in readers for e in r.errors]
    assert not errors, f"{len(errors)} failed reads, first: {errors[:3]}"
    counts = [c for r in readers for c in r.page_counts]
    assert any(0 < c < max(counts) for c in counts), "no read happened while the ingest was writing"
    for reader in readers:
        assert reader.page_counts == sorted(reader.page_counts)  # a committed batch never disappears
    assert sum(r.checked for r in readers) > 100
