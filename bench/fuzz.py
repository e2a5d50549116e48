"""The long fuzzing run: tests/test_fuzz.py's properties with many more hypothesis examples (minutes).

    .venv/bin/python bench/fuzz.py                      # readers, 2,000 examples per property
    .venv/bin/python bench/fuzz.py --examples 500 --all # every property (text, segmentation, readers)

CI runs the same file with 40 examples per property (about 30 s). Here each property gets --examples, and
the per-call time bound stays at 10 s, so a slow path shows up as a failure with its input. Prints one row
per property (examples, seconds, outcome) and writes bench/results/fuzz.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READERS = "reader or jsonl or bytes or html or warc or feed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="hypothesis examples per property")
    parser.add_argument("--all", action="store_true", help="every property, not only the readers'")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fuzz.json")
    args = parser.parse_args()

    report = ROOT / "bench" / "results" / "tmp-fuzz.xml"
    report.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "no:logging", "-W", "ignore::DeprecationWarning", f"--junitxml={report}"]
    if not args.all:
        command += ["-k", READERS]
    env = {**os.environ, "RAWI_FUZZ_EXAMPLES": str(args.examples)}
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started

    rows = []
    for case in ET.parse(report).getroot().iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        outcome = "failed" if failure is not None or error is not None else "passed"
        if case.find("skipped") is not None:
            outcome = "skipped"
        message = (failure if failure is not None else error).get("message", "") if outcome == "failed" else ""
        rows.append({"property": case.get("name"), "seconds": float(case.get("time", 0)), "outcome": outcome,
                     "message": message[:500]})  # fmt: skip
    report.unlink(missing_ok=True)
    print(f"{'property':<64}{'seconds':>9}  outcome")
    for r in rows:
        print(f"{r['property'][:63]:<64}{r['seconds']:>9.1f}  {r['outcome']}")
        if r["message"]:
            print(f"    {r['message'][:300]}")
    failed = sum(r["outcome"] == "failed" for r in rows)
    print(f"\n{len(rows)} properties, {args.examples} examples each, {wall:.0f} s: {failed} failed")
    result = {
        "examples_per_property": args.examples,
        "scope": "all" if args.all else "readers",
        "seconds": round(wall, 1),
        "failed": failed,
        "properties": rows,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if run.returncode not in (0, 1):
        print(run.stdout[-3000:], run.stderr[-3000:], file=sys.stderr)
    sys.exit(1 if failed or run.returncode != 0 else 0)


if __name__ == "__main__":
    main()
