"""Benchmark: `rawi watch --once` against local servers: 200 feeds and 5,000 pages built at run time from
SaudiNewsNet texts, spread over 10 hosts (one server each, so per-host politeness applies as on the web).

    .venv/bin/python bench/watch.py                        # 200 feeds, 5,000 pages
    .venv/bin/python bench/watch.py --feeds 40 --pages 1000  # quicker

Checks every page is stored exactly once, then prints a table (pages/s, peak memory of the watch process,
304s on a second round) and writes bench/results/watch.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT / "tests"))  # the test site (tests/watch_site.py) serves the bench too

from watch_site import Site, text_page  # noqa: E402


def records(limit: int) -> list[dict]:
    out = []
    for path in sorted((SHARED / "corpus" / "saudinewsnet").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if (rec.get("content") or "").strip() and rec.get("title"):
                    out.append(rec)
                    if len(out) == limit:
                        return out
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--hosts", type=int, default=10)
    args = ap.parse_args()
    from rich.console import Console
    from rich.table import Table

    recs = records(args.pages)
    sites = [Site() for _ in range(args.hosts)]
    feeds_per_site: dict[int, list[str]] = {}
    per_feed = -(-len(recs) // args.feeds)
    for f in range(args.feeds):
        site = sites[f % args.hosts]
        links = []
        for i, rec in enumerate(recs[f * per_feed : (f + 1) * per_feed]):
            body = text_page(rec["title"] + "\n" + rec["content"], rec["title"])
            links.append(site.page(f"/f{f}/a{i}.html", body))
        feeds_per_site.setdefault(f % args.hosts, []).append(site.feed(f"/feed{f}.xml", links))
    feed_urls = [u for urls in feeds_per_site.values() for u in urls]
    with tempfile.TemporaryDirectory(prefix="rawi-bench-watch-") as tmp:
        feeds_file = Path(tmp) / "feeds.txt"
        feeds_file.write_text("\n".join(feed_urls) + "\n", encoding="utf-8")
        db = Path(tmp) / "rawi.db"
        command = [sys.executable, "-m", "rawi", "watch", str(feeds_file), "--db", str(db), "--once"]
        command += ["--min-delay", "0", "--batch-size", "200", "-q"]
        started = time.perf_counter()
        first = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with sqlite3.connect(db) as conn:
            uris = [r[0] for r in conn.execute("SELECT uri FROM pages")]
        hits_before = sum(1 for s in sites for h in s.gets("/f") if h.path.endswith(".html"))
        started2 = time.perf_counter()
        second = subprocess.run(command, capture_output=True, text=True)
        seconds2 = time.perf_counter() - started2
        refetched = sum(1 for s in sites for h in s.gets("/f") if h.path.endswith(".html")) - hits_before
        not_modified = sum(1 for s in sites for h in s.hits if h.status == 304)
    for site in sites:
        site.close()
    ok = first.returncode == 0 and len(uris) == len(set(uris)) == len(recs)
    result = {
        "feeds": len(feed_urls),
        "pages": len(recs),
        "hosts": args.hosts,
        "stored": len(uris),
        "stored_once": len(uris) == len(set(uris)),
        "seconds": round(seconds, 1),
        "pages_per_s": round(len(uris) / seconds, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "second_round_seconds": round(seconds2, 1),
        "second_round_304s": not_modified,
        "second_round_pages_fetched": refetched,
        "ok": ok and second.returncode == 0 and refetched == 0,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    table = Table(title="rawi watch --once (local servers)", box=None)
    table.add_column("")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key.replace("_", " "), str(value))
    Console().print(table)
    if not ok:
        print(first.stdout[-3000:], first.stderr[-3000:], file=sys.stderr)
    out = ROOT / "bench" / "results" / "watch.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
