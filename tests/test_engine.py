"""The local engine: parallel results equal serial ones, failures are isolated, memory stays bounded, and a
run killed with SIGKILL resumes to store every article exactly once."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest

from rawi.annotate.pipeline import default_annotators
from rawi.engine.local import analyze_page, analyze_paths, frozen, learn_boilerplate
from rawi.engine.runner import RunOptions, run_local
from rawi.engine.sinks import ERRORS, LEDGER, PAGES, ErrorLog, JsonlSink
from rawi.engine.stream import IdSet, chunked
from rawi.errors import InputError
from rawi.model import Article, Page
from rawi.read import iter_pages
from rawi.segment import segment_page

RAWI = [sys.executable, "-m", "rawi"]


def slice_corpus(shared: Path, out: Path, records: int, day: str = "2015-07-21") -> Path:
    """The first `records` SaudiNewsNet records of one day, as a gzip JSONL file of their own."""
    src = shared / "corpus" / "saudinewsnet" / f"{day}.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh, gzip.open(out, "wt", encoding="utf-8") as dst:
        dst.writelines(islice(fh, records))
    return out


@pytest.fixture(scope="module")
def small(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("small")
    return [str(shared / "corpus" / "seeds"), str(slice_corpus(shared, folder / "sns.jsonl.gz", 300))]


# --- annotators that misbehave on one page (module level: workers import them by name) -------------------

POISON = "POISONED-PAGE"


def annotate_boom(article: Article) -> Article:
    if POISON in article.text:
        raise ValueError("boom on purpose")
    return article


def annotate_crash(article: Article) -> Article:
    if POISON in article.text:
        os._exit(3)  # a worker dying without a word (segfault, OOM kill)
    return article


def annotate_hang(article: Article) -> Article:
    if POISON in article.text:
        time.sleep(3600)
    return article


def _with_poison(folder: Path, small: list[str]) -> list[str]:
    poison = folder / "poison.txt"
    poison.write_text(f"عنوان\n\nهذه صفحة فيها {POISON} وسط نص عربي طويل بما يكفي ليكون مقالا.\n", encoding="utf-8")
    return [small[0], str(poison), *small[1:]]


# --- parallel = serial --------------------------------------------------------------------------------


def test_workers_give_the_same_pages_in_the_same_order(small: list[str]) -> None:
    serial = [r.to_json() if not isinstance(r, InputError) else str(r) for r in analyze_paths(small)]
    parallel = [r.to_json() if not isinstance(r, InputError) else str(r) for r in analyze_paths(small, workers=2)]
    assert len(serial) > 250
    assert parallel == serial


def test_analyze_cli_workers_keeps_order(small: list[str]) -> None:
    def out(*extra: str) -> str:
        proc = subprocess.run(
            [*RAWI, "analyze", *small, "--format", "jsonl", "-q", *extra], capture_output=True, text=True, timeout=300
        )
        return proc.stdout

    one = out()
    assert one.count("\n") > 250 and out("--workers", "2") == one


def test_frozen_boilerplate_answers_the_same(small: list[str]) -> None:
    full = learn_boilerplate(small)
    kept = frozen(full)
    assert 0 < len(kept.lines) < len(full.lines)
    pages = [p for p in iter_pages(small) if isinstance(p, Page)][:120]
    assert [segment_page(p, kept).to_json() for p in pages] == [segment_page(p, full).to_json() for p in pages]


# --- failures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("annotator", "stage"), [(annotate_boom, "annotate:boom"), (annotate_crash, "worker")])
def test_a_failing_page_goes_to_the_errors_file_and_the_run_goes_on(
    tmp_path: Path, small: list[str], annotator: object, stage: str
) -> None:
    inputs = _with_poison(tmp_path, small)
    sink = JsonlSink(tmp_path / "out")
    options = RunOptions(workers=2, annotators=[*default_annotators(), annotator])  # type: ignore[list-item]
    report = run_local(inputs, sink, ErrorLog(tmp_path / "out" / ERRORS), options)
    errors = [json.loads(line) for line in (tmp_path / "out" / ERRORS).read_text().splitlines()]
    poisoned = [e for e in errors if e["uri"].endswith("poison.txt")]
    assert len(poisoned) == 1 and poisoned[0]["stage"] == stage
    if stage != "worker":
        assert "boom on purpose" in poisoned[0]["reason"]
    written = (tmp_path / "out" / PAGES).read_text().splitlines()
    assert len(written) == report.written == report.read - 1  # every other page, once
    assert all(e.keys() == {"uri", "page_id", "stage", "reason"} for e in errors)


def test_a_hanging_page_times_out(tmp_path: Path, small: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rawi.engine.local.PAGE_TIMEOUT", 1.0)
    inputs = _with_poison(tmp_path, small[:1])
    results = list(analyze_paths(inputs, annotators=[annotate_hang], workers=2))
    failed = [r for r in results if isinstance(r, InputError)]
    assert len(results) == 4 and len(failed) == 1 and "poison.txt" in str(failed[0])


def test_read_errors_are_logged_with_their_stage(tmp_path: Path, small: list[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"content": "نص"}\nnot json\n', encoding="utf-8")
    run_local([str(bad)], JsonlSink(tmp_path / "out"), ErrorLog(tmp_path / "errors.jsonl"), RunOptions())
    (error,) = [json.loads(x) for x in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert error["stage"] == "read" and error["uri"].endswith("bad.jsonl:2") and "not JSON" in error["reason"]


# --- resume -------------------------------------------------------------------------------------------


def test_folder_run_resumes_after_a_torn_write(tmp_path: Path, small: list[str]) -> None:
    out = tmp_path / "out"
    clean = tmp_path / "clean"
    run_local(small, JsonlSink(clean, batch_size=50), ErrorLog(clean / ERRORS), RunOptions(workers=2))
    expected = (clean / PAGES).read_text()
    # An interrupted run: two batches recorded, a third written but not in the ledger, a torn line.
    lines = expected.splitlines(keepends=True)
    ledger = (clean / LEDGER).read_text().splitlines(keepends=True)
    out.mkdir()
    (out / PAGES).write_text("".join(lines[:150]) + lines[150][:40], encoding="utf-8")
    (out / LEDGER).write_text("".join(ledger[:2]) + ledger[2][:10], encoding="utf-8")
    report = run_local(small, JsonlSink(out, batch_size=50), ErrorLog(out / ERRORS), RunOptions(workers=2))
    assert report.skipped == 100 and report.written == len(lines) - 100
    assert (out / PAGES).read_text() == expected


def test_repeated_inputs_are_written_once(tmp_path: Path, small: list[str]) -> None:
    report = run_local(
        [small[0], small[0]], JsonlSink(tmp_path / "o"), ErrorLog(tmp_path / "e.jsonl"), RunOptions(workers=2)
    )
    ids = [json.loads(x)["page"]["id"] for x in (tmp_path / "o" / PAGES).read_text().splitlines()]
    assert report.repeated == 3 and len(ids) == len(set(ids)) == 3


def _stored(db: Path) -> tuple[int, set[str], set[str]]:
    if not db.exists():
        return 0, set(), set()
    with sqlite3.connect(db, timeout=30) as conn:
        pages = {r[0] for r in conn.execute("SELECT id FROM pages")}
        rows = [r[0] for r in conn.execute("SELECT id FROM articles")]
    return len(rows), pages, set(rows)


def _wait_for_pages(db: Path, proc: subprocess.Popen[str], at_least: int, timeout: float = 240) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            n = len(_stored(db)[1])
        except sqlite3.OperationalError:  # schema being created
            n = 0
        if n >= at_least:
            return n
        time.sleep(0.2)
    pytest.fail(f"the run stored fewer than {at_least} pages before it ended or timed out")


def test_sigkill_halfway_then_rerun_stores_every_article_once(shared: Path, tmp_path: Path) -> None:
    corpus = slice_corpus(shared, tmp_path / "sns.jsonl.gz", 1200, day="2015-07-22")
    db = tmp_path / "rawi.db"
    boilerplate = learn_boilerplate([corpus])
    pages = [p for p in iter_pages([corpus]) if isinstance(p, Page)]
    expected = {a.id for p in pages for a in segment_page(p, boilerplate).articles}
    command = [*RAWI, "run", str(corpus), "--db", str(db), "--workers", "2", "--batch-size", "50", "-q"]

    first = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL, text=True)
    try:
        before = _wait_for_pages(db, first, len(pages) // 3)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the main process and its workers, mid-batch
        first.wait()
    assert len(_stored(db)[1]) < len(pages), "the run finished before it could be killed"

    second = subprocess.run(
        [*RAWI, "run", str(corpus), "--db", str(db), "--workers", "2"], capture_output=True, text=True, timeout=600
    )
    assert second.returncode == 1, second.stderr  # SaudiNewsNet holds records without text
    rows, page_ids, article_ids = _stored(db)
    assert rows == len(article_ids) == len(expected) and article_ids == expected
    assert page_ids == {p.id for p in pages}
    skipped = next(line for line in second.stderr.splitlines() if "done by an earlier run" in line)
    assert int(skipped.split()[-1]) >= before  # nothing stored before the kill was analyzed again


def _session_members(sid: int) -> list[int]:
    """The processes of session `sid` (Linux /proc): a run started with start_new_session and its children."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while we looked
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields after "comm)": state, ppid, pgrp, session
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_main_process_is_killed(shared: Path, tmp_path: Path) -> None:
    corpus = slice_corpus(shared, tmp_path / "sns.jsonl.gz", 600, day="2015-07-23")
    db = tmp_path / "rawi.db"
    command = [*RAWI, "run", str(corpus), "--db", str(db), "--workers", "2", "--batch-size", "50", "-q"]
    run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL, text=True)
    try:
        _wait_for_pages(db, run, 50)
        assert len(_session_members(run.pid)) >= 3, "the run has no worker processes to watch"
        os.kill(run.pid, signal.SIGKILL)  # the main process only, as the OOM killer would
        run.wait()
        deadline = time.monotonic() + 20
        while _session_members(run.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _session_members(run.pid) == [], "worker processes outlived their main process"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)


