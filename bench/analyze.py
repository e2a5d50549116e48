"""Per-article analysis cost, stage by stage: CPU milliseconds per article for read, segment, each
annotator of `rawi analyze` and the store rows a worker makes of a page (what `rawi run` does in its
worker processes), on the seed pages and a sample of SaudiNewsNet (one process, one core).

    .venv/bin/python bench/analyze.py [--pages 1000] [--repeat 1] [--dump /tmp/out.jsonl] [--profile 40]

The sample is the first pages of every SaudiNewsNet day (so every outlet and month is in it) plus the seeds;
boilerplate is learned from the sample itself. Times are `time.process_time` (CPU of this process), which
other jobs on the machine disturb less than wall time. `--dump` writes every analyzed page as one JSON line
(sorted keys), and its store rows (ingestion time fixed) to the same path + `.rows`, so that two versions
of the code can be diffed for identical output; `--profile N` prints cProfile's top N functions (by own
time, or `--sort cumulative`) over the whole analysis.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

from rawi.annotate.pipeline import Annotator, default_annotators
from rawi.engine.sinks import store_rows
from rawi.engine.stages import stage_name
from rawi.model import Page, SegmentedPage
from rawi.read import iter_pages
from rawi.segment import BoilerplateIndex, segment_page
from rawi.store.rows import page_rows

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))


def sample_pages(shared: Path, n: int) -> tuple[list[Page], float]:
    """The seeds and about `n` SaudiNewsNet pages, spread over the days; CPU seconds spent reading."""
    days = sorted((shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz"))
    per_day = max(1, -(-n // len(days)))
    pages: list[Page] = []
    t0 = time.process_time()
    for item in iter_pages([shared / "corpus" / "seeds"]):
        if isinstance(item, Page):
            pages.append(item)
    for day in days:
        taken = 0
        for item in iter_pages([day]):
            if isinstance(item, Page):
                pages.append(item)
                taken += 1
                if taken >= per_day:
                    break
    return pages, time.process_time() - t0


def run(
    pages: list[Page], boilerplate: BoilerplateIndex, annotators: list[Annotator], keep: bool = False
) -> tuple[list[SegmentedPage], dict[str, float], int]:
    """Segment and annotate every page; CPU seconds per stage and the number of articles. The results are
    kept only with `keep`: as in a streaming run, where a kept heap would slow every garbage collection."""
    spent: dict[str, float] = defaultdict(float)
    results: list[SegmentedPage] = []
    clock = time.process_time
    n_articles = 0
    for page in pages:
        t = clock()
        result = segment_page(page, boilerplate)
        spent["segment"] += clock() - t
        articles = []
        for article in result.articles:
            for step in annotators:
                t = clock()
                article = step(article)
                spent[stage_name(step)] += clock() - t
            articles.append(article)
        n_articles += len(articles)
        result.articles = articles
        t = clock()
        store_rows(result)
        spent["store rows"] += clock() - t
        if keep:
            results.append(result)
    return results, spent, n_articles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--pages", type=int, default=1000, help="SaudiNewsNet pages in the sample (plus the seeds)")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs; the fastest of each stage is shown")
    ap.add_argument("--dump", type=Path, help="write the analyzed pages here, one sorted-keys JSON line each")
    ap.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions")
    ap.add_argument("--out", type=Path, help="write the table as JSON here (e.g. bench/results/analyze.json)")
    ap.add_argument("--sort", default="tottime", help="the profile's order: tottime (own time) or cumulative")
    args = ap.parse_args()

    pages, read_s = sample_pages(args.shared, args.pages)
    boilerplate = BoilerplateIndex().observe_all(pages)
    annotators = default_annotators()
    t = time.process_time()
    run(pages[:20], boilerplate, annotators)  # models load on first use: keep that out of the table
    warm_s = time.process_time() - t

    best: dict[str, float] = {}
    results: list[SegmentedPage] = []
    n_articles = 0
    for _ in range(args.repeat):
        results, spent, n_articles = run(pages, boilerplate, annotators, keep=args.dump is not None)
        for stage, s in spent.items():
            best[stage] = min(best.get(stage, s), s)

    load = os.getloadavg()
    print(
        f"{len(pages)} pages, {n_articles} articles; model load + warm-up {warm_s:.2f} s CPU; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(f"{'stage':<22}{'CPU s':>9}{'ms/article':>12}")
    rows = [("read", read_s), *best.items()]
    for stage, s in rows:
        print(f"{stage:<22}{s:>9.2f}{1000 * s / n_articles:>12.2f}")
    total = sum(s for _, s in rows)
    annotate = sum(s for stage, s in best.items() if stage.startswith("annotate:"))
    print(f"{'annotators':<22}{annotate:>9.2f}{1000 * annotate / n_articles:>12.2f}")
    print(f"{'total':<22}{total:>9.2f}{1000 * total / n_articles:>12.2f}")
    if args.out:
        report = {
            "command": " ".join(["python", "bench/analyze.py", *sys.argv[1:]]),
            "pages": len(pages),
            "articles": n_articles,
            "repeat": args.repeat,
            "load_average": [round(x, 2) for x in load],
            "cpu_ms_per_article": {stage: round(1000 * s / n_articles, 3) for stage, s in rows},
            "annotators_ms_per_article": round(1000 * annotate / n_articles, 3),
            "total_ms_per_article": round(1000 * total / n_articles, 3),
        }
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")

    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for result in results:
                fh.write(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
        with args.dump.with_name(args.dump.name + ".rows").open("w", encoding="utf-8") as fh:
            for result in results:
                rows = page_rows(result, "ingested")
                fh.write(json.dumps(dataclasses.asdict(rows), ensure_ascii=False, sort_keys=True) + "\n")
        print(f"wrote {args.dump} and its .rows")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(pages, boilerplate, annotators)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)


if __name__ == "__main__":
    main()
