"""Helpers for the store, API and browser tests: the seed pages analyzed, with hand annotations laid over
them where the annotators have not (yet) produced any, a page full of hostile markup, and the backends.

The hand annotations come from shared/gold/seeds.json (quotes with speaker, cue and fragment; entities
with their surface forms); they are placed by finding their text in the article, so the store, the API
and the dashboard are tested on realistic entities and quotations whatever state annotate/ is in.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from rawi.engine.local import analyze_page
from rawi.errors import InputError
from rawi.model import Page, SegmentedPage
from rawi.read import iter_pages
from rawi.store.rows import entity_identity
from rawi.text import match_form

PG_URL = os.environ.get("RAWI_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.skipif(not PG_URL, reason="RAWI_TEST_PG is unset (.ci/run sets it)")),
]

# Markup that must stay text wherever it is shown.
HOSTILE_TITLE = '<script>window.__xss=1</script> لافروف "><img src=x onerror="window.__xss=2">'
HOSTILE_LINK = "javascript:window.__xss=3"
HOSTILE_NAME = '"><img src=x onerror=window.__xss=4>'
HOSTILE_BODY = [
    "قال لافروف إن <b>الحوار</b> مستمر <script>window.__xss=5</script> مع الولايات المتحدة.",
    'وأضاف أن الرابط <a href="javascript:window.__xss=6">اضغط هنا</a> ليس آمنا "><svg onload=window.__xss=7>.',
    "وختم: javascript:window.__xss=8 {{ 7*7 }} ${7*7} ' OR '1'='1",
]


def seed_entity_id(shared: Path, canonical: str) -> str:
    """The id the pipeline gives an entity on the seed pages (the entity annotator's own ids)."""
    for result in seed_results(shared):
        for article in result.articles:
            for mention in article.entities:
                if mention["canonical"] == canonical:
                    return str(mention["entity_id"])
    return entity_identity("PER", canonical)  # what the store files a speaker under when no entity names it


def seed_paths(shared: Path) -> list[Path]:
    return sorted((shared / "corpus" / "seeds").glob("*.txt"))


def _find_all(text: str, form: str) -> list[tuple[int, int]]:
    pattern = r"(?<![\w\u0600-\u06ff])" + re.escape(form) + r"(?![\w\u0600-\u06ff])"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def _gold_entities(text: str, gold: dict[str, Any]) -> list[dict[str, Any]]:
    forms = [(form, canonical, info["label"]) for canonical, info in gold.items() for form in info["forms"]]
    forms.sort(key=lambda f: -len(f[0]))  # the longest form wins where two overlap
    taken: list[tuple[int, int]] = []
    out = []
    for form, canonical, label in forms:
        for start, end in _find_all(text, form):
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            out.append(
                {
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                    "label": label,
                    "entity_id": entity_identity(label, canonical),
                    "canonical": canonical,
                }
            )
    return sorted(out, key=lambda m: m["start"])


def _gold_quotes(text: str, gold_quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for q in gold_quotes:
        start = text.find(q["fragment"])
        if start < 0:
            continue
        end = start + len(q["fragment"])
        out.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                "kind": q["kind"],
                "cue": q["cue"],
                "speaker": q["speaker"],
                "speaker_id": entity_identity("PER", q["speaker"]),
            }
        )
    return out


def with_gold(result: SegmentedPage, gold: dict[str, Any]) -> SegmentedPage:
    """Lay the hand annotations over articles that have none of their own."""
    quotes = [q for page in gold["pages"].values() for a in page["articles"] for q in a.get("quotes", [])]
    for article in result.articles:
        text = article.text
        if not article.entities:
            # gold entities, then the real quote annotator again, so speakers resolve through them
            from rawi.annotate.quotes import annotate_quotes

            article.entities = _gold_entities(text, gold["entities"])
            article.quotes = []
            annotate_quotes(article)
        if not article.quotes:
            article.quotes = _gold_quotes(text, quotes)
    return result


def seed_results(shared: Path) -> list[SegmentedPage]:
    gold = json.loads((shared / "gold" / "seeds.json").read_text(encoding="utf-8"))
    results = []
    for item in iter_pages(seed_paths(shared)):
        assert not isinstance(item, InputError), item
        results.append(with_gold(analyze_page(item), gold))
    return results


