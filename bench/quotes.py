"""Benchmark: what quotation finding adds to `rawi analyze` on SaudiNewsNet, and its quality on the seeds.

    .venv/bin/python bench/quotes.py                 # the first 3000 articles
    .venv/bin/python bench/quotes.py --articles 10000 --repeat 3

Times the analyze pipeline as `rawi analyze --format jsonl` runs it on the same pages (segment,
annotators, JSON rendering; reading and the boilerplate pass are left out because they are the same
with or without quotes), once with no annotators ("segment only") and once with `annotate_quotes` alone
("segment + quotes"); then with the other annotators `rawi analyze` runs (default_annotators), without
and with quotes. Runs alternate and the fastest of each counts, so that other load on the machine counts
least; CPU time of this process (time.process_time) is what is measured. It also prints the time of
quote finding alone per article, the quotes found per article, and precision/recall on the seed pages.
Results go to bench/results/quotes.json with the machine description.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "saudinewsnet"


def load_pages(n: int) -> list:
    from rawi.model import Page
    from rawi.read import iter_pages

    files = sorted(CORPUS.glob("*.jsonl.gz"))
    return list(islice((p for p in iter_pages(files) if isinstance(p, Page)), n))


def run_pipeline(pages: list, annotators: list) -> tuple[float, int, int]:
    """CPU seconds to analyze and render `pages`; articles and quotes seen."""
    from rawi.engine.local import analyze_page
    from rawi.render import to_json

    articles = quotes = 0
    start = time.process_time()
    for page in pages:
        result = analyze_page(page, None, annotators)
        to_json(result, indent=None)
        articles += len(result.articles)
        quotes += sum(len(a.quotes) for a in result.articles)
    return time.process_time() - start, articles, quotes


def quotes_alone(pages: list) -> tuple[float, int]:
    """CPU seconds of quote finding alone over the segmented articles of `pages`."""
    from rawi.annotate.quotes import annotate_quotes
    from rawi.segment import segment_page

    articles = [a for p in pages for a in segment_page(p).articles]
    start = time.process_time()
    for a in articles:
        annotate_quotes(a)
    return time.process_time() - start, len(articles)


def seed_quality() -> dict[str, float]:
    from rawi.annotate.quote_eval import Score, score_article
    from rawi.annotate.quotes import annotate_quotes
    from rawi.read import read_path
    from rawi.segment import segment_page

    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    forms = {k: v["forms"] for k, v in gold["entities"].items()}
    total = Score()
    for name, page_gold in gold["pages"].items():
        page = read_path(SHARED / "corpus" / "seeds" / name)[0]
        for article, g in zip(segment_page(page).articles, page_gold["articles"], strict=True):
            found = annotate_quotes(article).quotes
            total.add(score_article(found, g["quotes"], g.get("optional", []), g.get("not_quotes", []), forms))
    return {"precision": round(total.precision, 3), "recall": round(total.recall, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=3000, help="pages of SaudiNewsNet to run on")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each pipeline; the fastest counts")
    parser.add_argument("--segment-only", action="store_true", help="skip the run with the other annotators")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from rawi.annotate.pipeline import default_annotators
    from rawi.annotate.quotes import annotate_quotes

    pages = load_pages(args.articles)
    others = [step for step in default_annotators() if step is not annotate_quotes]
    run_pipeline(pages[:200], [*others, annotate_quotes])  # warm caches, models and lazy tables before timing
    base, with_quotes, full, full_quotes = [], [], [], []
    for _ in range(args.repeat):
        base.append(run_pipeline(pages, [])[0])
        t, articles, quotes = run_pipeline(pages, [annotate_quotes])
        with_quotes.append(t)
        if not args.segment_only:
            full.append(run_pipeline(pages, others)[0])
            full_quotes.append(run_pipeline(pages, [*others, annotate_quotes])[0])
    alone, n_articles = quotes_alone(pages)
    b, q = min(base), min(with_quotes)
    row = {
        "pages": len(pages),
        "articles": articles,
        "quotes": quotes,
        "quotes_per_article": round(quotes / max(1, articles), 2),
        "segment_only_s": round(b, 3),
        "segment_plus_quotes_s": round(q, 3),
        "added_pct": round(100 * (q - b) / b, 1),
        "quotes_alone_ms_per_article": round(1000 * alone / max(1, n_articles), 4),
        "analyze_annotators": [step.__name__ for step in others],
        "seed_quality": seed_quality(),
    }
    print(f"{'pages':>8} {'articles':>9} {'segment only':>13} {'+ quotes':>9} {'added':>7} {'quotes/art':>11}")
    print(
        f"{row['pages']:>8} {row['articles']:>9} {b:>12.2f}s {q:>8.2f}s {row['added_pct']:>6.1f}% "
        f"{row['quotes_per_article']:>11}"
    )
    if full:
        f, fq = min(full), min(full_quotes)
        row.update(
            analyze_s=round(f, 3), analyze_plus_quotes_s=round(fq, 3), analyze_added_pct=round(100 * (fq - f) / f, 1)
        )
        names = ", ".join(row["analyze_annotators"]) or "none"
        print(f"rawi analyze ({names}): {f:.2f}s, with quotes {fq:.2f}s: +{row['analyze_added_pct']}%")
    print(f"quote finding alone: {row['quotes_alone_ms_per_article']} ms per article")
    print(f"seed pages: precision {row['seed_quality']['precision']}, recall {row['seed_quality']['recall']}")
    out = ROOT / "bench" / "results" / "quotes.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    out.write_text(json.dumps({"benchmark": "quotes", "machine": machine, "rows": [row]}, indent=1) + "\n")


if __name__ == "__main__":
    main()
