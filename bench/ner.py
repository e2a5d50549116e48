"""Named-entity tagging speed on SaudiNewsNet text, one core.

    taskset -c 0 .venv/bin/python bench/ner.py [--shared ../shared] [--articles 400]

Prints tokens/s for the recognizer alone (tokenize + features + CRF) and for the whole entity stage
(recognizer + identity resolution into an EntityRegistry). The model load is timed apart.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

from rawi.annotate.entities import annotate_entities, find_mentions, load_model
from rawi.annotate.names import EntityRegistry, word_ranks
from rawi.model import Article
from rawi.text import tokenize


def load_texts(shared: Path, n: int) -> list[str]:
    texts: list[str] = []
    for f in sorted((shared / "corpus/saudinewsnet").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                content = json.loads(line).get("content") or ""
                if content.strip():
                    texts.append(content)
                if len(texts) >= n:
                    return texts
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_shared = os.environ.get("RAWI_SHARED", Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--shared", type=Path, default=Path(default_shared))
    ap.add_argument("--articles", type=int, default=400)
    args = ap.parse_args()

    t0 = time.perf_counter()
    model = load_model()
    word_ranks()
    load_s = time.perf_counter() - t0
    texts = load_texts(args.shared, args.articles)
    n_tokens = sum(len(tokenize(t)) for t in texts)

    t0, c0 = time.perf_counter(), time.process_time()
    n_mentions = sum(len(find_mentions(t, model)) for t in texts)
    ner_s, ner_cpu = time.perf_counter() - t0, time.process_time() - c0

    registry = EntityRegistry()
    t0, c0 = time.perf_counter(), time.process_time()
    for i, t in enumerate(texts):
        art = Article(
            id=str(i), page_id=str(i), position=0, role="main", title=None, subheadings=[], paragraphs=t.split("\n")
        )
        annotate_entities(art, registry)
    full_s, full_cpu = time.perf_counter() - t0, time.process_time() - c0

    print(f"model load: {load_s:.2f} s; {len(texts)} articles, {n_tokens} tokens, {n_mentions} mentions")
    # CPU time too: on a shared machine the wall clock also counts other processes' turns
    print(f"{'stage':<28}{'seconds':>10}{'tokens/s':>12}{'cpu s':>10}{'tokens/cpu s':>14}")
    for name, wall, cpu in (("recognizer", ner_s, ner_cpu), ("recognizer + identity", full_s, full_cpu)):
        print(f"{name:<28}{wall:>10.2f}{n_tokens / wall:>12,.0f}{cpu:>10.2f}{n_tokens / cpu:>14,.0f}")
    print(f"entities in registry: {len(registry)}")


if __name__ == "__main__":
    main()
