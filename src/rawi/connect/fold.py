"""The matching form as code-point tables, for folding whole texts with numpy.

Built once from `rawi.text.match_form` itself, one character at a time, so this module knows no
orthography of its own: text/ stays the only place that does. Folding a text is then a table lookup per
code point, several times faster than `str.translate` with a dict, and every folded character keeps the
position of the character it came from.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every BMP code point: how many characters its matching form has (0 = dropped), those
    characters, and which code points are word characters (letters and digits)."""
    from rawi.text import match_form

    # One call over every character, NUL-separated (NUL folds to itself); surrogates never occur in text.
    every = "\x00".join("" if 0xD800 <= c < 0xE000 else chr(c) for c in range(1, 0x10000))
    forms = ["", *match_form(every).split("\x00")]
    size = np.fromiter(map(len, forms), np.uint8, count=0x10000)
    chars = np.zeros((0x10000, int(size.max())), np.uint32)  # ligatures such as ﷲ fold to several letters
    single = np.flatnonzero(size == 1)
    chars[single, 0] = np.fromiter((ord(forms[c]) for c in single.tolist()), np.uint32, count=len(single))
    for c in np.flatnonzero(size > 1).tolist():
        chars[c, : size[c]] = [ord(x) for x in forms[c]]
    word = np.zeros(0x10000, bool)
    word[chars[:, 0][size > 0]] = [chr(x).isalnum() for x in chars[:, 0][size > 0].tolist()]
    return size, chars, word


def codes_of(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def fold(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(matching-form code points, position in `codes` of the character each came from). Characters
    beyond the BMP (emoji, rare scripts) stay as they are."""
    size, chars, _ = tables()
    astral = codes >= 0x10000 if len(codes) and codes.max() >= 0x10000 else None
    small = np.where(astral, 0, codes) if astral is not None else codes
    n = size[small]
    if astral is not None:
        n[astral] = 1
    where = np.flatnonzero(n)
    out = chars[small[where], 0]
    if astral is not None:
        out = np.where(astral[where], codes[where], out)
    multi = np.flatnonzero(n[where] > 1)
    if len(multi):  # ligatures: insert their further letters after the first, at the same position
        extra = n[where[multi]].astype(np.int64) - 1
        at = np.repeat(multi + 1, extra)
        k = np.arange(len(at)) - np.repeat(np.cumsum(extra) - extra, extra) + 1
        out = np.insert(out, at, chars[small[where[at - 1]], k])
        where = np.insert(where, at, where[at - 1])
    return out, where


def is_word(folded: np.ndarray) -> np.ndarray:
    _, _, word = tables()
    small = folded < 0x10000
    out = np.zeros(len(folded), bool)
    out[small] = word[folded[small]]
    return out
