"""Single-article summaries against lead-2, ROUGE-1/2 (Arabic tokenization, bench/rouge.py), on held-out days.

No human standfirsts are available, so the proxy reference is each SaudiNewsNet article's own title (a
one-line human summary). Every system picks sentences from the body; the title is hidden from all of them
(it is the reference, and the summary model never reads a title). Only the days the summary model was not
trained or tuned on are read: 2015-08-06 to 2015-08-11 (training/train_summary.py's test split).

Systems: `lead-2` is the text's first two sentences, whatever they are (the baseline the issue names);
`lead-2 clean` is the first two candidate sentences (datelines, credits and fragments skipped), a stronger
baseline that shows what the scorer adds beyond skipping fragments; `rawi` is `rawi.annotate.summary.summarize`.
Prints a table (mean over articles) and writes bench/results/summary.json; `ms` is CPU time per article.

    .venv/bin/python bench/summary.py [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rouge import rouge_n

from rawi.annotate.summary import _lines, scorer, summarize
from rawi.model import Article, Page
from rawi.read import iter_pages
from rawi.text.sentences import split_sentences

SHARED = Path(__file__).resolve().parents[2] / "shared"
HELD_OUT_FROM = "2015-08-06"  # the summary model's test days: this one and after
KEYS = ("r1_p", "r1_r", "r1_f", "r2_p", "r2_r", "r2_f")


@dataclass(frozen=True, slots=True)
class Item:
    day: str
    title: str
    article: Article


def load(shared: Path) -> list[Item]:
    """SaudiNewsNet articles with a title and a body, each non-empty line a paragraph, in corpus order."""
    files = sorted((shared / "corpus" / "saudinewsnet").glob("*.jsonl.gz"))
    items = []
    for page in iter_pages(files):
        if isinstance(page, Page) and page.title and page.text.strip():
            paragraphs = [b for b in page.text.split("\n") if b.strip()]
            items.append(
                Item((page.fetched or "")[:10], page.title, Article("x", page.id, 0, "main", None, [], paragraphs))
            )
    return items


def lead(article: Article, n: int = 2) -> list[str]:
    """The lead-n baseline: the text's first n sentences, whatever they are."""
    text = article.text
    return [text[s.start : s.end] for s in split_sentences(text)[:n]]


def lead_clean(article: Article, n: int = 2) -> list[str]:
    """The first n candidate sentences the scorer chooses from (fragments and boilerplate skipped)."""
    return [line.sentence.text for line in _lines(article, scorer().max_words)[:n]]


def rouge_table(items: Sequence[Item], system: Callable[[Article], list[str]]) -> dict[str, float]:
    """Mean ROUGE-1/2 precision, recall and F1 against the titles, mean words, CPU ms per article."""
    sums = dict.fromkeys((*KEYS, "words"), 0.0)
    cpu = 0.0
    for item in items:
        t0 = time.process_time()
        summary = " ".join(system(item.article))
        cpu += time.process_time() - t0
        for n in (1, 2):
            sc = rouge_n(summary, item.title, n)
            sums[f"r{n}_p"] += sc.precision
            sums[f"r{n}_r"] += sc.recall
            sums[f"r{n}_f"] += sc.f1
        sums["words"] += len(summary.split())
    count = max(1, len(items))
    return {**{k: v / count for k, v in sums.items()}, "ms": 1000 * cpu / count}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--limit", type=int, default=0, help="held-out articles to read (every k-th; 0 = all)")
    args = ap.parse_args()
    items = [i for i in load(args.shared) if i.day >= HELD_OUT_FROM]
    if args.limit:
        items = items[:: max(1, len(items) // args.limit)][: args.limit]
    summarize(items[0].article)  # load the model outside the timing
    systems = {"lead-2": lead, "lead-2 clean": lead_clean, "rawi": summarize}
    results: dict[str, object] = {
        "articles": len(items),
        "days": sorted({i.day for i in items}),
        "reference": "SaudiNewsNet titles (held-out days, never trained or tuned on)",
        "max_words": scorer().max_words,
        "load_average": os.getloadavg()[0],
        "systems": {},
    }
    print(f"{len(items)} SaudiNewsNet articles of the held-out days {HELD_OUT_FROM}..; reference = title")
    print(f"{'system':13} " + " ".join(f"{c:>6}" for c in (*KEYS, "words", "ms")))
    for name, fn in systems.items():
        res = rouge_table(items, fn)
        results["systems"][name] = res  # type: ignore[index]
        print(f"{name:13} " + " ".join(f"{res[k]:6.4f}" for k in KEYS) + f" {res['words']:6.1f} {res['ms']:6.3f}")
    print(f"load average {results['load_average']:.2f}")
    out = Path(__file__).resolve().parent / "results" / "summary.json"
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
