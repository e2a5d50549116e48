"""Stories on all of SaudiNewsNet: time, and B-cubed quality on the hand-labelled sample.

    .venv/bin/python bench/stories.py [--jobs 2]
    .venv/bin/python bench/stories.py --hook 2015-08-09 2015-08-10 2015-08-11

Reads and segments every article, computes the vectors (while the workers sketch near duplicates), finds
near duplicates, clusters, describes every story (title, summary, timeline), then scores the clustering
against tests/data/stories_sample.tsv at both granularities (`story` and the broader `event`). Prints a table
with the time of each step (the clustering proper is `vectors` + `clustering`), the CPU seconds of the main
process and of the workers, and the load average (the machine may be shared: CPU seconds are steadier than
wall time there); writes bench/results/stories.json.

`--hook DAY…` times the stories update hook instead: the days' pages, segmented (not annotated), stored in
a temporary SQLite store in batches of 200 as `rawi ingest` does, the hook timed per batch (CPU seconds of
the hook alone, and the articles it kept in memory); writes bench/results/stories-hook.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from rawi.connect.stories import stories_paths
from rawi.connect.story_eval import bcubed, read_labels
from rawi.connect.story_hook import StoryHook
from rawi.errors import InputError
from rawi.read import iter_pages
from rawi.segment import segment_page
from rawi.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class TimedHook(StoryHook):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[dict[str, float]] = []

    def update(self, store: Store, article_ids: Sequence[str]) -> Mapping[str, int]:
        t0, c0 = time.perf_counter(), time.process_time()
        out = super().update(store, article_ids)
        self.batches.append(
            {
                "articles": len(article_ids),
                "cpu_s": round(time.process_time() - c0, 3),
                "wall_s": round(time.perf_counter() - t0, 3),
                "kept": len(self.docs),
            }
        )
        return out


def hook(shared: Path, days: list[str]) -> None:
    files = [shared / "corpus" / "saudinewsnet" / f"{d}.jsonl.gz" for d in days]
    pages = [segment_page(p) for p in iter_pages(files) if not isinstance(p, InputError)]
    h = TimedHook()
    before = load()
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "rawi.db")) as store:
        t0 = time.perf_counter()
        store.ingest(pages, hooks=[h])
        total = time.perf_counter() - t0
    cpu = sum(b["cpu_s"] for b in h.batches)
    print(f"{len(pages)} pages of {', '.join(days)}: ingest {total:.1f} s, of which the stories hook {cpu:.1f} s CPU")
    print(f"{'batch':>5} {'articles':>8} {'kept':>6} {'cpu s':>6} {'wall s':>7}")
    for k, b in enumerate(h.batches):
        print(f"{k:5d} {b['articles']:8.0f} {b['kept']:6.0f} {b['cpu_s']:6.2f} {b['wall_s']:7.2f}")
    print(f"load average {before} before, {load()} after")
    results = {"days": days, "pages": len(pages), "ingest_s": round(total, 1), "hook_cpu_s": round(cpu, 1)}
    results |= {"load_average": [before, load()], "batches": h.batches}
    (ROOT / "bench" / "results" / "stories-hook.json").write_text(json.dumps(results, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--jobs", type=int, default=0, help="processes for reading (0: one per core)")
    ap.add_argument("--hook", nargs="+", metavar="DAY", help="time the update hook on these days instead")
    args = ap.parse_args()
    if args.hook:
        hook(args.shared, args.hook)
        return
    files = sorted((args.shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz"))
    before = load()
    t0, c0 = time.perf_counter(), time.process_time()
    run = stories_paths(files, jobs=args.jobs or None)
    seconds, main_cpu = time.perf_counter() - t0, time.process_time() - c0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = children.ru_utime + children.ru_stime
    results = {"seconds": round(seconds, 1), **run.counts, "unreadable": len(run.errors), "quality": {}}
    results["steps"] = {k: round(v, 1) for k, v in run.timings.items()}
    results["cpu_s"] = {"main": round(main_cpu, 1), "workers": round(workers_cpu, 1)}
    results["load_average"] = [before, load()]
    print(f"SaudiNewsNet: {run.counts['articles']} articles -> {run.counts['stories']} stories in {seconds:.1f} s")
    for step, s in run.timings.items():
        print(f"  {step:18} {s:6.1f} s")
    print(f"CPU: main process {main_cpu:.1f} s, workers {workers_cpu:.1f} s")
    print(f"load average {before} before, {load()} after")
    assigned = run.story_of_uri()
    print(f"{'labels':8} {'P':>6} {'R':>6} {'F1':>6} {'items':>6}")
    for level in ("story", "event"):
        score = bcubed(read_labels(ROOT / "tests" / "data" / "stories_sample.tsv", level), assigned)
        results["quality"][level] = score
        print(f"{level:8} {score['precision']:6.3f} {score['recall']:6.3f} {score['f1']:6.3f} {score['items']:6d}")
    (ROOT / "bench" / "results" / "stories.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
