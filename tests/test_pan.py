"""PAN measures (Potthast et al. 2010) and passage reuse on a slice of ExAraPlagDet-2015 from ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from rawi.connect.pan import (
    Annotation,
    granularity,
    macro_precision,
    macro_recall,
    plagdet,
    read_annotations,
    score_by_obfuscation,
)
from rawi.connect.reuse import find_reuse_paths

DATASET = "reuse/exaraplagdet/dataset"

# The cases of the PAN reference tests, as (suspicious offset, length, source, offset, length).
A1 = Annotation("t1", 0, 100, "s1", 0, 100)
A3 = Annotation("t1", 100, 100, "s1", 100, 100)
A4 = Annotation("t1", 0, 200, "s1", 0, 200)
A7 = Annotation("t2", 0, 100, "s2", 0, 100)
A9 = Annotation("t2", 50, 100, "s2", 50, 100)
A10 = Annotation("t2", 25, 75, "s2", 25, 75)


def test_measures_follow_the_definitions() -> None:
    assert macro_recall([A1, A7], [A1]) == 0.5
    assert macro_recall([A1], [A7]) == 0
    assert macro_recall([A7], [A9]) == 0.5
    assert macro_recall([A7], [A10]) == 0.75
    assert macro_recall([A7], [A9, A10]) == 0.75
    assert macro_precision([A1], [A4]) == 0.5
    assert macro_precision([A7], [A9, A10]) == 0.75
    assert macro_precision([A1], [A3, A4]) == 0.25
    assert granularity([A1], [A3, A4]) == 1
    assert granularity([A1], [A1, A4, Annotation("t1", 50, 10, "s1", 50, 10)]) == 3
    assert granularity([A1, A3], [A4, Annotation("t1", 0, 50, "s1", 0, 50)]) == 1.5
    assert plagdet(1.0, 1.0, 1.0) == 1.0
    assert plagdet(1.0, 1.0, 3.0) == pytest.approx(0.5)
    assert plagdet(0.0, 0.0, 1.0) == 0.0


def test_reads_pan_annotations(shared: Path) -> None:
    cases = read_annotations(shared / DATASET / "plagiarism-annotation" / "suspicious-document0001.xml")
    assert cases == [Annotation("suspicious-document0001", 119, 316, "source-document00402", 19259, 316, "none")]


def _slice(shared: Path) -> tuple[list[Path], list[Annotation]]:
    """Two dev-split documents per obfuscation (number not a multiple of 3: bench/reuse_pan.py keeps
    those for its test split) and two documents without reuse."""
    folder = shared / DATASET
    picked: dict[str, list[str]] = {}
    cases = []
    plain = []
    for xml in sorted((folder / "plagiarism-annotation").glob("*.xml")):
        if int(xml.stem[-4:]) % 3 == 0:
            continue
        found = read_annotations(xml)
        if not found:
            if len(plain) < 2:
                plain.append(xml.stem)
            continue
        kind = found[0].obfuscation
        if len(picked.setdefault(kind, [])) < 2 and sum(c.this_length for c in found) < 12000:
            picked[kind].append(xml.stem)
            cases.extend(found)
    names = [n for kind in sorted(picked) for n in picked[kind]] + plain
    return [folder / "suspicious-documents" / f"{n}.txt" for n in names], cases


def test_pan_slice_against_all_sources(shared: Path, tmp_path: Path) -> None:
    """Suspicious documents of every obfuscation against all 570 sources (retrieval included)."""
    targets, cases = _slice(shared)
    folder = tmp_path / "targets"
    folder.mkdir()
    for t in targets:
        (folder / t.name).symlink_to(t)
    detections = [
        Annotation(
            Path(r.target).stem,
            r.passage.target_start,
            r.passage.target_end - r.passage.target_start,
            Path(r.source).stem,
            r.passage.source_start,
            r.passage.source_end - r.passage.source_start,
        )
        for r in find_reuse_paths([shared / DATASET / "source-documents"], [folder], jobs=1)
    ]
    scores = score_by_obfuscation(cases, detections, [t.stem for t in targets])
    assert scores["all"].plagdet >= 0.85
    assert scores["none"].recall >= 0.95
    assert scores["word shuffling"].recall >= 0.9
    assert scores["all"].granularity < 1.1
