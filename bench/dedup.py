"""Benchmark: `rawi dedup` on SaudiNewsNet: time, pairs missed against exact Jaccard, memory as it grows.

    .venv/bin/python bench/dedup.py                   # time (3 runs of the CLI) and miss rate
    .venv/bin/python bench/dedup.py --datasketch      # and the datasketch baseline (one process)
    .venv/bin/python bench/dedup.py --scale 1,2,5,10  # memory per text on 1x..10x the corpus

time: `rawi dedup FILES --format jsonl > /dev/null` as a subprocess, reading included, wall clock and
CPU seconds (CPU shows the work when other jobs share the cores; the load average is reported too).

miss rate: every pair of texts whose Jaccard over 5-word shingles is >= 0.8, found exactly (AllPairs
prefix filtering: a pair at >= t must share a token among the first |x| - ceil(t|x|) + 1 rarest of
each set, so the candidate set is complete, and each is then verified), against the pairs that dedup
reports (same digest, or LSH candidate verified). A sample of true pairs is re-checked on shingles as
plain strings, which validates the hashed shingle sets themselves.

memory: the corpus plus k-1 perturbed copies (in copy c every word gets a suffix, so each copy is a new
corpus with the same duplicate structure), written to a temporary folder; each scale runs in a fresh
process that reports its peak resident memory (main process, and the largest worker).

Results go to bench/results/dedup.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "saudinewsnet"
RAWI = str(Path(sys.executable).with_name("rawi"))
sys.path.insert(0, str(ROOT / "src"))


def files() -> list[str]:
    return [str(p) for p in sorted(CORPUS.glob("*.jsonl.gz"))]


def time_cli(runs: int) -> dict:
    """Wall and CPU seconds of the CLI on the whole corpus, reading and writing included."""
    rows = []
    for _ in range(runs):
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([RAWI, "dedup", *files(), "--format", "jsonl", "--quiet"], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows.append({"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_before": round(load, 2)})
        print(f"  rawi dedup: {wall:.2f} s wall, {cpu:.2f} s CPU (load average {load:.2f} before)")
    return {"runs": rows, "median_wall_s": statistics.median(r["wall_s"] for r in rows)}


def exact_pairs(sets: list[np.ndarray], t: float) -> tuple[set[tuple[int, int]], int]:
    """All pairs with Jaccard >= t (AllPairs prefix filtering, then exact verification)."""
    sizes = np.array([len(s) for s in sets])
    everything = np.concatenate(sets)
    uniq, counts = np.unique(everything, return_counts=True)
    rarity = {}  # token -> rank by (frequency, value): the global order prefixes are taken in
    order = np.lexsort((uniq, counts))
    rank = np.empty(len(uniq), np.int64)
    rank[order] = np.arange(len(uniq))
    tokens, docs = [], []
    for d, s in enumerate(sets):
        if not len(s):
            continue
        r = rank[np.searchsorted(uniq, s)]
        prefix = len(s) - int(np.ceil(t * len(s) - 1e-9)) + 1
        tokens.append(np.sort(r)[:prefix])
        docs.append(np.full(prefix, d))
    del rarity
    tok, doc = np.concatenate(tokens), np.concatenate(docs)
    o = np.lexsort((doc, tok))
    tok, doc = tok[o], doc[o]
    starts = np.flatnonzero(np.concatenate(([True], tok[1:] != tok[:-1])))
    ends = np.append(starts[1:], len(tok))
    candidates = set()
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if b - a < 2:
            continue
        members = doc[a:b].tolist()
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                x, y = members[i], members[j]
                if min(sizes[x], sizes[y]) >= t * max(sizes[x], sizes[y]):
                    candidates.add((x, y) if x < y else (y, x))
    true = set()
    for x, y in candidates:
        inter = len(np.intersect1d(sets[x], sets[y], assume_unique=True))
        if inter / (sizes[x] + sizes[y] - inter) >= t - 1e-12:
            true.add((x, y))
    return true, len(candidates)


def string_shingles(text: str, n: int = 5) -> set[str]:
    from rawi.text import match_form

    words = re.findall(r"[^\W_]+", match_form(text))
    k = min(n, len(words))
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)} if k else set()


def miss_rate(threshold: float, sample: int) -> dict:
    from rawi.connect.dedup import DedupParams, find_duplicates, sketch_paths

    params = DedupParams(threshold=threshold)
    corpus = sketch_paths(files(), params, jobs=2)
    result = find_duplicates(corpus, params)
    sets = [np.asarray(corpus.shingles[i]) for i in range(len(corpus))]
    start = time.perf_counter()
    true, candidates = exact_pairs(sets, threshold)
    print(
        f"  exact: {len(true)} pairs with J >= {threshold} ({candidates} prefix candidates, "
        f"{time.perf_counter() - start:.1f} s)"
    )
    found = {tuple(p) for p in result.pairs.tolist()}
    digests = corpus.digests
    by_digest: dict[int, list[int]] = {}
    for i, d in enumerate(digests.tolist()):
        if corpus.words[i] > 0:
            by_digest.setdefault(d, []).append(i)
    for members in by_digest.values():
        found |= {(a, b) for k, a in enumerate(members) for b in members[k + 1 :]}
    group_of = {m: g for g, grp in enumerate(result.groups) for m in grp.members}
    missed = [p for p in true if p not in found]
    missed_grouped = [p for p in true if group_of.get(p[0], -1) != group_of.get(p[1], -2)]
    spurious = [p for p in found if p not in true]
    # Validate the hashed sets: Jaccard on plain-string shingles for a sample of true pairs.
    from rawi.read import iter_pages

    rng = random.Random(0)
    picked = rng.sample(sorted(true), min(sample, len(true)))
    wanted = {i for p in picked for i in p}
    texts = {}
    ids = {corpus.ids[i]: i for i in wanted}
    for page in iter_pages(files()):
        if hasattr(page, "uri") and page.uri in ids:
            texts[ids[page.uri]] = page.text
    agree = 0
    for x, y in picked:
        a, b = string_shingles(texts[x]), string_shingles(texts[y])
        agree += len(a & b) / len(a | b) >= threshold
    report = {
        "texts": len(corpus),
        "true_pairs": len(true),
        "found_pairs": len(found),
        "missed_pairs": len(missed),
        "miss_rate": round(len(missed) / max(len(true), 1), 5),
        "missed_even_by_groups": len(missed_grouped),
        "found_not_true": len(spurious),
        "lsh_candidates": int(result.counts["candidate pairs"]),
        "string_check": f"{agree}/{len(picked)} sampled true pairs also >= {threshold} on string shingles",
    }
    print(
        f"  missed {len(missed)} of {len(true)} true pairs ({100 * report['miss_rate']:.2f}%); "
        f"{len(missed_grouped)} not even in one group; {report['string_check']}"
    )
    return report


def datasketch_baseline(threshold: float) -> dict:
    """The issue's baseline: datasketch, 128 permutations, MinHash.bulk + MinHashLSH(0.8), one process,
    reading included; shingles are the same 5-word shingles of the matching form, as strings."""
    from datasketch import MinHash, MinHashLSH

    from rawi.model import Page
    from rawi.read import iter_pages

    start = time.perf_counter()
    ids, sets = [], []
    for page in iter_pages(files()):
        if isinstance(page, Page):
            ids.append(page.uri)
            sets.append([s.encode("utf-8") for s in string_shingles(page.text)])
    hashes = MinHash.bulk(sets, num_perm=128)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    with lsh.insertion_session() as session:
        for i, m in enumerate(hashes):
            session.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    seconds = time.perf_counter() - start
    verified = sum(
        1 for i, j in pairs if len(set(sets[i]) & set(sets[j])) / max(len(set(sets[i]) | set(sets[j])), 1) >= threshold
    )
    print(f"  datasketch: {seconds:.1f} s, {len(pairs)} candidate pairs, {verified} verified")
    return {"seconds": round(seconds, 1), "candidates": len(pairs), "verified_pairs": verified}


_WORD = re.compile(r"\w+")


def write_copies(folder: Path, copies: int) -> None:
    """Copy c (1 <= c < copies) of every file, each word with the suffix of copy c."""
    for c in range(1, copies):
        suffix = "abcdefghijklmnopqrstuvwxyz"[c % 26] * (1 + c // 26)
        for f in files():
            out = folder / f"copy{c:02d}-{Path(f).name}"
            if out.exists():
                continue
            with (
                gzip.open(f, "rt", encoding="utf-8") as src,
                gzip.open(out, "wt", encoding="utf-8", compresslevel=1) as dst,
            ):
                for line in src:
                    record = json.loads(line)
                    record["content"] = _WORD.sub(lambda m: m.group() + suffix, record["content"])  # noqa: B023
                    record["url"] = f"{record['url']}#copy{c}"
                    dst.write(json.dumps(record, ensure_ascii=False) + "\n")


_MEASURE = """
import json, resource, sys, time
from rawi.connect.dedup import DedupParams, find_duplicates, sketch_paths
paths = json.loads(sys.argv[1])
start = time.perf_counter()
corpus = sketch_paths(paths, DedupParams(), jobs=2)
result = find_duplicates(corpus)
print(json.dumps({"texts": len(corpus), "groups": len(result.groups), "seconds": time.perf_counter() - start,
                  "spilled": corpus.shingles.spilled,
                  "main_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def memory(scales: list[int], keep: Path | None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="rawi-dedup-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"  writing {max(scales) - 1} perturbed copies to {folder} …")
        write_copies(folder, max(scales))
        for k in scales:
            paths = files() + [str(folder / f"copy{c:02d}-{Path(f).name}") for c in range(1, k) for f in files()]
            done = subprocess.run(
                [sys.executable, "-c", _MEASURE, json.dumps(paths)],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            )
            row = json.loads(done.stdout)
            row = {"scale": k, **{key: round(v, 2) if isinstance(v, float) else v for key, v in row.items()}}
            row["main_kb_per_text"] = round(1024 * row["main_rss_mb"] / row["texts"], 2)
            rows.append(row)
            print(
                f"  {k:2d}x: {row['texts']} texts, {row['seconds']:.1f} s, main {row['main_rss_mb']:.0f} MB "
                f"({row['main_kb_per_text']:.2f} kB/text), largest worker {row['worker_rss_mb']:.0f} MB, "
                f"spilled={row['spilled']}"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--sample", type=int, default=200, help="true pairs re-checked on string shingles")
    parser.add_argument("--datasketch", action="store_true")
    parser.add_argument("--scale", default="", help="e.g. 1,2,5,10: memory on k-times the corpus")
    parser.add_argument("--copies", type=Path, help="keep the perturbed copies in this folder (reused next time)")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: time,recall")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    report: dict = {
        "benchmark": "dedup",
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
    }
    if "time" not in skip:
        print("time:")
        report["time"] = time_cli(args.runs)
    if "recall" not in skip:
        print("miss rate:")
        report["recall"] = miss_rate(args.threshold, args.sample)
    if args.datasketch:
        print("datasketch baseline:")
        report["datasketch"] = datasketch_baseline(args.threshold)
    if args.scale:
        print("memory:")
        report["memory"] = memory([int(k) for k in args.scale.split(",")], args.copies)
    out = ROOT / "bench" / "results" / "dedup.json"
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    out.write_text(json.dumps({**previous, **report}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
