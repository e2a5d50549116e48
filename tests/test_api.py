"""The JSON API against a live `rawi serve` (httpx), on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storekit import BACKENDS, LiveServer, populate, store_url_for


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest, shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    url = store_url_for(request.param, tmp_path_factory.mktemp(f"api-{request.param}"))
    ids = populate(url, shared)
    server = LiveServer(url)
    with httpx.Client(base_url=server.base + "/api/v1", timeout=10) as client:
        client.ids = ids  # type: ignore[attr-defined]
        client.store_url = url  # type: ignore[attr-defined]
        yield client
    server.stop()


def get(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_stats(live: httpx.Client) -> None:
    stats = get(live, "/stats")
    assert stats["pages"] == 4 and stats["articles"] == 6 and stats["stories"] == 1 and stats["reuse_links"] == 2


def test_serve_workers_answer_as_one_process(live: httpx.Client) -> None:
    # `rawi serve --workers 2`: two uvicorn worker processes, each with its own app over the same store.
    server = LiveServer(live.store_url, "--workers", "2")  # type: ignore[attr-defined]
    try:
        children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        if children.exists():  # two workers (multiprocessing's resource tracker is a child too)
            commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children.read_text().split()]
            assert sum(b"spawn_main" in c for c in commands) == 2
        article_id = live.ids["seed_main"][0]  # type: ignore[attr-defined]
        with httpx.Client(base_url=server.base + "/api/v1", timeout=10) as workers:
            for path, params in (
                ("/stats", {}),
                ("/search", {"q": "لافروف"}),
                (f"/articles/{article_id}", {}),
                ("/articles", {"limit": 4}),
            ):
                for _ in range(4):  # the kernel spreads connections over both workers
                    assert get(workers, path, **params) == get(live, path, **params), path
    finally:
        server.stop()


def test_articles_paginate(live: httpx.Client) -> None:
    first = get(live, "/articles", limit=4)
    rest = get(live, "/articles", limit=4, offset=4)
    assert first["total"] == rest["total"] == 6
    assert len(first["items"]) == 4 and len(rest["items"]) == 2
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in rest["items"]}
    dates = [a["date"] for a in first["items"] + rest["items"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    for bad in ({"limit": 0}, {"limit": 1000}, {"offset": -1}, {"date_from": "last week"}):
        assert live.get("/articles", params=bad).status_code == 422


def test_article_detail(live: httpx.Client) -> None:
    article_id = live.ids["seed_main"][0]  # type: ignore[attr-defined]
    article = get(live, f"/articles/{article_id}")
    assert article["summary"]["id"] == article_id and article["summary"]["outlet"]["name"] == "alnilin.com"
    assert article["text"] == "\n\n".join(article["paragraphs"])
    assert {c["name"] for c in article["summary"]["credits"]} == {"صدى البلد"}
    kinds = {r["kind"] for r in article["removed"]}
    assert {"share_bar", "keywords", "credit"} <= kinds
    assert any(m["canonical"] == "سيرغي لافروف" for m in article["entities"])
    assert all(article["text"][m["start"] : m["end"]] == m["text"] for m in article["entities"])
    assert all(q["speaker"] == "سيرغي لافروف" for q in article["quotes"]) and article["quotes"]
    assert {r["relation"] for r in article["also_published_by"]} == {"source"}  # it took from two others
    assert article["stories"][0]["id"] == live.ids["story"]  # type: ignore[attr-defined]
    missing = live.get("/articles/no-such-article")
    assert missing.status_code == 404 and missing.json() == {"detail": "no such article"}


def test_entities_with_aliases_and_quotes(live: httpx.Client) -> None:
    lavrov = live.ids["lavrov"]  # type: ignore[attr-defined]
    listed = get(live, "/entities", q="لافروف")
    assert lavrov in [e["id"] for e in listed["items"]]
    assert get(live, "/entities", label="PER", order="quotes")["items"][0]["id"] == lavrov
    entity = get(live, f"/entities/{lavrov}")
    assert {"سيرغي لافروف", "سيرجي لافروف", "لافروف"} <= {a["alias"] for a in entity["aliases"]}
    assert len(entity["quotes"]) == entity["entity"]["quotes"] >= 5
    assert sum(d["count"] for d in entity["timeline"]) == entity["entity"]["mentions"]
    assert live.get("/entities", params={"label": "PERSON"}).status_code == 422


def test_quotes_by_speaker_and_date(live: httpx.Client) -> None:
    lavrov = live.ids["lavrov"]  # type: ignore[attr-defined]
    everything = get(live, "/quotes", speaker=lavrov, limit=100)
    assert everything["total"] >= 5 and all(q["speaker_id"] == lavrov for q in everything["items"])
    june_first = get(live, "/quotes", speaker=lavrov, date_from="2025-06-01", date_to="2025-06-01", limit=100)
    assert 0 < june_first["total"] < everything["total"]
    assert all(q["date"].startswith("2025-06-01") for q in june_first["items"])
    page = get(live, "/quotes", speaker=lavrov, limit=2, offset=2)
    assert [q["id"] for q in page["items"]] == [q["id"] for q in everything["items"][2:4]]


def test_outlets_with_provenance_edges(live: httpx.Client) -> None:
    outlets = {o["outlet"]["name"]: o["outlet"]["id"] for o in get(live, "/outlets")["items"]}
    nilin = get(live, f"/outlets/{outlets['alnilin.com']}")
    taken_from = {(e["source"]["name"], e["via"]) for e in nilin["republishes"]}
    assert {("صدى البلد", "credit"), ("سبوتنيك", "credit")} <= taken_from
    copied = {e["target"]["name"]: e for e in get(live, f"/outlets/{outlets['elbalad.news']}")["republished_by"]}
    assert copied["alnilin.com"]["via"] == "reuse" and copied["alnilin.com"]["credited"] == 0
    assert live.get("/outlets/nope").status_code == 404


def test_stories(live: httpx.Client) -> None:
    story_id = live.ids["story"]  # type: ignore[attr-defined]
    assert get(live, "/stories", order="largest")["items"][0]["id"] == story_id
    story = get(live, f"/stories/{story_id}")
    assert story["story"]["size"] == 5 and len(story["articles"]) == 5
    assert story["summary"][0]["article_id"] == live.ids["seed_main"][0]  # type: ignore[attr-defined]
    assert {o["outlet"]["name"] for o in story["outlets"]} == {"alnilin.com", "elbalad.news", "almarsad.co"}
    assert story["quotes"] and story["timeline"]


def test_search(live: httpx.Client) -> None:
    seeds = set(live.ids["seed_articles"])  # type: ignore[attr-defined]
    for query in ("لافروف", "سيرجي لافروف"):
        found = get(live, "/search", q=query, limit=50)
        assert seeds <= {h["article"]["id"] for h in found["items"]}
    named = get(live, "/search", q="سيرجي لافروف")
    assert named["entity"]["id"] == live.ids["lavrov"]  # type: ignore[attr-defined]
    hit = named["items"][0]
    assert all(hit["snippet"][a:b] for a, b in hit["highlights"])
    one = get(live, "/search", q="لافروف", limit=1, offset=1)
    assert len(one["items"]) == 1 and one["total"] == 6
    filtered = get(live, "/search", q="لافروف", date_from="2015-08-01", date_to="2015-08-01")
    assert [h["article"]["id"] for h in filtered["items"]] == [live.ids["hostile_article"]]  # type: ignore[attr-defined]
    assert live.get("/search").status_code == 422


@pytest.mark.parametrize("query", ["' OR 1=1 --", "لافروف'; DROP TABLE articles; --", '")) OR ((1=1', "%' --"])
def test_search_input_stays_data(live: httpx.Client, query: str) -> None:
    before = get(live, "/stats")
    response = live.get("/search", params={"q": query, "outlet": query, "entity": query})
    assert response.status_code == 200 and response.json()["total"] == 0
    assert get(live, "/stats") == before


def test_openapi_and_docs_are_served_locally(live: httpx.Client) -> None:
    root = str(live.base_url).removesuffix("/api/v1/").removesuffix("/api/v1")
    spec = httpx.get(root + "/openapi.json").json()
    assert {"/api/v1/articles", "/api/v1/entities/{entity_id}", "/api/v1/search", "/api/v1/quotes"} <= set(
        spec["paths"]
    )
    assert {"ArticleDetail", "EntityDetail", "SearchResults", "OutletDetail"} <= set(spec["components"]["schemas"])
    docs = httpx.get(root + "/docs").text
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert httpx.get(root + "/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    page = httpx.get(root + "/")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def _page_from(outlet: str, text: str) -> Any:
    from rawi.engine.local import analyze_page
    from rawi.model import Page

    uri = f"https://{outlet}/news/1"
    page = Page(id=Page.make_id(uri, text), uri=uri, raw=text, text=text, kind="jsonl", outlet=outlet)
    return analyze_page(page)


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_form_outlets_follow_the_store(backend: str, tmp_path: Path) -> None:
    # The dashboard keeps the search form's outlet list until the store changes: a page stored meanwhile by
    # another process (another connection) shows its outlet on the next search page.
    from fastapi.testclient import TestClient

    from rawi.store import open_store
    from rawi.web.app import create_app

    url = store_url_for(backend, tmp_path)
    text = "قال وزير الخارجية إن المحادثات مستمرة مع الجانب الآخر حول الملفات العالقة بين البلدين."
    with open_store(url) as store:
        store.ingest([_page_from("first-outlet.example", text)])
    first, second = ">first-outlet.example</option>", ">second-outlet.example</option>"
    with TestClient(create_app(url)) as client:
        for _ in range(2):  # the second page comes from the kept list
            page = client.get("/search", params={"q": "الخارجية"}).text
            assert first in page and second not in page
        with open_store(url) as writer:
            writer.ingest([_page_from("second-outlet.example", text + " وأضاف أن الجولة المقبلة قريبة.")])
        page = client.get("/search", params={"q": "الخارجية"}).text
        assert first in page and second in page
