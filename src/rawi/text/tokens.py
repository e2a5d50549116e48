"""Tokens with their character offsets in the shown text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rawi.text.normalize import match_form

# A word is a run of letters, marks and digits, keeping decimal points and percent signs inside numbers
# (37.3, 90%, ٣٧٫٣) and internal hyphens/apostrophes in Latin names. Everything else is punctuation.
_TOKEN = re.compile(
    r"\d+(?:[.,٫٬]\d+)*%?"  # numbers, any script's digits (\d is Unicode-aware)
    r"|[^\W\d_](?:[^\W_]|[\u064B-\u065F\u0670\u0640])*"  # words: letters then letters/digits/marks
    r"|[^\s\w]",  # one punctuation or symbol character
    re.UNICODE,
)


class Token(NamedTuple):
    # a named tuple: immutable like the frozen dataclass it was, and about a third cheaper to make, which
    # counts at a few hundred tokens per article tokenized by several annotators
    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


_new = tuple.__new__  # Token's own __new__ is a Python function: this skips a call per token


def tokenize(text: str) -> list[Token]:
    """Every word, number and punctuation mark of `text` with its offsets; `text[t.start:t.end] == t.text`."""
    if len(text) < _MEMO_CHARS:
        return [_new(Token, (m.group(), m.start(), m.end())) for m in _TOKEN.finditer(text)]
    return list(_token_tuple(text))  # a fresh list: callers may change theirs


_MEMO_CHARS = 500  # an article's text is tokenized by several annotators in turn: once is enough


@lru_cache(maxsize=4)
def _token_tuple(text: str) -> tuple[Token, ...]:
    return tuple([_new(Token, (m.group(), m.start(), m.end())) for m in _TOKEN.finditer(text)])


def first_token(text: str) -> Token | None:
    """The first token of `text` (`tokenize(text)[0]` without tokenizing the rest)."""
    m = _TOKEN.search(text)
    return _new(Token, (m.group(), m.start(), m.end())) if m else None


def words(text: str) -> list[str]:
    """The words of `text` in matching form (punctuation dropped): what comparisons and indexes use."""
    return [match_form(t.text) for t in tokenize(text) if t.is_word]
