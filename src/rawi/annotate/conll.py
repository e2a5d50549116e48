"""Token-per-line CoNLL files (ANERcorp style) and conlleval-style entity scoring.

A line holds a token and optionally tag columns; sentences end at a blank line or at a
sentence-final punctuation token, since ANERcorp has no blank lines at all. A line whose token is
blank (ANERcorp has some: " O") is kept as an empty token so that output stays line-aligned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SENTENCE_END = frozenset({".", "!", "?", "؟", "…"})
MAX_SENTENCE = 250  # longer runs are cut: a CRF needs no more context, and memory stays flat
_TAG_PREFIXES = ("B-", "I-", "E-", "S-")


@dataclass(slots=True)
class Row:
    token: str  # "" for a blank line or a blank token
    tags: list[str]  # the tag columns after the token (may be empty)
    blank: bool  # a blank line: a sentence separator, written back as blank


def _looks_like_tag(s: str) -> bool:
    return s == "O" or s.startswith(_TAG_PREFIXES)


def parse_line(line: str) -> Row:
    line = line.rstrip("\r\n")
    if not line.strip():
        return Row("", [], True)
    parts = line.split("\t") if "\t" in line else line.split()
    parts = [p.strip() for p in parts]
    if line[0].isspace() and len(parts) == 1 and _looks_like_tag(parts[0]):
        return Row("", parts, False)  # the token itself was white space
    if "\t" in line and parts and parts[0] == "":
        return Row("", [p for p in parts[1:] if p], False)
    return Row(parts[0], [p for p in parts[1:] if p], False)


def read_rows(lines: Iterable[str]) -> list[Row]:
    return [parse_line(ln) for ln in lines]


def sentences(rows: Sequence[Row]) -> list[list[int]]:
    """Row indices grouped into sentences (blank rows belong to none)."""
    out: list[list[int]] = []
    cur: list[int] = []
    for i, row in enumerate(rows):
        if row.blank:
            if cur:
                out.append(cur)
                cur = []
            continue
        cur.append(i)
        if row.token in SENTENCE_END or len(cur) >= MAX_SENTENCE:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entity spans (start, end exclusive, type) of a BIO sequence, conlleval-style: an I- that does not
    continue an entity of its type starts a new one."""
    out: set[tuple[int, int, str]] = set()
    start, typ = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, t = tag.partition("-")
        if start >= 0 and (prefix in ("B", "O", "S") or t != typ or tag == "O"):
            out.add((start, i, typ))
            start = -1
        if prefix in ("B", "S") or (prefix in ("I", "E") and start < 0):
            start, typ = i, t
    return out


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Score]:
    """Per-type and micro ("ALL") entity scores: exact span and type."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} tags but prediction has {len(pred)}")
    g, p = spans(gold), spans(pred)
    scores: dict[str, Score] = {}
    for typ in sorted({s[2] for s in g | p}):
        gs = {s for s in g if s[2] == typ}
        ps = {s for s in p if s[2] == typ}
        scores[typ] = Score(len(gs & ps), len(ps - gs), len(gs - ps))
    scores["ALL"] = Score(len(g & p), len(p - g), len(g - p))
    return scores


def format_scores(scores: dict[str, Score]) -> str:
    lines = [f"{'label':<8}{'precision':>10}{'recall':>10}{'f1':>10}{'gold':>8}{'pred':>8}"]
    for typ, s in scores.items():
        name = "micro" if typ == "ALL" else typ
        lines.append(f"{name:<8}{s.precision:>10.4f}{s.recall:>10.4f}{s.f1:>10.4f}{s.tp + s.fn:>8}{s.tp + s.fp:>8}")
    return "\n".join(lines)
