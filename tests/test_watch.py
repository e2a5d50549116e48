"""`rawi watch` against real HTTP servers on 127.0.0.1 (tests/watch_site.py), a real SQLite store and
the real pipeline: first poll, conditional re-poll, new items, politeness, failing hosts, robots.txt,
SIGKILL and restart, watchlist alerts in the Atom file and the webhook."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from rawi.store import open_store
from rawi.text.stem import stem, word_stems
from rawi.watch import FeedSpec, Watcher, WatchOptions
from rawi.watch.pages import PageAnalyzer
from rawi.watch.state import WatchState
from rawi.watch.watchlist import Keyword, load_watchlist
from watch_site import Route, Site, text_page

RAWI = [sys.executable, "-m", "rawi"]
ATOM = "{http://www.w3.org/2005/Atom}"
FAST = WatchOptions(min_delay=0.02, timeout=5.0, backoff_base=120.0, threads=8, batch_size=4)


@pytest.fixture(scope="module")
def analyzer() -> PageAnalyzer:
    return PageAnalyzer()  # the models load once for the module


@pytest.fixture(scope="module")
def pages(shared: Path) -> dict[str, bytes]:
    """name → HTML: the shared HTML pages as they are, and the seed texts served as HTML."""
    out = {p.name: p.read_bytes() for p in sorted((shared / "corpus" / "html").glob("*.html"))}
    for seed in sorted((shared / "corpus" / "seeds").glob("*.txt")):
        out[seed.stem + ".html"] = text_page(seed.read_text(encoding="utf-8"))
    return out


@pytest.fixture
def sites() -> Iterator[list[Site]]:
    made: list[Site] = []
    yield made
    for site in made:
        site.close()


def _site(sites: list[Site], delay: float = 0.0) -> Site:
    site = Site(delay)
    sites.append(site)
    return site


def _serve(site: Site, pages: dict[str, bytes], names: list[str], feed: str = "/feed.xml", **kw: bool) -> str:
    links = [site.page(f"/news/{name}", pages[name]) for name in names]
    return site.feed(feed, links, **kw)


def _watcher(tmp_path: Path, feeds: list[str], analyzer: PageAnalyzer, **kw) -> Watcher:
    store = open_store(str(tmp_path / "rawi.db"))
    state = WatchState(tmp_path / "rawi.db.watch")
    return Watcher(store, state, [FeedSpec(u) for u in feeds], kw.pop("options", FAST), analyzer=analyzer, **kw)


def _stored_uris(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT uri FROM pages")]


def test_first_poll_stores_once_then_304s_then_new_items(tmp_path, sites, pages, analyzer):
    a, b = _site(sites), _site(sites)
    names = sorted(pages)
    feed_a = _serve(a, pages, names[:6])  # ETag validators
    feed_b = _serve(b, pages, names[6:], etag=False)  # Last-Modified validators
    with _watcher(tmp_path, [feed_a, feed_b], analyzer) as watcher:
        first = watcher.round()
        assert first.failures == []
        assert first.counts["feeds polled"] == 2
        assert first.counts["pages fetched"] == first.counts["pages stored"] == len(pages)
        uris = _stored_uris(tmp_path / "rawi.db")
        assert sorted(uris) == sorted(
            [a.url(f"/news/{n}") for n in names[:6]] + [b.url(f"/news/{n}") for n in names[6:]]
        )
        # politeness: one request at a time per host, a User-Agent naming rawi, robots.txt asked first
        assert a.max_active == b.max_active == 1
        assert all(h.headers["User-Agent"].startswith("rawi/") for h in a.hits + b.hits)
        assert a.hits[0].path == b.hits[0].path == "/robots.txt"

        before_a, before_b = len(a.hits), len(b.hits)
        second = watcher.round()
        assert second.counts["feeds not modified (304)"] == 2
        assert second.counts["pages fetched"] == 0 and second.counts["pages stored"] == 0
        new_hits = a.hits[before_a:] + b.hits[before_b:]
        assert {h.path for h in new_hits} == {"/feed.xml"} and {h.status for h in new_hits} == {304}
        assert "If-None-Match" in a.hits[-1].headers and "If-Modified-Since" in b.hits[-1].headers

        extra = a.page("/news/extra.html", pages[names[0]].replace(b"<body", b"<body data-x='1'"))
        a.feed("/feed.xml", [a.url(f"/news/{n}") for n in names[:6]] + [extra])
        third = watcher.round()
        assert third.counts["new items"] == 1
        assert third.counts["pages fetched"] == third.counts["pages stored"] == 1
        assert len([h for h in a.gets("/news/") if h.path == "/news/extra.html"]) == 1
    uris = _stored_uris(tmp_path / "rawi.db")
    assert len(uris) == len(set(uris)) == len(pages) + 1


def test_failing_hosts_are_reported_and_backed_off(tmp_path, sites, pages, analyzer):
    good, errors, garbage, huge, loop = (_site(sites) for _ in range(5))
    names = sorted(pages)[:3]
    feed_good = _serve(good, pages, names)
    errors.routes["/feed.xml"] = Route(b"", status=500)
    garbage.routes["/feed.xml"] = Route(b"<rss><channel><item>\x00\x01 not xml <<<", "application/rss+xml")
    huge.routes["/big.html"] = Route(huge=50_000_000)
    feed_huge = huge.feed("/feed.xml", [huge.url("/big.html")])
    loop.routes["/feed.xml"] = Route(location="/again.xml")
    loop.routes["/again.xml"] = Route(location="/feed.xml")
    feeds = [errors.url("/feed.xml"), garbage.url("/feed.xml"), feed_huge, loop.url("/feed.xml"), feed_good]
    with _watcher(tmp_path, feeds, analyzer) as watcher:
        first = watcher.round()
        assert first.counts["pages stored"] == len(names)  # the good host went on
        text = "\n".join(first.failures)
        assert ("HTTP 500" in text and "not a readable feed" in text) or "not an RSS" in text
        assert "over the cap of 10,000,000" in text and "redirect loop" in text
        bad_hosts = {s.base.removeprefix("http://") for s in (errors, garbage, huge, loop)}
        assert set(first.backed_off) == bad_hosts
        assert all(s.retry_at > time.time() + 60 for s in first.backed_off.values())
        # the 50 MB body was cut off at the cap, not read whole
        assert huge.gets("/big.html")[0].end - huge.gets("/big.html")[0].start < 30

        counts_before = {id(s): len(s.hits) for s in (errors, garbage, huge, loop)}
        second = watcher.round()
        # four feeds, and the huge page still pending (its host failed, so it is tried again later)
        assert second.counts["skipped (host backed off)"] == 5
        assert {id(s): len(s.hits) for s in (errors, garbage, huge, loop)} == counts_before  # left alone
        assert second.counts["feeds not modified (304)"] == 1
    # back-off survives a restart (it lives in the watch state)
    state = WatchState(tmp_path / "rawi.db.watch")
    assert set(state.hosts()) == bad_hosts
    state.close()


def test_slow_host_does_not_stall_the_others(tmp_path, sites, pages, analyzer):
    slow, fast = _site(sites, delay=1.0), _site(sites)
    names = sorted(pages)
    feed_slow = _serve(slow, pages, names[:1])
    feed_fast = _serve(fast, pages, names[1:5])
    started = time.monotonic()
    with _watcher(tmp_path, [feed_slow, feed_fast], analyzer) as watcher:
        report = watcher.round()
    assert report.counts["pages stored"] == 5
    # robots.txt, the feed and its page: three slow answers in a row (one request at a time per host) ...
    assert time.monotonic() - started >= 3.0
    # ... while every request to the fast host was made before the slow host's second answer
    assert max(h.start for h in fast.hits) < started + 2.0
    assert len(fast.gets("/news/")) == 4


def test_robots_disallow_is_honoured(tmp_path, sites, pages, analyzer):
    site = _site(sites)
    names = sorted(pages)[:2]
    site.routes["/robots.txt"] = Route(b"User-agent: rawi\nDisallow: /private/\n", "text/plain")
    public = site.page("/news/open.html", pages[names[0]])
    private = site.page("/private/secret.html", pages[names[1]])
    feed = site.feed("/feed.xml", [public, private])
    with _watcher(tmp_path, [feed], analyzer) as watcher:
        report = watcher.round()
        again = watcher.round()
    assert report.counts["robots.txt disallowed"] == 1 and report.counts["pages stored"] == 1
    assert again.counts["robots.txt disallowed"] == 0  # refused once, remembered
    assert site.gets("/private/") == []
    assert _stored_uris(tmp_path / "rawi.db") == [public]


def _wait_pages(db: Path, proc: subprocess.Popen, at_least: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    n = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
            except sqlite3.OperationalError:
                n = 0
            if n >= at_least:
                return n
        assert proc.poll() is None, "rawi watch ended before it was killed"
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} pages stored in {timeout} s")


def test_sigkill_and_restart_neither_lose_nor_duplicate(tmp_path, sites, pages):
    site = _site(sites, delay=0.15)
    names = sorted(pages)
    feed = _serve(site, pages, names)
    feeds_file = tmp_path / "feeds.txt"
    feeds_file.write_text(f"# test feeds\n{feed}\n", encoding="utf-8")
    db = tmp_path / "rawi.db"
    command = [*RAWI, "watch", str(feeds_file), "--db", str(db), "--once", "--min-delay", "0", "--batch-size", "1"]
    first = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        stored = _wait_pages(db, first, at_least=3)
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.wait(30)
    assert stored < len(names), "the kill came too late to test anything"
    committed = set(_stored_uris(db))
    hits_before = len(site.hits)
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    uris = _stored_uris(db)
    assert sorted(uris) == sorted(site.url(f"/news/{n}") for n in names)  # none lost, none twice
    # pages the killed run had committed were not fetched again
    refetched = {site.url(h.path) for h in site.hits[hits_before:] if h.path.startswith("/news/")}
    assert refetched and not refetched & committed
    state = WatchState(tmp_path / "rawi.db.watch")
    assert state.item_counts() == {"done": len(names)}
    state.close()


def test_keyword_matching_is_arabic_aware():
    keyword = Keyword.of("العقوبات")
    for text in ("رفع العقوبات", "لرفع عقوبات", "مرتبط بالعقوبات", "والعقوبات المتبادلة", "العقوبة"):
        assert keyword.found_in(text), text
    assert not keyword.found_in("عقد اجتماع")
    assert Keyword.of("رفع العقوبات").found_in("دعا إلى رفع العقوبات عن") and not Keyword.of("رفع العقوبات").found_in(
        "العقوبات رفع"
    )


def test_watchlist_lavrov_sanctions_alerts_in_atom_and_webhook(tmp_path, sites, pages):
    site, hook = _site(sites), _site(sites)
    hook.fail_posts = 1  # the first POST fails: the webhook retries
    feed = _serve(site, pages, sorted(pages))
    feeds_file = tmp_path / "feeds.json"
    feeds_file.write_text(json.dumps({"feeds": [{"url": feed, "name": "test"}]}), encoding="utf-8")
    watchlist = tmp_path / "watch.toml"
    watchlist.write_text(
        '[[watch]]\nname = "lavrov-sanctions"\nspeakers = ["سيرغي لافروف"]\nkeywords = ["العقوبات"]\n',
        encoding="utf-8",
    )
    assert load_watchlist(watchlist)[0].speakers[0].text == "سيرغي لافروف"
    db, atom = tmp_path / "rawi.db", tmp_path / "alerts.xml"
    command = [*RAWI, "watch", str(feeds_file), "--db", str(db), "--once", "--min-delay", "0"]
    command += ["--watchlist", str(watchlist), "--webhook", hook.url("/hook"), "--alerts-atom", str(atom)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "pages stored" in done.stdout and "alerts" in done.stdout

    # What should match, from the stored analysis itself: articles with a quote by Lavrov (any spelling of
    # his name, one entity id) whose text has a word stemming to عقوب; and articles that merely mention it.
    lavrov, mention_only, expected = set(), set(), set()
    with open_store(str(db)) as store:
        exported = list(store.export_pages())
    for page in exported:
        for art in page["articles"]:
            for q in art["quotes"]:
                if q["speaker"] and "لافروف" in q["speaker"]:
                    lavrov.add(q["speaker_id"])
    assert len(lavrov) == 1
    sanctions = stem("العقوبات")
    for page in exported:
        for art in page["articles"]:
            said = any(
                q["speaker_id"] in lavrov and any(sanctions in w[2:] for w in word_stems(q["text"]))
                for q in art["quotes"]
            )
            if said:
                expected.add(art["id"])
            elif any(sanctions in w[2:] for w in word_stems(art["text"])):
                mention_only.add(art["id"])
    assert len(expected) >= 2 and mention_only  # sanctions in the narration, not in what Lavrov said

    entries = ET.parse(atom).getroot().findall(f"{ATOM}entry")
    in_atom = {e.find(f"{ATOM}id").text.rsplit(":", 1)[1] for e in entries}
    assert in_atom == expected
    assert all(e.find(f"{ATOM}title").text.startswith("[lavrov-sanctions]") for e in entries)
    in_hook = [p["article_id"] for p in hook.posts]
    assert sorted(in_hook) == sorted(expected)  # each once, after a retry
    assert all(p["watch"] == "lavrov-sanctions" and p["matched"]["quotes"] for p in hook.posts)
    assert len([h for h in hook.hits if h.method == "POST"]) == len(expected) + 1

    # a second run raises nothing again
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert sorted(p["article_id"] for p in hook.posts) == sorted(expected)


def test_feeds_and_watchlist_files_are_checked(tmp_path):
    from rawi.errors import UsageError
    from rawi.watch import load_feeds

    good = tmp_path / "feeds.txt"
    good.write_text("# outlets\nhttp://a.example/rss\n\nhttp://a.example/rss\nhttps://b.example/atom\n")
    assert [f.url for f in load_feeds(good)] == ["http://a.example/rss", "https://b.example/atom"]
    toml = tmp_path / "feeds.toml"
    toml.write_text('[[feeds]]\nurl = "http://a.example/rss"\nname = "A"\n')
    assert load_feeds(toml)[0].name == "A"
    bad = tmp_path / "bad.txt"
    bad.write_text("ftp://nope\n")
    with pytest.raises(UsageError, match="not an http"):
        load_feeds(bad)
    empty = tmp_path / "watch.toml"
    empty.write_text('[[watch]]\nname = "nothing"\n')
    with pytest.raises(UsageError, match="names no speakers"):
        load_watchlist(empty)
