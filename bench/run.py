"""Benchmark: every stage and the whole pipeline on SaudiNewsNet, and how cost grows with the input.

    .venv/bin/python bench/run.py                       # 10%, 50%, 100%; pipeline with 1 and 2 workers; 10x
    .venv/bin/python bench/run.py --fractions 0.1 --no-x10 --no-stages --out /tmp/run.json  # a quick look
    .venv/bin/python bench/run.py --markdown            # also print the table as Markdown (for the README)

1. stages: one process on one core streams the corpus through each stage with a timer around it: read,
   boilerplate learning, segmentation, every per-article annotator of the pipeline (entities, quotes,
   dates, summary: whichever `default_annotators()` runs), then the corpus stages over the articles:
   near duplicates and reuse candidates (rawi.engine.corpus). Articles per second on one core.
2. pipeline: `rawi run`'s engine (read, segment, annotate, store with the update hooks: duplicates,
   reuse, stories, whatever rawi.connect offers) into a fresh SQLite store, with --workers 1 and 2 on the
   whole corpus and with every core on the smaller fractions. Wall time, CPU time of every process, peak
   memory of the process tree (sum of PSS, sampled), and the time spent in the store and in each hook.
3. scaling: the same at 10%, 50% and 100% of the corpus (the first part of each day's file, so every
   day and outlet is in every fraction), and for the cheap and corpus-level stages a corpus ten times
   larger made of perturbed copies (words dropped and swapped, new URLs): how cost grows with input.

Every measurement runs in a fresh process (peak memory is that process's own). Results go to
bench/results/run.json with the machine, its load average before and after, and the command.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "saudinewsnet"
WORK = ROOT / "bench" / "results" / "tmp-run"
RESULT = ROOT / "bench" / "results" / "run.json"
TARGET_SECONDS, TARGET_MB, TARGET_SPEEDUP = 300, 2048, 1.7


# --- inputs -------------------------------------------------------------------------------------------


def fraction_folder(fraction: float) -> Path:
    """The first `fraction` of each day's records (the corpus itself for 1.0)."""
    if fraction >= 1.0:
        return CORPUS
    folder = WORK / f"frac-{round(fraction * 100):03d}"
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted(CORPUS.glob("*.jsonl.gz")):
        with gzip.open(src, "rt", encoding="utf-8") as fh:
            lines = fh.readlines()
        with gzip.open(folder / src.name, "wt", encoding="utf-8", compresslevel=1) as out:
            out.writelines(lines[: math.ceil(fraction * len(lines))])
    return folder


def perturb(text: str, rng: random.Random) -> str:
    """A copy as another outlet might run it: about 3% of words dropped and 3% swapped for another of the
    text's words, line breaks kept."""
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        kept = []
        for w in words:
            r = rng.random()
            if r < 0.03:
                continue
            kept.append(rng.choice(words) if r < 0.06 else w)
        lines.append(" ".join(kept))
    return "\n".join(lines)


def x10_folder() -> Path:
    """Ten versions of every record: the original and nine perturbed copies at their own URLs."""
    folder = WORK / "x10"
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted(CORPUS.glob("*.jsonl.gz")):
        rng = random.Random(src.name)
        with (
            gzip.open(src, "rt", encoding="utf-8") as fh,
            gzip.open(folder / src.name, "wt", encoding="utf-8", compresslevel=1) as out,
        ):
            for line in fh:
                out.write(line)
                record = json.loads(line)
                for k in range(1, 10):
                    copy = dict(record)
                    if isinstance(copy.get("content"), str):
                        copy["content"] = perturb(copy["content"], rng)
                    copy["url"] = f"{record.get('url') or 'record'}?copy={k}"
                    out.write(json.dumps(copy, ensure_ascii=False) + "\n")
    return folder


# --- measuring ----------------------------------------------------------------------------------------


class TreeSampler:
    """Peak memory (sum of PSS) and CPU time of this process and all its descendants, sampled."""

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _tree(self) -> list[int]:
        parent: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        parent[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += [c for c, p in parent.items() if p == pid]
        return tree

    def _sample(self) -> None:
        total = 0
        for pid in self._tree():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as fh:
                    total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:")) * 1024
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self._tick
            except (OSError, StopIteration, IndexError, ValueError):
                continue
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, **args: Any) -> dict[str, Any]:
    """Run one measurement in a fresh process; its last stdout line is its JSON result."""
    cmd = [sys.executable, __file__, "--child", json.dumps({"kind": kind, **args})]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)  # its stderr (progress) passes through
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed (its error is above)")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- what children measure ----------------------------------------------------------------------------


