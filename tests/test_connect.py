"""connect/: duplicates, passage reuse and provenance on real text (seed 004, SaudiNewsNet), read from ../shared."""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from rawi.cli import app
from rawi.connect.align import align
from rawi.connect.dedup import DedupParams, dedup_pages, dedup_paths
from rawi.connect.minhash import LSHParams, MinHasher, band_keys, candidate_pairs
from rawi.connect.provenance import article_refs, read_articles, trace
from rawi.connect.reuse import Text, find_reuse
from rawi.connect.shingles import fold_codes, shingle_batch
from rawi.connect.texts import iter_texts, text_item
from rawi.connect.words import Vocabulary, word_seq
from rawi.model import Page
from rawi.read import iter_pages, read_path
from rawi.segment import segment_page
from storekit import edited

SEED = "corpus/seeds/004_3bd3b5d9f01e1814.txt"
SAUDI = "corpus/saudinewsnet"


@pytest.fixture(scope="module")
def lead(shared: Path) -> str:
    """Seed 004's first article: RT's report as the Libyan paper ran it, without its credit lines."""
    page = read_path(shared / SEED)[0]
    return segment_page(page).articles[0].text


@pytest.fixture(scope="module")
def others(shared: Path) -> list[str]:
    """Unrelated real texts: the other seeds' first articles."""
    texts = []
    for name in ("000_7be0f9684ebf0992.txt", "001_4d27d996705a06bd.txt"):
        texts.append(segment_page(read_path(shared / "corpus/seeds" / name)[0]).articles[0].text)
    return texts


def page(uri: str, text: str, outlet: str | None = None, fetched: str | None = None) -> Page:
    return Page(id=Page.make_id(uri, text), uri=uri, raw=text, text=text, outlet=outlet, fetched=fetched)


# --- words and shingles ----------------------------------------------------------------------------


def test_word_spans_are_the_texts_own_characters() -> None:
    text = "وَقالَ الوزيرُ: «نعم» ﻻ شيء ٣٧ ﷲ"
    seq = word_seq(text, Vocabulary())
    assert [text[s:e] for s, e in zip(seq.starts, seq.ends, strict=True)] == [
        "وَقالَ",
        "الوزيرُ",
        "نعم",
        "ﻻ",
        "شيء",
        "٣٧",
        "ﷲ",
    ]


def test_light_stem_joins_clitic_variants() -> None:
    v = Vocabulary()
    a, b = word_seq("والحكومة", v), word_seq("الحكومة", v)
    assert a.ids.tolist() == b.ids.tolist()


