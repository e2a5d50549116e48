"""Single-article summaries against lead-2, ROUGE-1/2 (Arabic tokenization, bench/rouge.py).

No human standfirsts are available, so the proxy reference is each SaudiNewsNet article's own title (a
one-line human summary). Both systems pick sentences from the body; the title is hidden from both (it is
the reference). Prints a table and writes bench/results/summary.json.

    .venv/bin/python bench/summary.py [--limit 5000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rouge import rouge_n

from rawi.annotate.summary import summarize
from rawi.model import Article, Page
from rawi.read import iter_pages
from rawi.text.sentences import split_sentences

SHARED = Path(__file__).resolve().parents[2] / "shared"


def lead(text: str, n: int = 2) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)[:n]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--limit", type=int, default=5000, help="articles (every k-th, spread over all days)")
    args = ap.parse_args()
    files = sorted((args.shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz"))
    pages = [p for p in iter_pages(files) if isinstance(p, Page) and p.title and p.text.strip()]
    step = max(1, len(pages) // args.limit)
    pages = pages[::step][: args.limit]
    systems = {"lead-2": lambda a: lead(a.text), "rawi": summarize}
    totals = {name: {"r1": [0.0, 0.0, 0.0], "r2": [0.0, 0.0, 0.0], "words": 0, "s": 0.0} for name in systems}
    for page in pages:
        article = Article("x", page.id, 0, "main", None, [], [b for b in page.text.split("\n") if b.strip()])
        for name, fn in systems.items():
            t0 = time.perf_counter()
            summary = " ".join(fn(article))
            totals[name]["s"] += time.perf_counter() - t0
            totals[name]["words"] += len(summary.split())
            for key, n in (("r1", 1), ("r2", 2)):
                sc = rouge_n(summary, page.title, n)
                for k, v in enumerate((sc.precision, sc.recall, sc.f1)):
                    totals[name][key][k] += v
    n = len(pages)
    results = {"articles": n, "reference": "SaudiNewsNet titles", "systems": {}}
    print(f"{n} SaudiNewsNet articles, reference = title (ROUGE P/R/F1, mean over articles)")
    cols = ["R1 P", "R1 R", "R1 F", "R2 P", "R2 R", "R2 F", "words", "ms"]
    print(f"{'system':8} " + " ".join(f"{c:>6}" for c in cols))
    for name, t in totals.items():
        r1 = [x / n for x in t["r1"]]
        r2 = [x / n for x in t["r2"]]
        words, ms = t["words"] / n, 1000 * t["s"] / n
        results["systems"][name] = {"rouge1": r1, "rouge2": r2, "mean_words": words, "ms_per_article": ms}
        print(f"{name:8} " + " ".join(f"{x:6.3f}" for x in r1 + r2) + f" {words:6.1f} {ms:6.2f}")
    out = Path(__file__).resolve().parent / "results" / "summary.json"
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
