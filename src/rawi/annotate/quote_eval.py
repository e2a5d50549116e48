"""Scoring quotations against hand annotations (the format of ../shared/gold/seeds.json).

A gold quote is found when a predicted quote of the same speaker contains its `fragment`. A predicted quote
is a true positive when it finds a gold quote, neutral when it finds only an `optional` one, and a false
positive otherwise, or whenever it covers a `not_quotes` sentence. Speakers are the same when their matching
forms are equal, or when the predicted name is one of the surface forms the annotation lists for the gold
entity (`entities[canonical].forms`): the annotation says which spellings name whom.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rawi.text import match_form


@dataclass
class Score:
    tp: int = 0  # predicted quotes that find a gold quote
    fp: int = 0
    found: int = 0  # gold quotes found
    gold: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.found += other.found
        self.gold += other.gold
        self.misses += other.misses
        self.false += other.false


def same_speaker(predicted: str | None, gold: str, forms: Mapping[str, Iterable[str]] | None = None) -> bool:
    if not predicted:
        return False
    p = match_form(predicted)
    if p == match_form(gold):
        return True
    return any(p == match_form(f) for f in (forms or {}).get(gold, ()))


def _contains(quote_text: str, fragment: str) -> bool:
    return fragment in quote_text or match_form(fragment) in match_form(quote_text)


def score_article(
    predicted: Sequence[Mapping[str, Any]],
    gold_quotes: Sequence[Mapping[str, Any]],
    optional: Sequence[Mapping[str, Any]] = (),
    not_quotes: Sequence[str] = (),
    forms: Mapping[str, Iterable[str]] | None = None,
) -> Score:
    """Score one article's predicted quotes (output schema dicts) against its annotations."""
    score = Score(gold=len(gold_quotes))

    def finds(q: Mapping[str, Any], g: Mapping[str, Any]) -> bool:
        return same_speaker(q.get("speaker"), g["speaker"], forms) and _contains(q["text"], g["fragment"])

    for g in gold_quotes:
        if any(finds(q, g) for q in predicted):
            score.found += 1
        else:
            score.misses.append(f"{g['speaker']} | {g['cue']} | {g['fragment']}")
    for q in predicted:
        covers_not = any(_overlaps_text(q["text"], n) for n in not_quotes)
        if not covers_not and any(finds(q, g) for g in gold_quotes):
            score.tp += 1
        elif not covers_not and any(finds(q, g) for g in optional):
            continue
        else:
            score.fp += 1
            score.false.append(f"{q.get('speaker')} | {q.get('cue')} | {q['text'][:90]}")
    return score


def _overlaps_text(quote_text: str, sentence: str) -> bool:
    """A quote covers a not-quote sentence when it holds it, or holds a good part of it (five words)."""
    if _contains(quote_text, sentence):
        return True
    words = match_form(sentence).split()
    qt = match_form(quote_text)
    return any(" ".join(words[k : k + 5]) in qt for k in range(max(1, len(words) - 4))) if len(words) >= 5 else False
