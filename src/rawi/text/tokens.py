"""Tokens with their character offsets in the shown text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rawi.text.normalize import match_form

# A word is a run of letters, marks and digits, keeping decimal points and percent signs inside numbers
# (37.3, 90%, ٣٧٫٣) and internal hyphens/apostrophes in Latin names. Everything else is punctuation.
_TOKEN = re.compile(
    r"\d+(?:[.,٫٬]\d+)*%?"  # numbers, any script's digits (\d is Unicode-aware)
    r"|[^\W\d_](?:[^\W_]|[\u064B-\u065F\u0670\u0640])*"  # words: letters then letters/digits/marks
    r"|[^\s\w]",  # one punctuation or symbol character
    re.UNICODE,
)


@dataclass(slots=True, frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


def tokenize(text: str) -> list[Token]:
    """Every word, number and punctuation mark of `text` with its offsets; `text[t.start:t.end] == t.text`."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """The words of `text` in matching form (punctuation dropped): what comparisons and indexes use."""
    return [match_form(t.text) for t in tokenize(text) if t.is_word]
