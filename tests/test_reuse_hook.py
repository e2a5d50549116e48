"""The reuse update hook: `rawi ingest` records who copied whom, on both backends, batch or incremental.

Real text: seed 004 (the Libyan paper's copy of RT's report), RT's own version and two republications
built from it as in test_connect.py, and the two unrelated seeds.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import random
from pathlib import Path

import numpy as np
import pytest

from rawi.connect.align import align
from rawi.connect.candidates import SourceIndex
from rawi.connect.provenance import provenance_params
from rawi.connect.reuse import Collection, ReuseParams, Text, Window
from rawi.connect.reuse_hook import ReuseHook
from rawi.engine.local import analyze_page
from rawi.model import Page, SegmentedPage
from rawi.read import read_path
from rawi.segment import segment_page
from rawi.store import ReuseLink, Store, open_store
from storekit import BACKENDS, edited, store_url_for

SEEDS = "corpus/seeds"
DAY = "2025-05-28T"


def _page(uri: str, text: str, outlet: str | None, fetched: str) -> Page:
    return Page(id=Page.make_id(uri, text), uri=uri, raw=text, text=text, outlet=outlet, fetched=fetched)


@pytest.fixture(scope="module")
def pages(shared: Path) -> dict[str, SegmentedPage]:
    """RT writes; the Libyan paper republishes crediting RT; seed 004 (an aggregator's page of the Libyan
    one) credits both; a copycat runs it without a word; seeds 000 and 001 are unrelated."""
    seed = read_path(shared / SEEDS / "004_3bd3b5d9f01e1814.txt")[0]
    lead = segment_page(seed).articles[0].text
    made = {
        "rt": _page("rt", lead, "arabic.rt.com", DAY + "08:00:00"),
        "marsad": _page("marsad", lead + "\n\nالمصدر: RT", "almarsad.ly", DAY + "09:00:00"),
        "agg": dataclasses.replace(seed, uri="agg", outlet="aggregator.example", fetched=DAY + "10:00:00"),
        "copy": _page("copy", edited(lead, 5), "copycat.example", DAY + "11:00:00"),
    }
    for i, name in enumerate(("000_7be0f9684ebf0992.txt", "001_4d27d996705a06bd.txt")):
        other = read_path(shared / SEEDS / name)[0]
        made[f"other{i}"] = dataclasses.replace(other, uri=f"other{i}", fetched=DAY + f"0{7 + 2 * i}:30:00")
    return {k: analyze_page(p) for k, p in made.items()}


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return store_url_for(request.param, tmp_path)


def _links(url: str, batches: list[list[SegmentedPage]]) -> tuple[dict[tuple[str, str], ReuseLink], dict[str, str]]:
    """Ingest `batches` in separate `ingest` calls (a fresh hook each, as separate runs of `rawi ingest`);
    the links by (source uri, target uri) and the stored texts by uri."""
    with open_store(url) as store:
        for batch in batches:
            store.ingest(batch, hooks=[ReuseHook()])
        uris, texts = {}, {}
        for _seq, article in store.iter_articles():
            detail = store.get_article(article.id)
            assert detail is not None
            if article.position == 0:
                uris[article.id] = detail.summary.uri
                texts[detail.summary.uri] = article.text
        got = _stored_links(store)
        assert store.counts().reuse_links == len(got)
        links = {}
        for link in got:
            assert link.source_article in uris and link.target_article in uris  # main articles only here
            links[uris[link.source_article], uris[link.target_article]] = link
    return links, texts


def _stored_links(store: Store) -> list[ReuseLink]:
    """Every stored link, read through the backend's own connection (the Store API lists none)."""
    query = "SELECT source_article, target_article, kind, spans, credited, score FROM reuse_links"
    rows = store._all(query)  # type: ignore[attr-defined]
    return [
        ReuseLink(s, t, k, json.loads(sp) if isinstance(sp, str) else sp, bool(c), float(x))
        for s, t, k, sp, c, x in rows
    ]


EXPECTED = {
    ("rt", "marsad"): True,
    ("rt", "agg"): True,
    ("marsad", "agg"): True,
    ("rt", "copy"): False,
    ("marsad", "copy"): False,
    ("agg", "copy"): False,
}


def test_ingest_records_who_copied_whom(store_url: str, pages: dict[str, SegmentedPage]) -> None:
    links, texts = _links(store_url, [list(pages.values())])
    assert {pair: link.credited for pair, link in links.items()} == EXPECTED
    for (src, tgt), link in links.items():
        assert link.kind == "duplicate" and link.score > 0.7  # the copies are (near) identical texts
        assert link.spans
        for span in link.spans:
            assert 0 <= span["source_start"] < span["source_end"] <= len(texts[src])
            assert 0 <= span["target_start"] < span["target_end"] <= len(texts[tgt])
        covered = sum(s["target_end"] - s["target_start"] for s in link.spans)
        assert covered > 0.9 * len(texts[tgt].strip())
    assert not any("other" in x for pair in links for x in pair)  # unrelated articles get no link


