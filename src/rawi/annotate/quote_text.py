"""The view of an article that quotation finding works on: a fast matching form with offsets, and tokens.

`rawi.text.match_form` is the reference for what two spellings share, but it costs a dictionary lookup per
character, and quote finding must stay a small fraction of `rawi analyze`. `ArticleView` builds the same
letter folding from match_form's own tables with a handful of C-speed `str.replace` calls, drops
diacritics and tatweel with one regex, and keeps the offsets of what it dropped so that every position can
be mapped back to the article's own characters. Quote marks are kept as they are: their shape pairs them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from rawi.text import match_form

# A token: a run of letters, a number, or one other visible character.
_TOKEN = re.compile(r"[\u0621-\u064a]+|\d+(?:[.,٫]\d+)*|\w+|[^\w\s]")
# Ends of a sentence (a period between digits is a decimal point).
SENTENCE_END = re.compile(r"[!?؟؛…\n]|(?<!\s[\u0621-\u064a])(?:\.(?!\d)|(?<!\d)\.)")
OPEN_QUOTES = {"«": "»", "“": "”", '"': '"', "„": "”"}
QUOTE_MARKS = frozenset('«»“”"„')
_PRESENTATION = re.compile("[\ufb50-\ufefc]")
# ة and ى are kept: ة tells a feminine noun (منطقة) from a pronoun (نظيره), ى the preposition على from
# the name علي (the press writes them apart).
_COMMON = "أإآؤئ"


def _unfold(text: str) -> tuple[str, list[int]]:
    """Presentation forms (U+FB50..) to their letters, as match_form does, with each new character's
    position in `text` (a lam-alef ligature gives two letters at one position), and a final sentinel."""
    pieces: list[str] = []
    base: list[int] = []
    last = 0
    for m in _PRESENTATION.finditer(text):
        i = m.start()
        pieces.append(text[last:i])
        base.extend(range(last, i))
        letters = unicodedata.normalize("NFKC", text[i])
        pieces.append(letters)
        base.extend([i] * len(letters))
        last = i + 1
    pieces.append(text[last:])
    base.extend(range(last, len(text)))
    base.append(len(text))
    return "".join(pieces), base


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
def _tables() -> tuple[re.Pattern[str], tuple[tuple[str, str], ...], re.Pattern[str], dict[int, str], re.Pattern[str]]:
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
    rare_range = chr(min(rare)) + "-" + chr(max(rare))
    dropped = re.escape("".join(drop))
    unusual = re.compile("[" + dropped + rare_range + "\ufb50-\ufefc]")
    return re.compile("[" + dropped + "]"), common, re.compile("[" + rare_range + "]"), rare, unusual


def _period_ends(norm: str, k: int) -> bool:
    if 0 < k < len(norm) - 1 and norm[k - 1].isdigit() and norm[k + 1].isdigit():
        return False
    return not (k >= 2 and norm[k - 1].isalpha() and norm[k - 2].isspace())


class ArticleView:
    """The article text in matching form (`norm`), with offsets back to the text.

    Built in at most three steps, each only when the text needs it: presentation forms are unfolded
    (`_base` maps the unfolded string back to the text), diacritics and tatweel are dropped (`_dropped`),
    and letters are folded one by one (same length)."""

    __slots__ = ("_base", "_dropped", "_keys", "norm", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._dropped: list[int] = []  # positions (in the unfolded string) of the characters left out of `norm`
        self._keys: list[int] = []  # for each, where the next kept character lands in `norm`
        self._base: list[int] | None = None  # unfolded string → text, only for text with presentation forms
        drop, common, rare_re, rare, unusual = _tables()
        work = text
        first = unusual.search(text)  # one scan tells whether any of the slower steps is needed
        if first is not None:
            at = first.start()
            if _PRESENTATION.search(text, at):
                work, self._base = _unfold(text)
                at = 0
            if drop.search(work, at):
                self._dropped = dropped = [m.start() for m in drop.finditer(work, at)]
                self._keys = [p - j for j, p in enumerate(dropped)]
                bounds = [-1, *dropped, len(work)]
                work = "".join([work[bounds[k] + 1 : bounds[k + 1]] for k in range(len(bounds) - 1)])
            if rare_re.search(work):
                work = work.translate(rare)
        for a, b in common:
            if a in work:
                work = work.replace(a, b)
        self.norm = work

    def _unfolded(self, i: int) -> int:
        return i + bisect_right(self._keys, i) if self._dropped else i

    def orig(self, i: int) -> int:
        """Position in the text of view position `i` (`len(norm)` maps to `len(text)`)."""
        u = self._unfolded(i)
        return self._base[u] if self._base is not None else u

    def orig_end(self, i: int) -> int:
        """Text position that ends a span ending at view position `i`; marks on its last letter stay in."""
        if i <= 0:
            return 0
        end = self._unfolded(i - 1) + 1
        if self._dropped:
            k = bisect_left(self._dropped, end)
            while k < len(self._dropped) and self._dropped[k] == end:
                end += 1
                k += 1
        if self._base is not None:
            return self._base[end - 1] + 1
        return min(end, len(self.text))

    def view_pos(self, o: int) -> int:
        """Position in the view of text position `o`."""
        u = bisect_left(self._base, o) if self._base is not None else o
        return u - bisect_left(self._dropped, u) if self._dropped else u

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
