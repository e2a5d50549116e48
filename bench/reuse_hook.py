"""Benchmark: the update hooks of `rawi ingest` alone, replayed batch by batch over a stored ingest.

    .venv/bin/python bench/reuse_hook.py record --fraction 0.1 --db /tmp/hooks10.db   # ingest once, no hooks
    .venv/bin/python bench/reuse_hook.py replay --db /tmp/hooks10.db --links /tmp/links10.json
    .venv/bin/python bench/reuse_hook.py replay --db /tmp/hooks10.db --hooks reuse,stories --side-workers 2 \
        --out bench/results/reuse_hook.json   # the hooks lent a pool of 2 processes, as rawi ingest lends its own

`record` runs the pipeline of `rawi ingest` (2 workers) into a fresh SQLite store without the update hooks,
and writes beside the store the article ids each batch added (what `run_hooks` hands a hook).
`replay` copies that store with its reuse links emptied and calls each hook with the same batches, the store
showing only the articles stored up to the batch (as during the ingest): the hook's own CPU seconds
(process_time, unaffected by other jobs' load), batch by batch, without re-analyzing a page. With --links,
the reuse links written are saved as JSON (sorted; compare two runs field for field with `cmp`). The peak
resident size is the replay's own, a little above the hooks' (the replay's store lists whole days at once).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import fraction_folder  # noqa: E402  (bench/run.py: the first part of each day's file)


class _Recorder:
    """A hook that only notes the article ids of each batch."""

    name = "record"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def update(self, store: Any, article_ids: list[str]) -> dict[str, int]:
        self.batches.append(list(article_ids))
        return {}


def record(fraction: float, db: Path, workers: int) -> None:
    from rawi.engine.local import analyze_paths_prepared
    from rawi.engine.sinks import StoreSink
    from rawi.errors import InputError
    from rawi.store import open_store

    for p in (db, db.with_suffix(".batches.json")):
        p.unlink(missing_ok=True)
    files = sorted(str(p) for p in fraction_folder(fraction).glob("*.jsonl.gz"))
    recorder = _Recorder()
    start = time.perf_counter()
    with open_store(str(db)) as store:
        sink = StoreSink(store, hooks=[recorder])
        items = analyze_paths_prepared(files, workers=workers, prepare=sink.prepare)
        sink.consume((x for x in items if not isinstance(x, InputError)), lambda n: None)
    db.with_suffix(".batches.json").write_text(json.dumps(recorder.batches))
    articles = sum(len(b) for b in recorder.batches)
    print(f"{articles} articles in {len(recorder.batches)} batches, {time.perf_counter() - start:.0f} s", flush=True)


def _replay_store(path: Path) -> Any:
    """The store at `path`, listing only the articles in `allowed` (those stored so far in the replay)."""
    from rawi.store.records import ArticleList
    from rawi.store.sqlite import SqliteStore

    class ReplayStore(SqliteStore):
        allowed: set[str]

        def list_articles(self, filters: Any = None, *, offset: int = 0, limit: int = 20) -> ArticleList:
            every = super().list_articles(filters, offset=0, limit=10**9)
            items = [s for s in every.items if s.id in self.allowed]
            return ArticleList(items[offset : offset + limit], len(items), offset, limit)

    store = ReplayStore(str(path))
    store.allowed = set()
    return store


def _side_pool(workers: int) -> Any:
    """A pool of `workers` processes lent to the hooks (as `rawi ingest` lends its analysis workers)."""
    from contextlib import ExitStack

    from rawi.engine.pool import OrderedPool, lent

    stack = ExitStack()
    if workers:
        pool: OrderedPool[Any, Any] = OrderedPool(list, workers, failed=lambda item, reason: item)
        stack.enter_context(pool)
        stack.enter_context(lent(pool))
    return stack


def replay(
    db: Path, hooks: list[str], links_out: Path | None, limit: int | None, side: int = 0, out: Path | None = None
) -> dict[str, Any]:
    from rawi.connect.reuse_hook import ReuseHook

    batches = json.loads(db.with_suffix(".batches.json").read_text())[:limit]
    work = Path(f"/tmp/replay-{os.getpid()}.db")
    shutil.copy(db, work)
    try:
        store = _replay_store(work)
        with store._transaction():
            store._run("DELETE FROM reuse_links", ())
        made: list[Any] = []
        for name in hooks:
            if name == "reuse":
                made.append(ReuseHook())
            elif name == "stories":
                from rawi.connect.story_hook import StoryHook

                made.append(StoryHook())
        cpu = {h.name: 0.0 for h in made}
        counts: dict[str, int] = {}
        wall = 0.0
        with _side_pool(side):
            for n, ids in enumerate(batches):
                store.allowed.update(ids)
                for hook in made:
                    started, started_wall = time.process_time(), time.perf_counter()
                    for k, v in hook.update(store, ids).items():
                        counts[k] = counts.get(k, 0) + v
                    cpu[hook.name] += time.process_time() - started
                    wall += time.perf_counter() - started_wall
                if n % 20 == 0:
                    print(f"batch {n}/{len(batches)} " + " ".join(f"{k} {v:.1f}s" for k, v in cpu.items()), flush=True)
        links = [
            list(row)
            for row in store._all(
                "SELECT source_article, target_article, kind, spans, credited, score FROM reuse_links "
                "ORDER BY source_article, target_article",
                (),
            )
        ]
        if links_out is not None:
            links_out.write_text(json.dumps(links, ensure_ascii=False, indent=0))
        with open("/proc/self/status") as fh:
            peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024
        result = {
            "batches": len(batches),
            "articles": sum(len(b) for b in batches),
            "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
            "hooks_wall_seconds": round(wall, 1),
            "side_workers": side,
            "counts": counts,
            "links": len(links),
            "peak_rss_mb": round(peak),
            "load_average": os.getloadavg(),
        }
        print(json.dumps(result), flush=True)
        if out is not None:
            out.write_text(json.dumps({"command": " ".join(["python", *sys.argv]), **result}, indent=1) + "\n")
        return result
    finally:
        work.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("--fraction", type=float, default=0.1)
    rec.add_argument("--db", type=Path, required=True)
    rec.add_argument("--workers", type=int, default=2)
    rep = sub.add_parser("replay")
    rep.add_argument("--db", type=Path, required=True)
    rep.add_argument("--hooks", default="reuse", help="comma-separated: reuse, stories")
    rep.add_argument("--links", type=Path, help="write the reuse links here (JSON)")
    rep.add_argument("--batches", type=int, help="only the first N batches")
    rep.add_argument("--side-workers", type=int, default=0, help="lend the hooks a pool of N processes")
    rep.add_argument("--out", type=Path, help="write the result here (e.g. bench/results/reuse_hook.json)")
    args = ap.parse_args()
    if args.what == "record":
        record(args.fraction, args.db, args.workers)
    else:
        replay(args.db, args.hooks.split(","), args.links, args.batches, args.side_workers, args.out)


if __name__ == "__main__":
    main()