def measure_stages(folder: str, annotate: bool, texts_out: str) -> dict[str, Any]:
    """Stream the corpus through each per-page stage with a timer around each; keep article texts for the
    corpus stages (written to `texts_out`)."""
    from rawi.annotate.pipeline import default_annotators
    from rawi.engine.local import learn_boilerplate
    from rawi.engine.stages import stage_name
    from rawi.model import Page
    from rawi.read import iter_pages
    from rawi.segment import segment_page

    seconds: Counter[str] = Counter()
    files = sorted(str(p) for p in Path(folder).glob("*.jsonl.gz"))
    start = time.perf_counter()
    pages = sum(1 for p in iter_pages(files) if isinstance(p, Page))
    seconds["read"] = time.perf_counter() - start
    start = time.perf_counter()
    boilerplate = learn_boilerplate(files)
    seconds["learn boilerplate"] = time.perf_counter() - start - seconds["read"]  # its own reading excluded
    steps = default_annotators() if annotate else []
    warm_up(steps)
    articles = 0
    with open(texts_out, "w", encoding="utf-8") as out:
        for page in iter_pages(files):
            if not isinstance(page, Page):
                continue
            t = time.perf_counter()
            result = segment_page(page, boilerplate)
            seconds["segment"] += time.perf_counter() - t
            for article in result.articles:
                articles += 1
                for step in steps:
                    t = time.perf_counter()
                    article = step(article)
                    seconds[stage_name(step).removeprefix("annotate:")] += time.perf_counter() - t
                time_ = article.published or page.published or page.fetched
                row = {"id": article.id, "page_id": page.id, "outlet": page.outlet, "time": time_, "text": article.text}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {
        "pages": pages,
        "articles": articles,
        "seconds": dict(seconds),
        "order": ["read", "learn boilerplate", "segment", *[stage_name(s).removeprefix("annotate:") for s in steps]],
        "peak_mb": peak_rss_mb(),
    }


def warm_up(steps: list[Any]) -> None:
    """One small article through every annotator: models load here, not inside the first timing."""
    from rawi.model import Article

    text = "قال وزير الخارجية السعودي عادل الجبير في الرياض يوم الأحد إن المملكة تدعم الحل السياسي في اليمن."
    article = Article("warm", "warm", 0, "main", None, [], [text], language="ar")
    for step in steps:
        article = step(article)


def measure_corpus_stage(stage: str, texts: str) -> dict[str, Any]:
    from rawi.engine.corpus import ArticleText, duplicate_groups, reuse_candidates

    def articles() -> Any:
        with open(texts, encoding="utf-8") as fh:
            for line in fh:
                yield ArticleText(**json.loads(line))

    n = sum(1 for _ in articles())
    start = time.perf_counter()
    found = len(duplicate_groups(articles()) if stage == "duplicates" else reuse_candidates(articles()))
    return {"articles": n, "seconds": time.perf_counter() - start, "found": found, "peak_mb": peak_rss_mb()}


def measure_pipeline(folder: str, workers: int, db: str) -> dict[str, Any]:
    """`rawi run --db` as the command runs it, with timers around the store's batch writes and each hook."""
    from rawi.engine.runner import RunOptions, run_local
    from rawi.engine.sinks import ErrorLog, StoreSink
    from rawi.store import open_store
    from rawi.store.hooks import default_hooks

    for f in Path(db).parent.glob(Path(db).name + "*"):
        f.unlink()
    timers: Counter[str] = Counter()
    cpu: Counter[str] = Counter()  # CPU seconds of the main thread in each: wall time swells on a busy machine

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            t, c = time.perf_counter(), time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                timers[name] += time.perf_counter() - t
                cpu[name] += time.thread_time() - c

        return wrapper

    # wrapped, not patched: a hook may be a slotted object whose `update` cannot be reassigned
    hooks = [_TimedHook(hook, timed(f"hook: {hook.name}", hook.update)) for hook in default_hooks()]
    files = sorted(str(p) for p in Path(folder).glob("*.jsonl.gz"))
    main_cpu = time.thread_time()
    with TreeSampler() as sampler, open_store(db) as store:
        write = timed("store", store.write_batch)
        started = time.perf_counter()

        def write_and_log(*a: Any, **k: Any) -> Any:
            report = write(*a, **k)
            timers["batches"] += 1
            if timers["batches"] % 10 == 0:  # a long run that is cut short still says how far it got
                line = {"batches": timers["batches"], "wall": round(time.perf_counter() - started, 1)}
                line.update({f"cpu {k}": round(v, 1) for k, v in cpu.items()})
                print(json.dumps({**line, "load": os.getloadavg()[0]}), file=sys.stderr, flush=True)
            return report

        store.write_batch = write_and_log  # type: ignore[method-assign]
        sink = StoreSink(store, hooks=hooks)
        report = run_local(files, sink, ErrorLog(Path(db + ".errors.jsonl")), RunOptions(workers=workers))
    return {
        "workers": workers,
        "pages": report.written,
        "articles": report.stats.counts["articles"],
        "seconds": report.seconds,
        "learn_seconds": report.learn_seconds,
        "cpu_seconds": sampler.cpu_seconds,
        "peak_mb": sampler.peak / 2**20,
        "timers": dict(timers),
        "cpu_timers": dict(cpu),
        "main_cpu_seconds": time.thread_time() - main_cpu,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "hook_counts": {k: v for k, v in sink.report.counts.items() if k not in ("pages", "articles")},
    }


