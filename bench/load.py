"""Benchmark: the API under load while an ingest writes. 20 concurrent clients for 60 s against a live
`rawi serve`, hitting search and article pages (JSON API and dashboard), while `rawi ingest` stores
SaudiNewsNet into the same store.

    .venv/bin/python bench/load.py                            # SQLite in bench/results/tmp-load/
    .venv/bin/python bench/load.py --db postgresql://…        # the same against PostgreSQL
    .venv/bin/python bench/load.py --clients 20 --duration 60 --warm-files 2
    .venv/bin/python bench/load.py --workers 1 --ingest-nice 0 --http httpx   # as measured before (slower)

1. warm-up: the first --warm-files days of SaudiNewsNet are ingested first, so that searches find things.
2. load: `rawi ingest` of the remaining days starts (its own default: one analyzing process per core, at
   OS priority `nice --ingest-nice`); `rawi serve --workers N` answers --clients asyncio clients, each
   looping for --duration seconds over: API search, API article, dashboard search, dashboard article (ids
   taken from what searches and listings return, so new articles are read as they arrive).
3. the loop ends by itself; ingest and server are stopped. Printed: a table per endpoint of requests,
   throughput, p50/p95/p99 latency and errors; written: bench/results/load.json. Target: zero errors and
   search p99 ≤ 250 ms on the 2-core machine.

Clients and server share the machine's cores, so the clients are kept cheap: `--http raw` (default) is a
minimal keep-alive HTTP/1.1 client on asyncio streams (~0.2 ms of CPU a request, where httpx, `--http
httpx`, costs ~3 ms that the server then does not get). Both time a request from sending it to having
read the whole body; both count any non-200 answer, reset or timeout as an error.

An ingest that should leave the CPU to readers runs at a lower OS priority, as `nice -n 19 rawi ingest
…` does (its worker processes inherit it); --ingest-nice 0 runs it at the server's priority.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "saudinewsnet"
WORK = ROOT / "bench" / "results" / "tmp-load"
RAWI = [sys.executable, "-m", "rawi"]
QUERIES = [
    "السعودية", "وزير الخارجية", "الرياض", "المملكة", "الأمير", "ولي العهد", "النفط", "التعليم", "الصحة",
    "الحوثيين", "اليمن", "إيران", "الاتفاق النووي", "مجلس الوزراء", "الهلال", "النصر", "كرة القدم", "جدة",
    "\"خادم الحرمين الشريفين\"", "العمالة -الوافدة", "الأسهم", "أرامكو", "داعش", "المرور", "وزارة الداخلية",
]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reset(url: str) -> None:
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    else:
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)


def start_server(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*RAWI, "serve", "--db", url, "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            if httpx.get(base + "/api/v1/stats", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("rawi serve did not start")


class HttpError(Exception):
    pass


class RawClient:
    """GET over one keep-alive HTTP/1.1 connection (asyncio streams): what the benchmark needs of a client
    and no more, so that the clients' own CPU stays small beside the server's. Reconnects after an error."""

    def __init__(self, base: str, timeout: float) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self.streams:
            self.streams[1].close()
            self.streams = None

    async def get(self, path: str, params: dict[str, Any]) -> tuple[int, bytes]:
        target = path + ("?" + urlencode(params) if params else "")
        try:
            return await asyncio.wait_for(self._get(target), self.timeout)
        except BaseException:
            await self.aclose()  # the connection's state is unknown: start afresh next time
            raise

    async def _get(self, target: str) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise HttpError("connection closed by the server")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readline()).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            await reader.readline()
            body = b"".join(chunks)
        else:
            raise HttpError("a response without a length")
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return status, body


class HttpxClient:
    """The same GET through httpx (a full client, and a heavier one)."""

    def __init__(self, base: str, timeout: float) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=timeout)

    async def __aenter__(self) -> HttpxClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def get(self, path: str, params: dict[str, Any]) -> tuple[int, bytes]:
        response = await self.http.get(path, params=params)
        return response.status_code, response.content


class Load:
    def __init__(self, base: str, seed: int, http: str = "raw") -> None:
        self.base = base
        self.http = http
        self.rng = random.Random(seed)
        self.ids: list[str] = []
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    async def hit(self, http: RawClient | HttpxClient, name: str, path: str, **params: Any) -> Any:
        start = time.perf_counter()
        try:
            status, body = await http.get(path, params)
            elapsed = time.perf_counter() - start
            if status != 200:
                raise HttpError(f"{status} {body[:200].decode(errors='replace')}")
        except Exception as exc:  # every failure is counted and reported, never raised
            self.errors.setdefault(name, []).append(f"{path}: {type(exc).__name__}: {exc}")
            return None
        self.samples.setdefault(name, []).append(elapsed)
        return json.loads(body) if name.startswith("api") else body

    async def client(self, number: int, until: float) -> None:
        maker = RawClient if self.http == "raw" else HttpxClient
        async with maker(self.base, 30) as http:
            turn = number
            while time.monotonic() < until:
                turn += 1
                query = self.rng.choice(QUERIES)
                if turn % 4 == 0:
                    found = await self.hit(http, "api search", "/api/v1/search", q=query, limit=10)
                    if found:
                        self.ids.extend(h["article"]["id"] for h in found["items"][:3])
                elif turn % 4 == 1:
                    await self.hit(http, "html search", "/search", q=query)
                elif turn % 4 == 2 and self.ids:
                    await self.hit(http, "api article", f"/api/v1/articles/{self.rng.choice(self.ids)}")
                elif self.ids:
                    await self.hit(http, "html article", f"/articles/{self.rng.choice(self.ids)}")
                else:
                    listing = await self.hit(http, "api articles", "/api/v1/articles", limit=20)
                    if listing:
                        self.ids.extend(a["id"] for a in listing["items"])

    async def run(self, clients: int, duration: float) -> None:
        until = time.monotonic() + duration
        await asyncio.gather(*(self.client(n, until) for n in range(clients)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(WORK / "rawi.db"), help="the store (default: a fresh SQLite file)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warm-files", type=int, default=2, help="days ingested before the load starts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the store of the last run; no warm-up")
    parser.add_argument("--no-ingest", action="store_true", help="no writer: the API alone, for comparison")
    parser.add_argument("--small-batches", action="store_true", help="ingest in batches of 50, not 200")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="rawi serve --workers")
    parser.add_argument("--ingest-nice", type=int, default=19, help="OS priority of the ingest (nice -n)")
    parser.add_argument("--http", choices=("raw", "httpx"), default="raw", help="the clients' HTTP client")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()

    files = sorted(str(p) for p in CORPUS.glob("*.jsonl.gz"))
    quick = ["--no-learn-boilerplate", "-q"]  # no first reading pass: the ingest writes from its first seconds
    if not args.reuse:
        reset(args.db)
        print(f"warm-up: ingesting {args.warm_files} day(s) of SaudiNewsNet…", file=sys.stderr)
        warm = [*RAWI, "ingest", *files[: args.warm_files], "--db", args.db, *quick]
        subprocess.run(warm, stderr=subprocess.DEVNULL)
    server, base = start_server(args.db, args.workers)
    before = httpx.get(base + "/api/v1/stats").json()["pages"]
    nice = args.ingest_nice
    ingest_command = [*RAWI, "ingest", *files[args.warm_files :], "--db", args.db, *quick] + (
        ["--batch-size", "50"] if args.small_batches else []
    )
    ingest = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(1e9)"] if args.no_ingest else ingest_command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=(lambda: os.nice(nice)) if nice else None,  # the ingest's workers inherit it
    )
    load = Load(base, args.seed, args.http)
    load_start = os.getloadavg()  # other work on the machine competes for the same cores
    print(
        f"load: {args.clients} clients ({args.http}) for {args.duration:.0f} s against rawi serve --workers "
        f"{args.workers} while the ingest (nice {nice}) writes; load average {load_start[0]:.2f}…",
        file=sys.stderr,
    )
    started = time.perf_counter()
    try:
        asyncio.run(load.run(args.clients, args.duration))
    finally:
        wall = time.perf_counter() - started
        ingest_running = ingest.poll() is None
        os.killpg(ingest.pid, signal.SIGTERM)  # the loop is over: stop the writer, then the server
        ingest.wait()
        after = httpx.get(base + "/api/v1/stats").json()["pages"]
        server.terminate()
        server.wait()

    rows = []
    for name in sorted(set(load.samples) | set(load.errors)):
        times = load.samples.get(name, [])
        rows.append(
            {
                "endpoint": name,
                "requests": len(times),
                "per_s": round(len(times) / wall, 1),
                "p50_ms": round(percentile(times, 50) * 1000, 1),
                "p95_ms": round(percentile(times, 95) * 1000, 1),
                "p99_ms": round(percentile(times, 99) * 1000, 1),
                "errors": len(load.errors.get(name, [])),
            }
        )
    print(f"\n{'endpoint':<14}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for r in rows:
        print(
            f"{r['endpoint']:<14}{r['requests']:>10}{r['per_s']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}"
            f"{r['p99_ms']:>9}{r['errors']:>8}"
        )
    total = sum(r["requests"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    search_p99 = max((r["p99_ms"] for r in rows if "search" in r["endpoint"]), default=float("nan"))
    print(
        f"\n{total} requests in {wall:.0f} s ({total / wall:.0f}/s), {errors} errors; ingest stored "
        f"{after - before} pages meanwhile ({'still running' if ingest_running else 'finished'} at the end); "
        f"search p99 {search_p99} ms (target ≤ 250 ms); load average {load_start[0]:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end"
    )
    for name, messages in load.errors.items():
        print(f"  {name}: {messages[0]}", file=sys.stderr)
    result = {
        "backend": "postgres" if args.db.startswith("postgresql://") else "sqlite",
        "clients": args.clients,
        "http_client": args.http,
        "server": f"rawi serve --workers {args.workers}",
        "ingest": "none"
        if args.no_ingest
        else f"nice -n {nice} rawi ingest <{len(files) - args.warm_files} days> "
        + " ".join(ingest_command[ingest_command.index("--db") + 2 :]),
        "duration_s": round(wall, 1),
        "pages_before": before,
        "pages_ingested_during_load": after - before,
        "ingest_running_at_end": ingest_running,
        "endpoints": rows,
        "requests": total,
        "errors": errors,
        "search_p99_ms": search_p99,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "load_average": {"start": load_start, "end": os.getloadavg()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
