"""The dashboard in a real headless Chromium (Debian's, driven by Playwright), on both backends.

Screenshots go to $RAWI_SCREENSHOTS (default /tmp/rawi-screenshots)/<backend>/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from storekit import BACKENDS, HOSTILE_TITLE, LiveServer, populate, store_url_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("RAWI_SCREENSHOTS", "/tmp/rawi-screenshots"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp(f"web-{request.param}")
    url = store_url_for(request.param, folder)
    ids = populate(url, shared)
    server = LiveServer(url)
    shots = SHOTS / request.param
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(folder / "profile"),  # a fresh profile every run
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            locale="ar",
        )
        yield {"base": server.base, "ids": ids, "context": context, "shots": shots}
        context.close()
    server.stop()


@pytest.fixture
def page(site: dict[str, Any]) -> Iterator[Any]:
    tab = site["context"].new_page()
    tab.dialogs = []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    tab.close()


def shot(site: dict[str, Any], tab: Any, name: str) -> None:
    tab.screenshot(path=str(site["shots"] / f"{name}.png"), full_page=True)


def test_home_page(site: dict[str, Any], page: Any) -> None:
    page.goto(site["base"] + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "لافروف والعلاقات مع واشنطن" in page.inner_text("main")  # the story
    assert page.locator("main svg").count() >= 2  # timeline, speakers, outlets
    assert page.locator("script").count() == 0  # no JS framework, no JS at all
    shot(site, page, "home")


def test_search_lavrov_reaches_the_seed_articles(site: dict[str, Any], page: Any) -> None:
    page.goto(site["base"] + "/")
    page.fill("header input[name=q]", "لافروف")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.inner_text("#result-count").startswith("6")
    links = page.locator("ol.results a.title")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert {f"/articles/{a}" for a in site["ids"]["seed_articles"]} <= hrefs
    assert page.locator("ol.results mark").count() >= 6  # the word, highlighted in every snippet
    shot(site, page, "search")
    page.locator(f"a.title[href='/articles/{site['ids']['seed_main'][0]}']").click()
    page.wait_for_url("**/articles/*")
    assert page.locator(".text a.ent").count() > 5 and page.locator(".text span.q").count() >= 3
    details = page.locator("details.removed")
    assert not details.evaluate("d => d.open")  # boilerplate collapsed
    details.locator("summary").click()
    assert "كلمات دلالية" in details.inner_text()
    shot(site, page, "article")


def test_entity_page_shows_quotations(site: dict[str, Any], page: Any) -> None:
    page.goto(site["base"] + f"/articles/{site['ids']['seed_main'][1]}")
    page.locator(".text a.ent", has_text="لافروف").first.click()
    page.wait_for_url("**/entities/*")
    assert page.inner_text("h1").startswith("سيرغي لافروف")
    quotes = page.locator("ul.quotes blockquote")
    assert quotes.count() >= 5
    assert "استمرار الحوار ضروري" in page.inner_text("ul.quotes")
    assert "سيرجي لافروف" in page.inner_text(".chips")  # the aliases
    assert page.locator("figure.chart svg rect.bar").count() >= 1  # mentions over time
    shot(site, page, "entity")


def test_outlet_and_story_pages(site: dict[str, Any], page: Any) -> None:
    page.goto(site["base"] + "/outlets")
    page.locator("table a", has_text="alnilin.com").click()
    page.wait_for_url("**/outlets/*")
    assert page.locator("figure.graph path.edge").count() >= 3  # two credits and a detected copy
    shot(site, page, "outlet")
    page.goto(site["base"] + f"/stories/{site['ids']['story']}")
    assert page.locator("ol.summary li").count() == 1 and page.locator("ul.quotes li").count() >= 5
    shot(site, page, "story")


def test_untrusted_text_stays_text(site: dict[str, Any], page: Any) -> None:
    ids = site["ids"]
    hostile_entity = quote(ids["hostile_entity"], safe="")
    paths = [
        f"/articles/{ids['hostile_article']}",
        "/search?q=" + quote(HOSTILE_TITLE),
        f"/entities/{hostile_entity}",
        "/",
        "/outlets",
        "/entities",
    ]
    for path in paths:
        page.goto(site["base"] + path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__xss") is None, path
        assert page.locator("img").count() == 0 and page.locator("main svg[onload]").count() == 0, path
        assert page.locator("script").count() == 0, path
        assert page.locator("a[href^='javascript:' i]").count() == 0, path
        injected = (
            "() => [...document.querySelectorAll('b, i')]"
            ".filter(e => ['x', 'الحوار', 'قال'].includes(e.textContent)).length"
        )
        assert page.evaluate(injected) == 0, path  # markup in the text is not markup on the page
    page.goto(site["base"] + f"/articles/{ids['hostile_article']}")
    text = page.inner_text("body")
    assert "<script>window.__xss=1</script>" in text and "<script>window.__xss=5</script>" in text
    assert "javascript:window.__xss=3" in text  # the page address, shown and not linked
    page.locator("details.removed summary").click()
    assert '<a href="javascript:window.__xss=6">' in page.inner_text("details.removed")
    shot(site, page, "hostile-article")
    page.goto(site["base"] + f"/entities/{hostile_entity}")
    assert "<script>window.__xss=9</script>" in page.inner_text("h1")
    assert not page.dialogs and not page.errors