def hostile_result() -> SegmentedPage:
    """A page whose every field carries markup or a javascript: link, annotated likewise."""
    text = "\n\n".join([HOSTILE_TITLE, *HOSTILE_BODY, f"المصدر: {HOSTILE_NAME}"])
    page = Page(
        id=Page.make_id(HOSTILE_LINK, text),
        uri=HOSTILE_LINK,
        raw=text,
        text=text,
        kind="jsonl",
        outlet=HOSTILE_NAME,
        title=HOSTILE_TITLE,
        fetched="2015-08-01T10:00:00",
    )
    result = analyze_page(page)
    for article in result.articles:
        body = article.text
        at = body.find("لافروف")
        if at >= 0:  # hostile annotations replace whatever the annotators found
            article.entities = [
                {
                    "start": at,
                    "end": at + 6,
                    "text": "لافروف",
                    "label": "PER",
                    "entity_id": '"><b>x</b>/../evil',
                    "canonical": "<script>window.__xss=9</script>",
                }
            ]
        if "الحوار" in body:
            s = body.find("الحوار")
            article.quotes = [
                {
                    "start": s,
                    "end": s + 20,
                    "text": body[s : s + 20],
                    "kind": "indirect",
                    "cue": "<i>قال</i>",
                    "speaker": HOSTILE_NAME,
                    "speaker_id": '"><b>x</b>/../evil',
                }
            ]
        article.tags = ["<script>window.__xss=10</script>"]
    return result


def words_of(text: str) -> set[str]:
    return set(match_form(text).split())


# --- a live server over a populated store ------------------------------------------------------------


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def store_url_for(backend: str, folder: Path) -> str:
    if backend == "postgres":
        assert PG_URL
        reset_postgres(PG_URL)
        return PG_URL
    return str(folder / "rawi.db")


def populate(url: str, shared: Path) -> dict[str, Any]:
    """The seeds (with outlets, so provenance has edges), the hostile page, a reuse link and a story.
    Returns the ids the tests look for."""
    from rawi.store import ReuseLink, StoryRecord, SummarySentence, open_store

    seeds = seed_results(shared)
    for result, outlet in zip(seeds, ("alnilin.com", "www.elbalad.news", "almarsad.co"), strict=True):
        result.page.outlet = outlet
        result.page.fetched = "2025-06-0" + str(seeds.index(result) + 1) + "T09:00:00"
    hostile = hostile_result()
    with open_store(url) as store:
        store.ingest([*seeds, hostile])
        main = [r.articles[0].id for r in seeds]
        store.put_reuse_links([ReuseLink(main[1], main[0], credited=False), ReuseLink(main[2], main[0], credited=True)])
        every = [a.id for r in seeds for a in r.articles]
        store.put_stories(
            [
                StoryRecord(
                    "lavrov-washington",
                    every,
                    "لافروف والعلاقات مع واشنطن",
                    [SummarySentence(seeds[0].articles[0].paragraphs[0], main[0])],
                    top_entities=[seed_entity_id(shared, "سيرغي لافروف")],
                )
            ]
        )
    return {
        "lavrov": seed_entity_id(shared, "سيرغي لافروف"),
        "seed_articles": every,
        "seed_main": main,
        "hostile_article": hostile.articles[0].id,
        "hostile_entity": hostile.articles[0].entities[0]["entity_id"],
        "story": "lavrov-washington",
    }


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`rawi serve` in a child process, as a user runs it: on `url`, with any further options (`extra`) and
    environment (`env`); `host=None` leaves --host out, to test the default."""

    def __init__(
        self, url: str, *extra: str, env: dict[str, str] | None = None, host: str | None = "127.0.0.1"
    ) -> None:
        import subprocess
        import sys
        import time

        import httpx

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "rawi", "serve", "--db", url, "--port", str(self.port), *extra]
        if host is not None:
            cmd += ["--host", host]
        self.process = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"rawi serve exited: {self.process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                if httpx.get(self.base + "/api/v1/stats", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("rawi serve did not answer within 30 s")

    def stop(self) -> str:
        """Stop the server; returns what it wrote to stderr."""
        import subprocess

        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.stderr.read().decode()  # type: ignore[union-attr]


def edited(text: str, seed: int, swaps: int = 3) -> str:
    """A light edit as republishers make: a different dateline, a few words changed, punctuation moved."""
    rng = random.Random(seed)
    words = text.replace("روسيا –", "موسكو -").split(" ")
    for _ in range(swaps):
        words[rng.randrange(len(words))] = "كذلك"
    return " ".join(words).replace("،", ",")


def head_of_day(shared: Path, day: str, records: int, out: Path) -> Path:
    """The first `records` lines of one SaudiNewsNet day, written to `out` (a .jsonl.gz)."""
    src = shared / "corpus" / "saudinewsnet" / f"{day}.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh, gzip.open(out, "wt", encoding="utf-8") as dst:
        dst.writelines(islice(fh, records))
    return out