# --- small parts --------------------------------------------------------------------------------------


def test_id_set_is_exact() -> None:
    ids = [f"{i:016x}" for i in range(0, 300_000, 3)]
    s = IdSet(ids, merge_every=1000)
    assert len(s) == len(ids)
    assert all(i in s for i in ids[::97]) and f"{1:016x}" not in s and "not-hex" not in s
    s.add("not-hex")
    assert "not-hex" in s


def test_chunks_are_bounded_by_count_and_size() -> None:
    assert [len(c) for c in chunked(range(10), 4)] == [4, 4, 2]
    assert [c for c in chunked(["aaaa", "b", "cccccc", "d"], 10, max_chars=5, chars=len)] == [
        ["aaaa", "b"],
        ["cccccc"],
        ["d"],
    ]


def test_emptying_the_word_memos_changes_no_result(small: list[str]) -> None:
    """A worker over its memory share empties the annotators' per-word caches (engine.memory): the pages
    analyzed after that are the same, and the model loaders are kept."""
    from rawi.annotate.quote_cues import cue_forms
    from rawi.engine.memory import MemoryGuard, clear_word_memos
    from rawi.text.stem import stem

    steps = default_annotators()
    pages = [p for p in islice(iter_pages(small), 40) if isinstance(p, Page)]
    before = [analyze_page(p, None, steps).to_json() for p in pages]
    assert stem.cache_info().currsize and cue_forms.cache_info().currsize
    assert clear_word_memos() >= 5
    assert stem.cache_info().currsize == 0 and cue_forms.cache_info().currsize == 1
    after = []
    guard = MemoryGuard(budget_mb=0.0)  # over budget at every look
    for page in pages:
        after.append(analyze_page(page, None, steps).to_json())
        guard.after(50)
    assert after == before
    assert guard.clears == len(pages) // 2 and stem.cache_info().currsize < 1000


def test_memory_guard_looks_every_so_many_pages() -> None:
    from rawi.engine.memory import CHECK_EVERY, MemoryGuard, resident_bytes
    from rawi.text.stem import stem

    assert resident_bytes() > 10 * 2**20
    stem("والمدارس")
    roomy = MemoryGuard(budget_mb=1e9)
    roomy.after(10 * CHECK_EVERY)
    assert roomy.clears == 0 and stem.cache_info().currsize
    none = MemoryGuard(budget_mb=None)
    none.after(10 * CHECK_EVERY)
    assert none.clears == 0 and stem.cache_info().currsize
    tight = MemoryGuard(budget_mb=1.0)
    tight.after(CHECK_EVERY - 1)
    assert tight.clears == 0
    tight.after(1)
    assert tight.clears == 1 and stem.cache_info().currsize == 0
