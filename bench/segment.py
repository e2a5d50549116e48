"""Benchmark: reading + segmenting SaudiNewsNet on one core; pages/s and peak memory as input grows.

    .venv/bin/python bench/segment.py            # 10%, 25%, 50%, 100% of the corpus, one process each
    .venv/bin/python bench/segment.py --fractions 1.0 --no-boilerplate

Each fraction runs in a fresh process so that its peak resident memory (ru_maxrss) is its own: memory
that stays flat while the input grows shows the pipeline streams. Results are printed as a table and
written to bench/results/segment.json with the machine description.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "saudinewsnet"


def run_one(fraction: float, boilerplate: bool) -> dict[str, float]:
    """Read and segment the first `fraction` of the corpus files in this process."""
    from rawi.engine.local import learn_boilerplate
    from rawi.model import Page
    from rawi.read import iter_pages
    from rawi.segment import segment_page

    files = sorted(CORPUS.glob("*.jsonl.gz"))
    files = files[: max(1, round(len(files) * fraction))]
    start = time.perf_counter()
    index = learn_boilerplate(files) if boilerplate else None
    learned = time.perf_counter()
    pages = articles = removed = 0
    for item in iter_pages(files):
        if isinstance(item, Page):
            result = segment_page(item, index)
            pages += 1
            articles += len(result.articles)
            removed += len(result.removed)
    elapsed = time.perf_counter() - start
    return {
        "fraction": fraction,
        "files": len(files),
        "pages": pages,
        "articles": articles,
        "removed_lines": removed,
        "seconds": round(elapsed, 2),
        "learn_seconds": round(learned - start, 2),
        "pages_per_s": round(pages / elapsed, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.25, 0.5, 1.0])
    parser.add_argument("--no-boilerplate", action="store_true", help="skip the boilerplate-learning pass")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_one(args.child, not args.no_boilerplate)))
        return

    rows = []
    for fraction in args.fractions:
        cmd = [sys.executable, __file__, "--child", str(fraction)] + (
            ["--no-boilerplate"] if args.no_boilerplate else []
        )
        # taskset pins the child to one core where available: the figure is per core.
        if Path("/usr/bin/taskset").exists():
            cmd = ["taskset", "-c", os.environ.get("RAWI_BENCH_CPU", "0"), *cmd]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))

    header = ["fraction", "files", "pages", "articles", "removed_lines", "seconds", "pages_per_s", "peak_rss_mb"]
    print(f"read + segment SaudiNewsNet, one core, boilerplate learning {'off' if args.no_boilerplate else 'on'}")
    print(" | ".join(f"{h:>13}" for h in header))
    for row in rows:
        print(" | ".join(f"{row[h]!s:>13}" for h in header))
    machine = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    result = {"benchmark": "segment", "machine": machine, "boilerplate": not args.no_boilerplate, "rows": rows}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "segment.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