def test_shingles_and_digest_ignore_spelling_and_punctuation(lead: str) -> None:
    variant = lead.replace("أ", "ا").replace("،", " ,").replace("ة", "ه") + " !"
    batch = shingle_batch([lead, variant, lead[: len(lead) // 2]])
    assert batch.digests[0] == batch.digests[1]
    assert batch.digests[0] != batch.digests[2]
    assert np.array_equal(batch.shingles(0), batch.shingles(1))
    assert fold_codes("  أَلْحَمْدُ ،  للهِ ").tobytes().decode("utf-32-le") == "الحمد لله"
    # Batching does not change a text's shingles.
    assert np.array_equal(shingle_batch([lead]).shingles(0), batch.shingles(0))


def test_minhash_estimates_jaccard(lead: str, others: list[str]) -> None:
    texts = [lead, edited(lead, 1), others[0]]
    batch = shingle_batch(texts)
    shingles = (batch.keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    sig = MinHasher(256).signatures(shingles, batch.bounds)
    a, b = batch.shingles(0), batch.shingles(1)
    true_ab = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    assert abs((sig[0] == sig[1]).mean() - true_ab) < 0.1
    assert (sig[0] == sig[2]).mean() < 0.05
    keys = band_keys(sig[:, :64], 16)
    assert [0, 1] in candidate_pairs(keys).tolist()
    assert LSHParams().candidate_probability(0.8) > 0.999


# --- dedup -----------------------------------------------------------------------------------------


def test_dedup_groups_copies_of_seed_004(lead: str, others: list[str]) -> None:
    pages = [
        page("libya.txt", lead, "almarsad.ly", "2025-05-28T09:00:00"),
        page("rt.txt", lead.replace("،", ","), "arabic.rt.com", "2025-05-28T08:00:00"),  # exact up to commas
        page("aggregator.txt", edited(lead, 2), "aggregator", "2025-05-28T10:00:00"),
        page("other0.txt", others[0]),
        page("other1.txt", others[1]),
    ]
    # Three edited words in 85 change a quarter of the 5-word shingles: a near copy at J >= 0.5.
    result = dedup_pages(pages, DedupParams(threshold=0.5))
    assert len(result.groups) == 1
    group = result.groups[0]
    ids = [result.corpus.ids[m] for m in group.members]
    assert ids == ["rt.txt", "libya.txt", "aggregator.txt"]  # earliest first
    assert group.kind == "near" and group.jaccard[1] == 1.0 and 0.5 < group.jaccard[2] < 0.8
    # At the default 0.8 the edited copy falls out and the two exact copies remain.
    strict = dedup_pages(pages)
    assert [[strict.corpus.ids[m] for m in g.members] for g in strict.groups] == [["rt.txt", "libya.txt"]]
    assert strict.groups[0].kind == "exact"


def test_dedup_finds_the_spa_wire_republished(shared: Path) -> None:
    """SaudiNewsNet, one day: SPA (was) stories appear again, near verbatim, in the papers."""
    result = dedup_paths([shared / SAUDI / "2015-08-11.jsonl.gz"], jobs=1)
    outlets = [{result.corpus.outlets[m] for m in g.members} for g in result.groups]
    with_spa = [o for o in outlets if "was" in o and len(o) > 1]
    assert len(with_spa) >= 20
    # Groups are connected pairs: each member has a verified partner (or a digest twin), not
    # necessarily the first member.
    assert (result.pair_jaccard >= 0.8).all()
    paired = set(result.pairs.ravel().tolist())
    digests = result.corpus.digests
    for g in result.groups:
        for m in g.members:
            assert m in paired or sum(digests[x] == digests[m] for x in g.members) > 1
    assert result.counts["near-duplicate pairs"] > 0


def test_dedup_reads_jsonl_as_the_reader_does(shared: Path) -> None:
    path = shared / SAUDI / "2015-08-09.jsonl.gz"
    fast = list(iter_texts([path]))
    pages = [text_item(p) if isinstance(p, Page) else p for p in iter_pages([path])]
    assert len(fast) == len(pages)
    for a, b in zip(fast, pages, strict=True):
        assert a == b if not isinstance(a, Exception) else str(a) == str(b)


# --- passage alignment ------------------------------------------------------------------------------


def test_reuse_maps_passages_to_original_offsets(lead: str, others: list[str]) -> None:
    """Seed 004's article inside another page, lightly edited: the span reported is the passage itself,
    in the characters of each text as given."""
    prefix, suffix = others[0][:600] + "\n\n", "\n\n" + others[1][:600]
    target = prefix + edited(lead, 3) + suffix
    found = list(find_reuse([Text("seed004", lead)], [Text("page", target)]))
    assert len(found) == 1
    p = found[0].passage
    assert p.source_start <= 10 and p.source_end >= len(lead) - 10
    assert abs(p.target_start - len(prefix)) <= 10
    assert abs(p.target_end - (len(target) - len(suffix))) <= 10
    assert p.score > 0.8


def test_reuse_tolerates_shuffled_words_and_finds_nothing_in_unrelated_text(lead: str, others: list[str]) -> None:
    words = lead.split()
    random.Random(4).shuffle(words)
    shuffled = others[1][:500] + " " + " ".join(words) + " " + others[1][500:1000]
    v = Vocabulary()
    src, tgt, unrelated = word_seq(lead, v), word_seq(shuffled, v), word_seq(others[0], v)
    for _ in range(30):  # a realistic vocabulary: common words must not count as rare
        word_seq(others[0], v), word_seq(others[1], v)
    weights = v.weights()
    found = align(src, tgt, weights)
    assert len(found) == 1 and found[0].score > 0.9
    start = shuffled.index(words[0])
    assert abs(found[0].target_start - start) <= 15
    assert align(src, unrelated, weights) == []


# --- provenance -----------------------------------------------------------------------------------


def test_provenance_of_seed_004_across_copies(lead: str, shared: Path) -> None:
    """RT writes; the Libyan paper republishes crediting RT; an aggregator republishes the Libyan page
    (crediting both); a fourth site copies it without a word."""
    seed_page = read_path(shared / SEED)[0]
    pages = [
        page("rt", lead, "arabic.rt.com", "2025-05-28T08:00:00"),
        page("marsad", lead + "\n\nالمصدر: RT", "almarsad.ly", "2025-05-28T09:00:00"),
        page("agg", seed_page.text, "aggregator.example", "2025-05-28T10:00:00"),
        page("copy", edited(lead, 5), "copycat.example", "2025-05-28T11:00:00"),
    ]
    refs = [r for p in pages for r in article_refs(segment_page(p))]
    result = trace(refs)
    edges = {(e.origin, e.outlet): (e.articles, e.credited) for e in result.edges}
    assert edges == {
        ("RT", "almarsad.ly"): (1, 1),
        ("RT", "aggregator.example"): (1, 1),
        ("RT", "copycat.example"): (1, 0),
    }
    links = {link["target"]: link for link in result.links()}
    assert links["copy"]["source"] == "rt" and links["copy"]["credited"] is False


def test_provenance_on_saudinewsnet_names_the_spa(shared: Path) -> None:
    refs = read_articles([shared / SAUDI / "2015-08-09.jsonl.gz"], jobs=1)
    result = trace(refs)
    origins = result.origins()
    assert origins[0]["origin"] == "واس"
    assert origins[0]["republished"] > 2 * origins[1]["republished"]
    assert 0 < origins[0]["credited"] < origins[0]["republished"]
    outlets = {row["outlet"]: row for row in result.outlets()}
    assert outlets["الرياض"]["credited"] > 0 and 0 < outlets["الرياض"]["credited_share"] < 1


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_reuse_jsonl_offsets(tmp_path: Path, lead: str, others: list[str]) -> None:
    src, tgt = tmp_path / "src", tmp_path / "tgt"
    src.mkdir(), tgt.mkdir()
    (src / "rt.txt").write_text(lead, encoding="utf-8")
    (src / "other.txt").write_text(others[0], encoding="utf-8")
    target = others[1][:400] + "\n" + lead + "\n" + others[1][400:800]
    (tgt / "page.txt").write_text(target, encoding="utf-8")
    result = CliRunner().invoke(app, ["reuse", str(src), str(tgt), "--format", "jsonl", "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"source", "target", "source_start", "source_end", "target_start", "target_end", "score"}
    assert row["source"] == str(src / "rt.txt") and row["target"] == str(tgt / "page.txt")
    assert target[row["target_start"] : row["target_end"]] == lead[row["source_start"] : row["source_end"]]


def test_cli_dedup_and_provenance(tmp_path: Path, shared: Path) -> None:
    with gzip.open(shared / SAUDI / "2015-08-09.jsonl.gz", "rt", encoding="utf-8") as day:
        lines = day.read().splitlines()[:400]
    corpus = tmp_path / "day.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["dedup", str(corpus), "--format", "jsonl", "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    groups = [json.loads(line) for line in result.stdout.splitlines()]
    assert groups and all(g["size"] == len(g["members"]) >= 2 for g in groups)
    assert all(re.match(r"https?://", m["id"]) for g in groups for m in g["members"])
    table = runner.invoke(app, ["dedup", str(corpus), "-q", "-j", "1"])
    assert table.stdout.startswith("group 1:")
    prov = runner.invoke(app, ["provenance", str(corpus), "--format", "json", "-q", "-j", "1"])
    assert prov.exit_code == 0, prov.output
    graph = json.loads(prov.stdout)
    assert {"counts", "origins", "outlets", "edges"} <= set(graph)
    assert all(e["articles"] == e["credited"] + e["uncredited"] for e in graph["edges"])
