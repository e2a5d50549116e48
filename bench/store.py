"""Benchmark: the store on SaudiNewsNet. Ingest speed, search latency, home-page latency, stemmer choice.

    .venv/bin/python bench/store.py                      # SQLite store in bench/results/tmp-store/
    .venv/bin/python bench/store.py --db postgresql://…  # the same against PostgreSQL
    .venv/bin/python bench/store.py --reuse              # skip the ingest, reuse the store from last time

1. ingest: `rawi ingest`'s path (read, learn boilerplate, segment, annotate, store) over the whole corpus,
   with the time spent inside the store's batch writes reported apart.
2. search: 1,000 varied queries (single words of every frequency, clitic and spelling variants, word
   pairs, quoted phrases, filters by outlet and date, misses), each a full `store.search` with snippets;
   p50 / p95 / p99 latency. Target: p95 ≤ 50 ms.
3. home: GET / from a live `rawi serve` over the full store, 30 times after a warm-up. Target: ≤ 200 ms.
4. stemmer: the light stemmer (rawi.text.stem) against Snowball's Arabic stemmer on word pairs that
   should and should not meet (needs snowballstemmer installed; skipped otherwise).

Results are printed as tables and written to bench/results/store.json with the machine description.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "saudinewsnet"
WORK = ROOT / "bench" / "results" / "tmp-store"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_ingest(url: str) -> dict[str, float]:
    from rawi.engine.local import analyze_paths
    from rawi.errors import InputError
    from rawi.store import open_store
    from rawi.store.hooks import default_hooks

    files = sorted(CORPUS.glob("*.jsonl.gz"))
    failures = 0
    with open_store(url) as store:
        writing = 0.0
        write_batch = store.write_batch  # type: ignore[attr-defined]

        def timed(batch: list) -> object:
            nonlocal writing
            t = time.perf_counter()
            try:
                return write_batch(batch)
            finally:
                writing += time.perf_counter() - t

        store.write_batch = timed  # type: ignore[method-assign]

        def pages() -> object:
            nonlocal failures
            for item in analyze_paths(files):
                if isinstance(item, InputError):
                    failures += 1
                else:
                    yield item

        start = time.perf_counter()
        report = store.ingest(pages(), hooks=default_hooks())  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        counts = store.counts()
    size = sum(p.stat().st_size for p in WORK.glob("rawi.db*")) if not url.startswith("postgres") else 0
    return {
        "pages": report.counts["pages"],
        "articles": report.counts["articles"],
        "removed_lines": counts.removed_lines,
        "entities": counts.entities,
        "quotes": counts.quotes,
        "duplicates": report.counts["duplicates"],
        "failures": failures,
        "seconds": round(elapsed, 1),
        "store_seconds": round(writing, 1),
        "pages_per_s": round(report.counts["pages"] / elapsed, 1),
        "store_pages_per_s": round(report.counts["pages"] / max(writing, 1e-9), 1),
        "store_mb": round(size / 2**20, 1),
    }


def make_queries(url: str, n: int = 1000, seed: int = 7) -> list[tuple[str, dict[str, str]]]:
    """Varied queries drawn from the stored articles themselves, so they exercise real postings."""
    from rawi.store import open_store
    from rawi.text import tokenize
    from rawi.text.stem import STOPWORDS, stem

    rng = random.Random(seed)
    with open_store(url) as store:
        sample = [a for seq, a in store.iter_articles() if seq % 37 == 0][:400]
        outlets = [o.outlet.id for o in store.list_outlets(limit=20).items]
    counts: dict[str, int] = {}
    words_of: list[list[str]] = []
    for article in sample:
        words = [t.text for t in tokenize(article.text) if t.is_word and len(t.text) > 2]
        words_of.append(words)
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    vocab = [w for w, _ in sorted(counts.items(), key=lambda kv: -kv[1]) if stem(w) not in STOPWORDS]
    common, middle, rare = vocab[:300], vocab[300:3000], vocab[3000:]
    days = [f"2015-07-{d:02d}" for d in range(21, 32)] + [f"2015-08-{d:02d}" for d in range(1, 12)]
    queries: list[tuple[str, dict[str, str]]] = []
    while len(queries) < n:
        kind = len(queries) % 10
        words = rng.choice([w for w in words_of if len(w) > 8])
        filters: dict[str, str] = {}
        if kind == 0:
            q = rng.choice(common)
        elif kind == 1:
            q = rng.choice(middle)
        elif kind == 2:
            q = rng.choice(rare or middle)
        elif kind == 3:
            q = "و" + rng.choice(middle)  # a clitic variant
        elif kind == 4:
            q = rng.choice(middle).replace("ي", "ی")  # Persian yeh
        elif kind == 5:
            i = rng.randrange(len(words) - 1)
            q = f"{words[i]} {words[i + 1]}"
        elif kind == 6:
            i = rng.randrange(len(words) - 2)
            q = '"' + " ".join(words[i : i + 3]) + '"'
        elif kind == 7:
            q = f"{rng.choice(common)} {rng.choice(middle)}"
            filters = {"outlet": rng.choice(outlets)} if outlets else {}
        elif kind == 8:
            q = rng.choice(common)
            start = rng.randrange(len(days) - 3)
            filters = {"date_from": days[start], "date_to": days[start + 3]}
        else:
            q = rng.choice(["كلمةغيرموجودة", "xyzzy", rng.choice(middle) + " " + rng.choice(rare or middle)])
        queries.append((q, filters))
    return queries


def bench_search(url: str, queries: list[tuple[str, dict[str, str]]]) -> dict[str, float]:
    from rawi.store import SearchFilters, open_store

    times: list[float] = []
    found = 0
    with open_store(url) as store:
        for q, f in queries[:20]:  # warm the caches the way a running server would be warm
            store.search(q, SearchFilters(**f))
        for q, f in queries:
            start = time.perf_counter()
            results = store.search(q, SearchFilters(**f), limit=10)
            times.append((time.perf_counter() - start) * 1000)
            found += bool(results.items)
    return {
        "queries": len(queries),
        "with_results": found,
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "p99_ms": round(percentile(times, 99), 1),
        "max_ms": round(max(times), 1),
        "mean_ms": round(statistics.fmean(times), 1),
    }


def bench_home(url: str, rounds: int = 30) -> dict[str, float]:
    import httpx

    sys.path.insert(0, str(ROOT / "tests"))
    from storekit import LiveServer

    server = LiveServer(url)
    try:
        times: list[float] = []
        with httpx.Client(base_url=server.base, timeout=30) as client:
            for _ in range(3):
                client.get("/")
            for _ in range(rounds):
                start = time.perf_counter()
                response = client.get("/")
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
        return {
            "requests": rounds,
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
            "bytes": len(response.content),
        }
    finally:
        server.stop()


SHOULD = [
    ("علاقات", "العلاقات"),
    ("علاقات", "والعلاقات"),
    ("العلاقات", "علاقة"),
    ("الولایات", "الولايات"),
    ("لافروف", "للافروف"),
    ("لافروف", "ولافروف"),
    ("ترامب", "وترامب"),
    ("وزارة", "الوزارة"),
    ("وزارة", "لوزارة"),
    ("وزارة", "ووزارة"),
    ("العقوبات", "عقوبات"),
    ("العقوبات", "والعقوبات"),
    ("عقوبة", "العقوبات"),
    ("الروسي", "الروسية"),
    ("السعودية", "والسعودية"),
    ("السعودية", "للسعودية"),
    ("الأمن", "والأمن"),
    ("بلد", "البلدان"),
    ("المعلمين", "معلم"),
    ("كتاب", "كتابها"),
    ("واشنطن", "بواشنطن"),
    ("لبنان", "ولبنان"),
    ("قال", "وقال"),
    ("الوزير", "وزير"),
    ("مسؤول", "المسؤولون"),
    ("الطائرات", "طائرة"),
    ("المملكة", "بالمملكة"),
    ("الرياض", "بالرياض"),
    ("الحوار", "حوار"),
    ("الحرب", "والحرب"),
    ("الدول", "دولة"),
    ("قرار", "قرارات"),
]
SHOULD_NOT = [
    ("وزير", "زير"),
    ("وزارة", "زار"),
    ("لبنان", "بنان"),
    ("سلام", "إسلام"),
    ("عالم", "علم"),
    ("كتاب", "كاتب"),
    ("الله", "له"),
    ("والي", "الي"),
    ("مدينة", "مدين"),
    ("عمل", "عامل"),
    ("ولد", "لد"),
    ("كتب", "كتاب"),
    ("مكتب", "كتب"),
    ("يكتب", "كتب"),
    ("فلسطين", "لسطين"),
    ("علماء", "علم"),
    ("بيت", "بيان"),
    ("الولايات", "ولا"),
    ("سعود", "السعودية"),
]


def bench_stemmer() -> list[dict[str, object]]:
    from rawi.text import match_form
    from rawi.text.stem import clitic_stem, stem

    def light(q: str, d: str) -> bool:
        return stem(q) in {stem(d), clitic_stem(d)}

    rows = [("light (rawi.text.stem)", light)]
    try:
        import snowballstemmer

        snowball = snowballstemmer.stemmer("arabic")
        rows.append(
            ("snowball arabic", lambda q, d: snowball.stemWord(match_form(q)) == snowball.stemWord(match_form(d)))
        )
    except ImportError:
        pass
    out = []
    for name, meets in rows:
        found = sum(meets(q, d) for q, d in SHOULD)
        wrong = sum(meets(q, d) for q, d in SHOULD_NOT)
        out.append(
            {
                "stemmer": name,
                "variants_found": f"{found}/{len(SHOULD)}",
                "false_meetings": f"{wrong}/{len(SHOULD_NOT)}",
            }
        )
    return out


def table(title: str, rows: list[dict[str, object]]) -> None:
    print(f"\n{title}")
    header = list(rows[0])
    print(" | ".join(f"{h:>16}" for h in header))
    for row in rows:
        print(" | ".join(f"{row[h]!s:>16}" for h in header))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a postgresql:// URL; default: a fresh SQLite file under bench/results/")
    parser.add_argument("--reuse", action="store_true", help="keep the store of the last run; skip the ingest")
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    url = args.db or str(WORK / "rawi.db")
    result: dict[str, object] = {"benchmark": "store", "backend": "postgres" if args.db else "sqlite"}
    if not args.reuse:
        if args.db:
            import psycopg

            with psycopg.connect(args.db, autocommit=True) as conn:
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")
        else:
            shutil.rmtree(WORK, ignore_errors=True)
            WORK.mkdir(parents=True)
        result["ingest"] = bench_ingest(url)
        table("ingest SaudiNewsNet (read, segment, annotate, store)", [result["ingest"]])  # type: ignore[list-item]
    queries = make_queries(url, args.queries)
    result["search"] = bench_search(url, queries)
    table(f"search: {len(queries)} varied queries, limit 10, with snippets", [result["search"]])  # type: ignore[list-item]
    result["home"] = bench_home(url)
    table("home page (GET /) from rawi serve, full store", [result["home"]])  # type: ignore[list-item]
    result["stemmer"] = bench_stemmer()
    table("stemmers on word pairs", result["stemmer"])  # type: ignore[arg-type]
    result["machine"] = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    name = "store.json" if not args.db else "store-postgres.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