class _TimedHook:
    """An update hook whose `update` runs through a timer."""

    def __init__(self, hook: Any, update: Any) -> None:
        self.name = hook.name
        self.update = update


# --- the tables ---------------------------------------------------------------------------------------


def stage_rows(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per stage: articles per second on one core at each fraction, peak memory at the largest."""
    labels = list(runs)
    order: list[str] = []
    for r in runs.values():
        order += [s for s in r["stages"]["order"] if s not in order]
    order += ["duplicates", "reuse candidates"]
    rows = []
    for stage in order:
        row: dict[str, Any] = {"stage": stage}
        for label in labels:
            r = runs[label]
            if stage in ("duplicates", "reuse candidates"):
                m = r.get(stage)
                secs, peak = (m["seconds"], m["peak_mb"]) if m else (None, None)
            else:
                secs, peak = r["stages"]["seconds"].get(stage), r["stages"]["peak_mb"]
            articles = r["stages"]["articles"]
            row[label] = round(articles / secs) if secs else None
            row[f"{label} s"] = round(secs, 1) if secs is not None else None
            row[f"{label} MB"] = round(peak) if peak else None
        rows.append(row)
    return rows


def print_tables(result: dict[str, Any], markdown: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    labels = list(result["stage_labels"])
    t = Table(title="Stages, one core: articles/s (seconds) — peak MB of the process at the largest input")
    t.add_column("stage")
    for label in labels:
        t.add_column(label, justify="right")
    t.add_column("peak MB", justify="right")
    for row in result["stages"]:
        cells = []
        for label in labels:
            rate, secs = row.get(label), row.get(f"{label} s")
            cells.append("–" if rate is None else f"{rate:,} ({secs:,.1f} s)")
        peak = next((row[f"{lb} MB"] for lb in reversed(labels) if row.get(f"{lb} MB")), None)
        t.add_row(row["stage"], *cells, "–" if peak is None else str(peak))
    console.print(t)
    p = Table(title="Whole pipeline (read → segment → annotate → store + hooks), SQLite")
    for col in (
        "input",
        "workers",
        "articles",
        "wall s",
        "articles/s",
        "/s per core",
        "CPU s",
        "peak MB",
        "store s",
        "hooks s",
    ):
        p.add_column(col, justify="left" if col == "input" else "right")
    for r in result["pipeline"]:
        hooks = sum(v for k, v in r["timers"].items() if k.startswith("hook"))
        p.add_row(
            r["input"],
            str(r["workers"]),
            f"{r['articles']:,}",
            f"{r['seconds']:.0f}",
            f"{r['rate']:.0f}",
            f"{r['rate'] / r['workers']:.0f}",
            f"{r['cpu_seconds']:.0f}",
            f"{r['peak_mb']:.0f}",
            f"{r['timers'].get('store', 0):.0f}",
            f"{hooks:.0f}",
        )
    console.print(p)
    for line in result["verdict"]:
        console.print(line, highlight=False)
    if markdown:
        print(to_markdown(result, labels))


def to_markdown(result: dict[str, Any], labels: list[str]) -> str:
    out = ["| stage (1 core) | " + " | ".join(f"{lb} art/s" for lb in labels) + " |", "|---|" + "---:|" * len(labels)]
    for row in result["stages"]:
        cells = ["–" if row.get(lb) is None else f"{row[lb]:,}" for lb in labels]
        out.append(f"| {row['stage']} | " + " | ".join(cells) + " |")
    out += [
        "",
        "| pipeline | workers | articles | wall s | art/s | art/s per core | peak MB | store s | hooks s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["pipeline"]:
        hooks = sum(v for k, v in r["timers"].items() if k.startswith("hook"))
        out.append(
            f"| {r['input']} | {r['workers']} | {r['articles']:,} | {r['seconds']:.0f} | {r['rate']:.0f} | "
            f"{r['rate'] / r['workers']:.0f} | {r['peak_mb']:.0f} | {r['timers'].get('store', 0):.0f} | {hooks:.0f} |"
        )
    return "\n".join(out)


def verdict(pipeline: list[dict[str, Any]]) -> list[str]:
    full = {r["workers"]: r for r in pipeline if r["input"] == "100%"}
    lines = []
    if full:
        best = full[max(full)]
        lines.append(
            f"100% with {best['workers']} workers: {best['seconds']:.0f} s (target ≤ {TARGET_SECONDS}), "
            f"peak {best['peak_mb']:.0f} MB (target ≤ {TARGET_MB})"
        )
    for label in dict.fromkeys(r["input"] for r in pipeline):
        rate = {r["workers"]: r["rate"] for r in pipeline if r["input"] == label}
        if 1 in rate and 2 in rate:
            lines.append(f"{label}: speed-up 1 → 2 workers {rate[2] / rate[1]:.2f}× (target ≥ {TARGET_SPEEDUP})")
    return lines


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fractions", default="0.1,0.5,1", help="Parts of the corpus to measure, comma-separated.")
    ap.add_argument(
        "--workers",
        help="Worker counts for the pipeline, comma-separated, on every fraction "
        "(default: 1 and 2 on the whole corpus, every core on the smaller fractions).",
    )
    ap.add_argument("--no-x10", dest="x10", action="store_false", help="Skip the corpus ten times larger.")
    ap.add_argument("--no-pipeline", dest="pipeline", action="store_false", help="Stages only.")
    ap.add_argument("--no-stages", dest="stages", action="store_false", help="The pipeline only.")
    ap.add_argument("--markdown", action="store_true", help="Also print the tables as Markdown.")
    ap.add_argument("--out", type=Path, default=RESULT)
    ap.add_argument("--db", type=Path, default=WORK / "run.db", help="The pipeline's store (kept after the run).")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        spec = json.loads(args.child)
        kind = spec.pop("kind")
        fn = {"stages": measure_stages, "corpus": measure_corpus_stage, "pipeline": measure_pipeline}[kind]
        print(json.dumps(fn(**spec)))
        return

    WORK.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    fractions = [float(f) for f in args.fractions.split(",")]
    runs: dict[str, dict[str, Any]] = {}
    inputs = [(f"{round(f * 100)}%", fraction_folder(f), True) for f in fractions]
    if args.x10:
        inputs.append(("10x", x10_folder(), False))  # per-article annotators are linear: cheap stages only
    for label, folder, annotate in inputs if args.stages else []:
        print(f"stages on {label} …", file=sys.stderr, flush=True)
        texts = str(WORK / f"texts-{label.rstrip('%x')}.jsonl")
        run = {"stages": child("stages", folder=str(folder), annotate=annotate, texts_out=texts)}
        for stage in ("duplicates", "reuse candidates"):
            run[stage] = child("corpus", stage=stage, texts=texts)
        Path(texts).unlink()
        runs[label] = run
    pipeline = []
    if args.pipeline:
        asked = [int(w) for w in args.workers.split(",")] if args.workers else None
        plan = [(f"{round(f * 100)}%", fraction_folder(f), w) for f in fractions if f < 1.0 for w in asked or [0]]
        if any(f >= 1.0 for f in fractions):  # the whole corpus only when asked for: it takes minutes
            plan += [("100%", CORPUS, w) for w in asked or [1, 2]]
        for label, folder, workers in plan:
            workers = workers or len(os.sched_getaffinity(0))
            print(f"pipeline on {label} with {workers} workers …", file=sys.stderr, flush=True)
            r = child("pipeline", folder=str(folder), workers=workers, db=str(args.db))
            r["input"] = label
            r["rate"] = r["articles"] / r["seconds"]
            pipeline.append(r)
            print(json.dumps(r), file=sys.stderr, flush=True)  # kept in the log should a later run fail
    result = {
        "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
        "machine": machine(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "stage_labels": list(runs),
        "stages": stage_rows(runs),
        "stage_runs": runs,
        "pipeline": pipeline,
        "verdict": verdict(pipeline),
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print_tables(result, args.markdown)
    print(
        f"load average before {result['load_average_before']}, after {result['load_average_after']}; "
        f"written to {args.out.resolve().relative_to(ROOT) if args.out.resolve().is_relative_to(ROOT) else args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
