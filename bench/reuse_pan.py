"""Benchmark: passage reuse on ExAraPlagDet-2015 (PAN format), scored with the PAN measures.

    .venv/bin/python bench/reuse_pan.py                  # dev and test splits, all 570 sources
    .venv/bin/python bench/reuse_pan.py --split dev --set align.penalty=0.5
    .venv/bin/rawi reuse SOURCES TARGETS --format jsonl > out.jsonl
    .venv/bin/python bench/reuse_pan.py --jsonl out.jsonl --split all   # score a CLI run

Every suspicious document is compared with every source document (candidate retrieval included, no
pairs are given). Precision, recall, granularity and plagdet are computed overall and per obfuscation
(rawi.connect.pan). Our own split, fixed: suspicious documents whose number is a multiple of 3 are the
test split (never used for tuning), the others the dev split. Results go to bench/results/reuse_pan.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RAWI_SHARED", ROOT.parent / "shared"))
DATASET = SHARED / "reuse" / "exaraplagdet" / "dataset"


def split_of(name: str) -> str:
    """dev or test for a suspicious document name (suspicious-document0042 -> dev)."""
    return "test" if int(name.rsplit("document", 1)[1]) % 3 == 0 else "dev"


def load_cases():
    from rawi.connect.pan import read_annotations

    cases = []
    for xml in sorted((DATASET / "plagiarism-annotation").glob("*.xml")):
        cases.extend(read_annotations(xml))
    return cases


def with_overrides(params, settings: list[str]):
    """ReuseParams with `section.field=value` settings applied (for tuning runs)."""
    for setting in settings:
        key, value = setting.split("=", 1)
        section, name = key.split(".")
        part = getattr(params, section)
        kind = type(getattr(part, name))
        typed = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
        params = dataclasses.replace(params, **{section: dataclasses.replace(part, **{name: typed})})
    return params


def detect(targets: list[Path], params, jobs: int):
    """Run rawi's reuse over all sources and the given suspicious documents; PAN annotations out."""
    from rawi.connect.pan import Annotation
    from rawi.connect.reuse import find_reuse_paths

    found = []
    for reuse in find_reuse_paths([DATASET / "source-documents"], targets, params=params, jobs=jobs):
        p = reuse.passage
        found.append(
            Annotation(
                Path(reuse.target).stem,
                p.target_start,
                p.target_end - p.target_start,
                Path(reuse.source).stem,
                p.source_start,
                p.source_end - p.source_start,
            )
        )
    return found


def from_jsonl(path: Path):
    from rawi.connect.pan import Annotation

    found = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            found.append(
                Annotation(
                    Path(r["target"]).stem,
                    r["target_start"],
                    r["target_end"] - r["target_start"],
                    Path(r["source"]).stem,
                    r["source_start"],
                    r["source_end"] - r["source_start"],
                )
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test", "both", "all"], default="both")
    parser.add_argument("--set", action="append", default=[], help="parameter override, e.g. align.penalty=0.5")
    parser.add_argument("--jsonl", type=Path, help="score this `rawi reuse --format jsonl` output instead")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from rawi.connect.pan import score_by_obfuscation
    from rawi.connect.reuse import ReuseParams

    params = with_overrides(ReuseParams(), args.set)
    cases = load_cases()
    suspicious = sorted((DATASET / "suspicious-documents").glob("*.txt"))
    splits = {"both": ["dev", "test"], "all": ["all"]}.get(args.split, [args.split])
    report = {
        "benchmark": "reuse_pan",
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "params": dataclasses.asdict(params),
        "splits": {},
    }
    for split in splits:
        targets = [p for p in suspicious if split == "all" or split_of(p.stem) == split]
        names = {p.stem for p in targets}
        start = time.perf_counter()
        found = from_jsonl(args.jsonl) if args.jsonl else detect(targets, params, args.jobs)
        seconds = time.perf_counter() - start
        found = [d for d in found if d.this_reference in names]
        scores = score_by_obfuscation([c for c in cases if c.this_reference in names], found, names)
        print(f"\n{split}: {len(targets)} suspicious documents, {len(found)} detections, {seconds:.1f} s")
        print(f"{'obfuscation':30s} {'cases':>5s} {'prec':>6s} {'rec':>6s} {'gran':>6s} {'plagdet':>8s}")
        rows = {}
        for kind, s in scores.items():
            print(f"{kind:30s} {s.cases:5d} {s.precision:6.3f} {s.recall:6.3f} {s.granularity:6.3f} {s.plagdet:8.3f}")
            rows[kind] = {
                "cases": s.cases,
                "detections": s.detections,
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "granularity": round(s.granularity, 4),
                "plagdet": round(s.plagdet, 4),
            }
        report["splits"][split] = {"documents": len(targets), "seconds": round(seconds, 1), "scores": rows}
    if not args.no_save and not args.set and not args.jsonl:
        out = ROOT / "bench" / "results" / "reuse_pan.json"
        out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
