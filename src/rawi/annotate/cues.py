"""High-precision news patterns that add mentions the CRF misses in articles.

ANERcorp, on which the CRF learns, leaves ministries untagged ("وزارة الخارجية" is O there) and has
few credit lines, but rawi's schema wants "وزارة الخارجية الروسية" as an organization and "المصدر: RT"
as a cited outlet. These patterns run on articles only; `rawi ner tag` keeps ANERcorp's conventions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from rawi.annotate.ner_features import wordset
from rawi.text import Token
from rawi.text.normalize import word_form

# An indefinite head followed by definite words names an organization: وزارة الخارجية الروسية.
_ORG_HEADS = wordset("وزارة هيئة منظمة وكالة مؤسسة جامعة محكمة سفارة مفوضية رئاسة")
# Outlets are introduced by these (وكالة سبوتنيك، قناة BBC) and credited after "المصدر:".
_MEDIA_HEADS = wordset("وكالة صحيفة جريدة مجلة قناة شبكة موقع إذاعة")
_SOURCE_CUES = wordset("المصدر المصادر")
_CITE_CUES = (("وفقا", "ل"), ("نقلا", "عن"), ("بحسب",), ("حسب",))  # in matching form
# Places announced by a settlement noun: في منطقتي بريانسك وكورسك.
_PLACE_HEADS = wordset("منطقة منطقتي مدينة مدينتي بلدة بلدتي قرية قريتي مقاطعة مقاطعتي إقليم ولاية")
_PRO = ("و", "ف", "ب", "ل", "ك")
_MAX_NAME = 3
_HEADS = _ORG_HEADS | _MEDIA_HEADS | _PLACE_HEADS
_CUE_FIRSTS = _SOURCE_CUES | {cue[0] for cue in _CITE_CUES}  # what a credit or citation starts with


_form = word_form  # shared with the other per-word callers


def _bare(form: str) -> list[str]:
    out = [form]
    if len(form) > 3 and form[0] in _PRO:
        out.append(form[1:])
        if len(form) > 4 and form[1] in _PRO[2:]:
            out.append(form[2:])
    return out


def _definite(form: str) -> bool:
    return any(f.startswith("ال") and len(f) > 3 for f in _bare(form))


@lru_cache(maxsize=100_000)
def _is_head(form: str) -> bool:
    # most words head no pattern: the loop below moves on after one cached look-up
    return any(h in _HEADS for h in _bare(form))


def cue_mentions(
    text: str, toks: Sequence[Token], taken: list[bool], rank: Callable[[str], int]
) -> list[tuple[int, int, str]]:
    """(start, end, label) of pattern mentions; `taken` marks tokens the CRF labelled. Credit lines and
    citations override the CRF inside them; the other patterns only fill free tokens."""
    mf = [_form(t.text) for t in toks]
    n = len(toks)
    out: list[tuple[int, int, str]] = []

    def line_break(i: int) -> bool:  # a line break between token i and i+1
        return i + 1 >= n or "\n" in text[toks[i].end : toks[i + 1].start]

    def add(a: int, b: int, label: str, override: bool = False) -> None:
        if b > a and (override or not any(taken[a:b])):
            out.append((toks[a].start, toks[b - 1].end, label))
            for k in range(a, b):
                taken[k] = True

    for i in range(n):
        if taken[i] or not _is_head(mf[i]) or not toks[i].is_word:
            continue
        heads = _bare(mf[i])
        # وزارة الخارجية الروسية
        if any(h in _ORG_HEADS for h in heads):
            j = i + 1
            while j < n and j - i <= 3 and toks[j].is_word and _definite(mf[j]) and not taken[j]:
                j += 1
            if j - i >= 2:
                add(i, j, "ORG")
                continue
        # قناة BBC، وكالة سبوتنيك: a Latin acronym or a rare word after a media head
        if any(h in _MEDIA_HEADS for h in heads) and i + 1 < n and not taken[i + 1] and toks[i + 1].is_word:
            nxt = toks[i + 1].text
            if (nxt.isascii() and nxt.isupper()) or (rank(mf[i + 1]) >= 20000 and not _definite(mf[i + 1])):
                add(i + 1, i + 2, "ORG")
                continue
        # في منطقتي بريانسك وكورسك
        if any(h in _PLACE_HEADS for h in heads):
            j = i + 1
            while j < n and j - i <= 2 and toks[j].is_word and not taken[j]:
                form = _bare(mf[j])[-1] if j > i + 1 else mf[j]
                if _definite(mf[j]) or rank(form) < 5000:
                    break
                add(j, j + 1, "LOC")
                j += 1
    # Credit lines and citations: "المصدر: RT", "وفقا لـ ذا جارديان" up to the end of the line.
    for i in range(n):
        if mf[i] not in _CUE_FIRSTS:
            continue
        start = None
        if mf[i] in _SOURCE_CUES and i + 1 < n and toks[i + 1].text in (":", "："):
            start = i + 2
        else:
            for cue in _CITE_CUES:
                k = len(cue)
                if tuple(mf[i : i + k]) == cue:
                    start = i + k
                    break
        if start is None or start >= n:
            continue
        j = start
        while j < n and toks[j].is_word and j - start < _MAX_NAME + 1:
            if line_break(j) or (j + 1 < n and not toks[j + 1].is_word):
                j += 1
                break
            j += 1
        ends_line = j - 1 >= start and (line_break(j - 1) or (j < n and not toks[j].is_word))
        words = mf[start:j]
        if ends_line and 0 < len(words) <= _MAX_NAME and rank(words[0]) >= 1000:
            # the whole credited name is the outlet, whatever the CRF made of a part of it
            add(start, j, "ORG", override=True)
    return out