def test_incremental_ingest_gives_the_same_links(store_url: str, pages: dict[str, SegmentedPage]) -> None:
    """The copies first, the originals (earlier by publication) in a later run: they become the sources."""
    first = [pages[k] for k in ("agg", "copy", "other0", "other1")]
    second = [pages[k] for k in ("rt", "marsad")]
    links, _ = _links(store_url, [first, second])
    assert {pair: link.credited for pair, link in links.items()} == EXPECTED
    assert {pair: link.kind for pair, link in links.items()} == dict.fromkeys(EXPECTED, "duplicate")


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_size_does_not_change_the_links(backend: str, tmp_path: Path, pages: dict[str, SegmentedPage]) -> None:
    """One ingest, one hook, the window kept in memory: the copies before their originals, in batches of
    1, 2, 4 and all at once, give the same links (re-attributed as the earlier articles arrive)."""
    order = [pages[k] for k in ("agg", "copy", "other0", "rt", "other1", "marsad")]
    found = []
    for size in (1, 2, 4, len(order)):
        (tmp_path / str(size)).mkdir()
        with open_store(store_url_for(backend, tmp_path / str(size))) as store:
            store.ingest(order, batch_size=size, hooks=[ReuseHook()])
            links = _stored_links(store)
        found.append(sorted((x.source_article, x.target_article, x.kind, x.credited, x.score, x.spans) for x in links))
    assert len(found[0]) == len(EXPECTED)
    assert all(f == found[0] for f in found[1:])


def test_window_matches_a_collection_of_what_it_holds(shared: Path) -> None:
    """Texts added and removed in turn (a day of SaudiNewsNet, and light edits of some so that there is
    reuse to find): the window's weights, candidates and alignments are those of a Collection and a
    SourceIndex built anew over the texts it holds, in the order they came."""
    with gzip.open(shared / "corpus/saudinewsnet/2015-07-21.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for _, line in zip(range(240), fh, strict=False)]
    texts = [Text(f"r{i}", r["content"]) for i, r in enumerate(records) if r.get("content")]
    texts += [Text(f"{t.id}-copy", edited(t.text, i)) for i, t in enumerate(texts[:90:3])]
    params = provenance_params()
    window = Window(params)
    compactions = 0
    held: dict[str, str] = {}  # what the window holds, in the order it came
    rng = random.Random(8)
    checked = 0
    for step, text in enumerate(texts):
        window.add(text)
        held[text.id] = text.text
        if step % 5 in (1, 3):  # two in five go again: the index compacts once half of it is of texts gone
            gone = rng.choice(sorted(held))
            before = window.postings.size
            window.remove(gone)
            del held[gone]
            compactions += window.postings.size < before
        if step % 90 == 89 or step == len(texts) - 1:
            checked += _same_as_batch(window, held, params)
    replaced = next(iter(held))
    window.add(Text(replaced, texts[-1].text))  # a text replaced keeps its place in the order
    held[replaced] = texts[-1].text
    checked += _same_as_batch(window, held, params)
    assert checked > 20 and compactions  # pairs with passages were compared, the index was compacted


def _same_as_batch(window: Window, held: dict[str, str], params: ReuseParams) -> int:
    """Compare the window with a batch Collection of `held`; returns how many aligned pairs were compared."""
    coll = Collection()
    for i, text in held.items():
        coll.add(Text(i, text))
    weights = coll.vocabulary.weights()
    index = SourceIndex(coll.seqs, weights, params.candidates)
    assert len(window) == len(coll)
    aligned = 0
    for n, i in enumerate(coll.ids):
        slot = window.slot[i]
        assert np.array_equal(window.weights()[window.seqs[slot].ids], weights[coll.seqs[n].ids])
        want = [(coll.ids[s], shared) for s, shared in index.candidates(coll.seqs[n])]
        got = [(window.ids[s], shared) for s, shared in window.candidates(slot)]
        assert got == want
        for s, _ in want[:3]:
            if s != i:
                passages = align(coll.seqs[coll.ids.index(s)], coll.seqs[n], weights, params.align)
                assert window.align(window.slot[s], slot) == passages
                aligned += bool(passages)
    return aligned


def test_links_that_stop_applying_are_dropped(store_url: str, pages: dict[str, SegmentedPage]) -> None:
    """A stored link from an earlier article of the window that no longer matches its target (planted here:
    an unrelated seed as the copycat's source) is dropped when the target is aligned again (re-attributed
    once the originals arrive); links outside what was compared stay."""
    first = [pages[k] for k in ("agg", "copy", "other0", "other1")]
    with open_store(store_url) as store:
        store.ingest(first, hooks=[ReuseHook()])
        other, copy = pages["other0"].articles[0].id, pages["copy"].articles[0].id
        store.put_reuse_links([ReuseLink(other, copy, spans=[], credited=False)])
        report = store.ingest([pages["rt"], pages["marsad"]], hooks=[ReuseHook()])
        pairs = {(x.source_article, x.target_article) for x in _stored_links(store)}
    assert (other, copy) not in pairs
    assert report.counts["reuse links dropped"] == 1
    assert len(pairs) == len(EXPECTED)
