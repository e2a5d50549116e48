"""ROUGE-N for Arabic: n-gram overlap over normalized words (Google's rouge_score drops non-Latin letters).

Words are rawi's matching form (diacritics, tatweel and alef/yeh/teh-marbuta variants folded), so "الأمم" and
"الامم" count as one word. No stemming: that is ROUGE's usual setting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rawi.text import match_form
from rawi.text.stem import iter_words


def words(text: str) -> list[str]:
    return [match_form(w) for _, _, w in iter_words(text)]


def ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def rouge_n(candidate: str, reference: str, n: int) -> Score:
    cand, ref = ngrams(words(candidate), n), ngrams(words(reference), n)
    overlap = sum((cand & ref).values())
    p = overlap / sum(cand.values()) if cand else 0.0
    r = overlap / sum(ref.values()) if ref else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0)
