"""PAN plagiarism-detection measures (Potthast et al. 2010), character level, and the PAN XML annotations.

A case or a detection is a passage of a suspicious document paired with a passage of a source document.
Precision and recall are macro-averaged over detections and cases, counting the characters of both
passages; granularity is the mean number of detections per detected case; plagdet combines the three.
Our own implementation of the published definitions (PAN 2009-2015 evaluation).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Annotation:
    """`this_*` is the suspicious (target) side, `source_*` the source side; offsets are characters."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    obfuscation: str = ""

    @property
    def this_end(self) -> int:
        return self.this_offset + self.this_length

    @property
    def source_end(self) -> int:
        return self.source_offset + self.source_length


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int

    @property
    def plagdet(self) -> float:
        return plagdet(self.precision, self.recall, self.granularity)


_FEATURE = re.compile(r"<feature\b([^>]*)/?>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_REFERENCE = re.compile(r'<document\b[^>]*\breference="([^"]*)"')


def read_annotations(path: str | Path) -> list[Annotation]:
    """The plagiarism cases of one PAN XML file; references are file names without `.txt`."""
    xml = Path(path).read_text(encoding="utf-8")
    found = _REFERENCE.search(xml)
    this_ref = _doc_name(found.group(1) if found else Path(path).with_suffix(".txt").name)
    cases = []
    for m in _FEATURE.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        if attrs.get("name") != "plagiarism" or "source_reference" not in attrs:
            continue
        cases.append(
            Annotation(
                this_ref,
                int(attrs["this_offset"]),
                int(attrs["this_length"]),
                _doc_name(attrs["source_reference"]),
                int(attrs["source_offset"]),
                int(attrs["source_length"]),
                attrs.get("obfuscation", ""),
            )
        )
    return cases


def _doc_name(reference: str) -> str:
    name = Path(reference).name
    return name[:-4] if name.endswith(".txt") else name


def overlaps(a: Annotation, b: Annotation) -> bool:
    """b detects a: same document pair, and the passages overlap on both sides."""
    return (
        a.this_reference == b.this_reference
        and a.source_reference == b.source_reference
        and b.this_offset < a.this_end
        and a.this_offset < b.this_end
        and b.source_offset < a.source_end
        and a.source_offset < b.source_end
    )


def _covered(spans: Iterable[tuple[int, int]], lo: int, hi: int) -> int:
    """How many characters of [lo, hi) the spans cover, each counted once."""
    clipped = sorted((max(s, lo), min(e, hi)) for s, e in spans if s < hi and e > lo)
    total, reach = 0, lo
    for s, e in clipped:
        s = max(s, reach)
        if e > s:
            total += e - s
            reach = e
    return total


def _recall_of(case: Annotation, detections: Sequence[Annotation]) -> float:
    hits = [d for d in detections if overlaps(case, d)]
    if not hits:
        return 0.0
    this = _covered(((d.this_offset, d.this_end) for d in hits), case.this_offset, case.this_end)
    source = _covered(((d.source_offset, d.source_end) for d in hits), case.source_offset, case.source_end)
    return (this + source) / (case.this_length + case.source_length)


def _by_document(annotations: Iterable[Annotation]) -> dict[str, list[Annotation]]:
    index: dict[str, list[Annotation]] = defaultdict(list)
    for a in annotations:
        index[a.this_reference].append(a)
    return index


def macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    index = _by_document(detections)
    return sum(_recall_of(c, index.get(c.this_reference, ())) for c in cases) / len(cases)


def macro_precision(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    return macro_recall(detections, cases)


def granularity(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    index = _by_document(detections)
    counts = [sum(overlaps(c, d) for d in index.get(c.this_reference, ())) for c in cases]
    detected = [n for n in counts if n > 0]
    return sum(detected) / len(detected) if detected else 1.0


def plagdet(precision: float, recall: float, granularity: float) -> float:
    if precision <= 0 or recall <= 0 or granularity < 1:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + granularity)


def score(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> Scores:
    return Scores(
        precision=macro_precision(cases, detections),
        recall=macro_recall(cases, detections),
        granularity=granularity(cases, detections),
        cases=len(cases),
        detections=len(detections),
    )


def score_by_obfuscation(
    cases: Sequence[Annotation], detections: Sequence[Annotation], documents: Iterable[str]
) -> dict[str, Scores]:
    """Scores overall ("all") and per obfuscation type. A type's subset is the suspicious documents whose
    cases have that type (ExAraPlagDet uses one type per document) with all their detections; documents
    without cases count in "all" only, where their detections lower precision."""
    doc_type: dict[str, str] = {}
    for c in cases:
        doc_type.setdefault(c.this_reference, c.obfuscation)
    docs = set(documents)
    result = {
        "all": score(
            [c for c in cases if c.this_reference in docs], [d for d in detections if d.this_reference in docs]
        )
    }
    for kind in sorted(set(doc_type.values())):
        kind_docs = {d for d, t in doc_type.items() if t == kind and d in docs}
        result[kind] = score(
            [c for c in cases if c.this_reference in kind_docs],
            [d for d in detections if d.this_reference in kind_docs],
        )
    return result
