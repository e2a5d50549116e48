"""The view of an article that quotation finding works on: a fast matching form with offsets, and tokens.

`rawi.text.match_form` is the reference for what two spellings share, but it costs a dictionary lookup per
character, and quote finding must stay a small fraction of `rawi analyze`. `ArticleView` builds the same
letter folding from match_form's own tables with a handful of C-speed `str.replace` calls, drops
diacritics and tatweel with one regex, and keeps the offsets of what it dropped so that every position can
be mapped back to the article's own characters. Quote marks are kept as they are: their shape pairs them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from rawi.text import match_form, match_form_with_offsets

# A token: a run of letters, a number, or one other visible character.
_TOKEN = re.compile(r"[\u0621-\u064a]+|\d+(?:[.,٫]\d+)*|\w+|[^\w\s]")
# Ends of a sentence (a period between digits is a decimal point).
SENTENCE_END = re.compile(r"[!?؟؛…\n]|(?<!\s[\u0621-\u064a])(?:\.(?!\d)|(?<!\d)\.)")
OPEN_QUOTES = {"«": "»", "“": "”", '"': '"', "„": "”"}
QUOTE_MARKS = frozenset("«»“”\"„")
_PRESENTATION = re.compile("[\ufb50-\ufefc]")
# ة and ى are kept: ة tells a feminine noun (منطقة) from a pronoun (نظيره), ى the preposition على from
# the name علي (the press writes them apart).
_COMMON = "أإآؤئ"


@dataclass(slots=True)
class Tok:
    """A token of the view: offsets in the view's matching form, and its text there."""

    start: int
    end: int
    text: str

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()


@cache
def _tables() -> tuple[re.Pattern[str], tuple[tuple[str, str], ...], re.Pattern[str], dict[int, str]]:
    """From match_form itself: the characters it drops, the common letters it folds (replaced one by one),
    and the rare ones (folded with one translate when present)."""
    drop, fold = [], []
    for cp in [*range(0x0600, 0x0800), *range(0x2000, 0x2070), 0xFEFF, 0x00AD]:
        ch = chr(cp)
        mf = match_form(ch)
        if mf == "":
            drop.append(ch)
        elif len(mf) == 1 and mf != ch and mf.isalpha() and ch not in "ةى":
            fold.append((ch, mf))
    common = tuple((a, b) for a, b in fold if a in _COMMON)
    rare = {ord(a): b for a, b in fold if a not in _COMMON}
    # one range holds every rare letter: a range is searched much faster than a list of letters
    rare_re = re.compile("[" + chr(min(rare)) + "-" + chr(max(rare)) + "]")
    return re.compile("[" + re.escape("".join(drop)) + "]"), common, rare_re, rare


def _period_ends(norm: str, k: int) -> bool:
    if 0 < k < len(norm) - 1 and norm[k - 1].isdigit() and norm[k + 1].isdigit():
        return False
    return not (k >= 2 and norm[k - 1].isalpha() and norm[k - 2].isspace())


class ArticleView:
    """The article text in matching form (`norm`), with offsets back to the text."""

    __slots__ = ("_dropped", "_keys", "_offsets", "norm", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._dropped: list[int] = []  # positions in `text` of the characters left out of `norm`
        self._keys: list[int] = []  # for each, where the next kept character lands in `norm`
        self._offsets: list[int] | None = None  # explicit map, only for text with presentation forms
        if _PRESENTATION.search(text):
            # Ligatures expand to two letters: take the reference path with its per-character offsets.
            self.norm, self._offsets = match_form_with_offsets(text)
            return
        drop, common, rare_re, rare = _tables()
        if drop.search(text):
            self._dropped = dropped = [m.start() for m in drop.finditer(text)]
            self._keys = [p - j for j, p in enumerate(dropped)]
            bounds = [-1, *dropped, len(text)]
            text = "".join([text[bounds[k] + 1 : bounds[k + 1]] for k in range(len(bounds) - 1)])
        if rare_re.search(text):
            text = text.translate(rare)
        for a, b in common:
            if a in text:
                text = text.replace(a, b)
        self.norm = text

    def orig(self, i: int) -> int:
        """Position in the text of view position `i` (`len(norm)` maps to `len(text)`)."""
        if self._offsets is not None:
            return self._offsets[i] if i < len(self._offsets) else len(self.text)
        if not self._dropped:
            return i
        return i + bisect_right(self._keys, i)

    def orig_end(self, i: int) -> int:
        """Text position that ends a span ending at view position `i`; marks on its last letter stay in."""
        if i <= 0:
            return 0
        end = self.orig(i - 1) + 1
        text = self.text
        if self._dropped:
            k = bisect_left(self._dropped, end)
            while k < len(self._dropped) and self._dropped[k] == end:
                end += 1
                k += 1
        return min(end, len(text))

    def view_pos(self, o: int) -> int:
        """Position in the view of text position `o`."""
        if self._offsets is not None:
            return bisect_left(self._offsets, o)
        if not self._dropped:
            return o
        return o - bisect_left(self._dropped, o)

    def tokens(self, start: int, end: int | None = None, limit: int = 1 << 30) -> list[Tok]:
        """Up to `limit` tokens of the view from `start` (to `end`, else the end of the text)."""
        out: list[Tok] = []
        stop = len(self.norm) if end is None else end
        for m in _TOKEN.finditer(self.norm, start, stop):
            out.append(Tok(m.start(), m.end(), m.group()))
            if len(out) >= limit:
                break
        return out

    def sentence_start(self, pos: int) -> int:
        """Start of the sentence that holds view position `pos`."""
        norm = self.norm
        lo = max(0, pos - 800)
        best = lo
        for ch in ".!?؟؛…\n":
            k = norm.rfind(ch, lo, pos)
            while k > 0 and ch == "." and not _period_ends(norm, k):
                k = norm.rfind(ch, lo, k)  # a decimal point, or the period of د. م.
            if k + 1 > best:
                best = k + 1
        return best

    def paragraph_end(self, pos: int) -> int:
        end = self.norm.find("\n", pos)
        return len(self.norm) if end < 0 else end
