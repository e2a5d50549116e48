"""Benchmark: the dates annotator on SaudiNewsNet, against a plain pass over the same text.

    .venv/bin/python bench/dates.py                 # the whole corpus (31k articles)
    .venv/bin/python bench/dates.py --limit 2000    # the first 2000 articles
    .venv/bin/python bench/dates.py --analyze       # also time `rawi analyze`'s pipeline on the same pages

The corpus is read directly with gzip + json (not through rawi.read) and held in memory, so that the
timings are of the work alone: find_dates over every `content` with published = `date_extracted`, and
a baseline pass tokenizing the same texts with rawi.text.tokenize. With --analyze, the pages also go
through rawi's local engine (read + segment + the default annotators, as `rawi analyze` runs them) and
then annotate_dates on the articles that come out: the overhead the issue bounds at 10%.
Times are CPU seconds of this process (the machine is shared) with wall seconds beside them; each pass
runs --repeat times and the best is kept. A full run writes bench/results/dates.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "saudinewsnet"


def load(limit: int | None) -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = []
    for path in sorted(CORPUS.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                articles.append(json.loads(line))
                if limit is not None and len(articles) >= limit:
                    return articles
    return articles


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best CPU seconds, wall seconds of that run, the result of the last run)."""
    best = (float("inf"), 0.0)
    result = None
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        result = work()
        best = min(best, (time.process_time() - cpu, time.perf_counter() - wall))
    return best[0], best[1], result


def kind(mention: dict[str, Any]) -> str:
    relative = " relative" if mention["relative"] else ""
    return f"{mention['calendar']} {mention['precision']}{relative}"


def run_dates(articles: list[dict[str, Any]], repeat: int) -> dict[str, Any]:
    from rawi.annotate.dates import find_dates
    from rawi.text import tokenize

    texts = [(a.get("content") or "", a.get("date_extracted") or None) for a in articles]
    base_cpu, base_wall, _ = timed(lambda: [tokenize(text) for text, _ in texts], repeat)
    cpu, wall, found = timed(lambda: [find_dates(text, published) for text, published in texts], repeat)
    kinds = Counter(kind(m) for mentions in found for m in mentions)
    return {
        "articles": len(texts),
        "chars": sum(len(text) for text, _ in texts),
        "seconds_cpu": round(cpu, 3),
        "seconds_wall": round(wall, 3),
        "articles_per_s": round(len(texts) / cpu, 1) if cpu else None,
        "mentions": sum(kinds.values()),
        "without_value": sum(1 for mentions in found for m in mentions if m["value"] is None),
        "articles_with_mentions": sum(1 for mentions in found if mentions),
        "kinds": dict(kinds.most_common()),
        "baseline_tokenize_cpu": round(base_cpu, 3),
        "baseline_tokenize_wall": round(base_wall, 3),
        "ratio_to_tokenize": round(cpu / base_cpu, 3) if base_cpu else None,
    }


def run_analyze(limit: int | None, repeat: int) -> dict[str, Any]:
    """`rawi analyze`'s pipeline (no boilerplate learning pass) on the first `limit` pages, then the dates
    stage alone on the articles it produced."""
    from rawi.annotate.dates import annotate_dates
    from rawi.engine.local import analyze_paths

    files = sorted(CORPUS.glob("*.jsonl.gz"))

    def pipeline() -> list[Any]:
        pages = []
        for item in analyze_paths(files, learn=False):
            if hasattr(item, "articles"):
                pages.append(item)
            if limit is not None and len(pages) >= limit:
                break
        return pages

    cpu, wall, pages = timed(pipeline, 1)
    articles = [a for page in pages for a in page.articles]
    dates_cpu, dates_wall, _ = timed(lambda: [annotate_dates(a) for a in articles], repeat)
    return {
        "pages": len(pages),
        "articles": len(articles),
        "analyze_cpu": round(cpu, 3),
        "analyze_wall": round(wall, 3),
        "dates_cpu": round(dates_cpu, 3),
        "dates_wall": round(dates_wall, 3),
        "overhead_percent": round(100 * dates_cpu / cpu, 1) if cpu else None,
    }


def print_table(rows: list[tuple[str, Any]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each pass; the best is kept")
    parser.add_argument("--analyze", action="store_true", help="also time the analyze pipeline")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; set RAWI_SHARED to the shared/ folder", file=sys.stderr)
        return 1

    articles = load(args.limit)
    result = run_dates(articles, args.repeat)
    baseline = f"{result['baseline_tokenize_cpu']:.2f} / {result['baseline_tokenize_wall']:.2f}"
    print_table(
        [
            ("articles", result["articles"]),
            ("chars", f"{result['chars']:,}"),
            ("seconds (cpu / wall)", f"{result['seconds_cpu']:.2f} / {result['seconds_wall']:.2f}"),
            ("articles/s", result["articles_per_s"]),
            ("mentions", result["mentions"]),
            ("  with no value", result["without_value"]),
            ("articles with a date", result["articles_with_mentions"]),
            ("baseline: tokenize (cpu / wall)", baseline),
            ("dates / tokenize", result["ratio_to_tokenize"]),
        ]
    )
    print("\nmentions per kind")
    print_table([(f"  {name}", count) for name, count in result["kinds"].items()])

    if args.analyze:
        analyzed = run_analyze(args.limit, args.repeat)
        result["analyze"] = analyzed
        print("\nagainst the analyze pipeline (read + segment + default annotators)")
        print_table(
            [
                ("pages / articles", f"{analyzed['pages']} / {analyzed['articles']}"),
                ("analyze (cpu / wall)", f"{analyzed['analyze_cpu']:.2f} / {analyzed['analyze_wall']:.2f}"),
                ("annotate_dates (cpu / wall)", f"{analyzed['dates_cpu']:.2f} / {analyzed['dates_wall']:.2f}"),
                ("overhead", f"{analyzed['overhead_percent']}%"),
            ]
        )

    if args.limit is None:
        out = ROOT / "bench" / "results" / "dates.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        machine = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
        out.write_text(json.dumps({"benchmark": "dates", "machine": machine, **result}, ensure_ascii=False, indent=1))
        print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
