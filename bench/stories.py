"""Stories on all of SaudiNewsNet: time, and B-cubed quality on the hand-labelled sample.

    .venv/bin/python bench/stories.py [--jobs 2]

Reads and segments every article, finds near duplicates, clusters, describes every story (title, summary,
timeline), then scores the clustering against tests/data/stories_sample.tsv at both granularities (`story`
and the broader `event`). Prints a table; writes bench/results/stories.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rawi.connect.stories import stories_paths
from rawi.connect.story_eval import bcubed, read_labels

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--jobs", type=int, default=0, help="processes for reading (0: one per core)")
    args = ap.parse_args()
    files = sorted((args.shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz"))
    t0 = time.perf_counter()
    run = stories_paths(files, jobs=args.jobs or None)
    seconds = time.perf_counter() - t0
    results = {"seconds": round(seconds, 1), **run.counts, "unreadable": len(run.errors), "quality": {}}
    print(f"SaudiNewsNet: {run.counts['articles']} articles -> {run.counts['stories']} stories in {seconds:.1f} s")
    assigned = run.story_of_uri()
    print(f"{'labels':8} {'P':>6} {'R':>6} {'F1':>6} {'items':>6}")
    for level in ("story", "event"):
        score = bcubed(read_labels(ROOT / "tests" / "data" / "stories_sample.tsv", level), assigned)
        results["quality"][level] = score
        print(f"{level:8} {score['precision']:6.3f} {score['recall']:6.3f} {score['f1']:6.3f} {score['items']:6d}")
    (ROOT / "bench" / "results" / "stories.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
