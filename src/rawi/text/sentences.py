"""Sentence splitting on Arabic and Latin punctuation and line breaks."""

from __future__ import annotations

import re

from rawi.model import Span

# A sentence ends at . ! ? ؟ ؛ … (and runs of them), or at a line break. A period between digits
# (37.3) is not an end; neither is one inside an abbreviation-like single letter (د. محمد).
# The Arabic comma is not a sentence end.
_END = re.compile(r"(?<!\d)[.!?؟؛…]+(?![\d])[\"”»’']*|(?<=\d)[.!?؟؛…]+(?!\d)[\"”»’']*|\n+")
_SINGLE_LETTER_ABBR = re.compile(r"(?:^|\s)\w\.$")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans `[start, end)` covering the text's sentences, stripped of surrounding space."""
    spans: list[Span] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        piece = text[start:end]
        if m.group().startswith(".") and _SINGLE_LETTER_ABBR.search(text[max(0, m.start() - 3) : m.end()]):
            continue  # "د." "م." abbreviations
        _add(spans, text, start, end if not piece.endswith("\n") else m.start())
        start = end
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))
