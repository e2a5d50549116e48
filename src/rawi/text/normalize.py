"""The matching form of Arabic text: what two spellings of one word have in common.

Shown text is never altered; this form is for comparing, indexing and searching only. Every rule
maps one character to at most one character, so `match_form_with_offsets` can point each character
of the matching form back to the page's own characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters dropped entirely: Arabic diacritics (harakat, tanween, shadda, sukun, dagger alef, Quranic
# marks), tatweel, and invisible format controls (bidi marks and isolates, zero-width joiners, BOM).
_DROP = set(
    [chr(c) for c in range(0x0610, 0x061B)]  # Quranic honorifics and small marks
    + [chr(c) for c in range(0x064B, 0x0660)]  # fathatan .. wavy hamza below
    + ["\u0670"]  # superscript (dagger) alef
    + [chr(c) for c in range(0x06D6, 0x06DD)]  # Quranic annotation signs
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + ["\u06e7", "\u06e8"]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
    + ["\u0640"]  # tatweel
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad", "\u061c"]
    + [chr(c) for c in range(0x202A, 0x202F)]  # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI RLI FSI PDI
)

_MAP: dict[str, str] = {
    # alef and hamza carriers
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ؤ": "و",
    "ئ": "ي",
    "ى": "ي",
    # ta marbuta is folded to ha: the press writes both at word ends
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "ۂ": "ه",
    # Persian and Urdu letters that stand for Arabic ones
    "ی": "ي",
    "ې": "ي",
    "ێ": "ي",
    "ۍ": "ي",
    "ے": "ي",
    "ۓ": "ي",
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "ٸ": "ي",
    "ۇ": "و",
    "ۆ": "و",
    "ۈ": "و",
    "ۋ": "و",
    # quote marks of every kind to a plain double quote; apostrophes to a plain one
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "«": '"',
    "»": '"',
    "″": '"',
    "＂": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    # Arabic punctuation kept as itself but its presentation variants folded
    "٫": ".",
    "٬": ",",
    # dashes
    "–": "-",
    "—": "-",
    "‒": "-",
    "―": "-",
    "ـ": "",
}
# Arabic-Indic (U+0660..) and extended (Persian/Urdu, U+06F0..) digits to ASCII digits.
for _i in range(10):
    _MAP[chr(0x0660 + _i)] = str(_i)
    _MAP[chr(0x06F0 + _i)] = str(_i)

_TABLE: dict[int, str | None] = {ord(c): None for c in _DROP}
_TABLE.update({ord(k): (v or None) for k, v in _MAP.items()})


_PRESENTATION = re.compile("[\ufb50-\ufefc]")

# Long texts (a line, a whole article) fold faster by one `replace` per character of the table that the news
# writes often (each a fast scan) than by a `translate`, which looks every character up; a text holding any
# other character of the table is translated as a whole. No fold makes a character another fold takes, so
# the replaces in turn give what one translate gives. Short words (most calls) keep the one translate.
_LONG = 64
_COMMON = "ةأىإئؤآ»«ـ–”“" + "".join(chr(c) for c in range(0x064B, 0x0653))  # tanween, harakat, shadda, sukun
_COMMON_FOLDS = tuple((c, _TABLE[ord(c)] or "") for c in _COMMON)
_RARE = re.compile("[" + re.escape("".join(chr(k) for k in _TABLE if chr(k) not in _COMMON)) + "]")


def _fold_presentation_forms(text: str) -> str:
    # Arabic presentation forms (U+FB50..U+FEFF) decompose to base letters under NFKC. Only run
    # it when needed: NFKC also rewrites other things and costs time.
    if _PRESENTATION.search(text):
        return "".join(unicodedata.normalize("NFKC", ch) if "\ufb50" <= ch <= "\ufefc" else ch for ch in text)
    return text


def match_form(text: str) -> str:
    """The matching form: no diacritics or tatweel, one alef, ي for ى and Persian ی, ه for ة, ASCII digits,
    plain quotes, no invisible controls, and lower case for Latin letters."""
    # str.lower() writes a capital sigma at a word end as final ς (the one context-dependent case): fold
    # both sigmas to σ so that this form equals match_form_with_offsets's, which lowers one character at a time.
    text = _fold_presentation_forms(text)
    if len(text) < _LONG or _RARE.search(text):
        text = text.translate(_TABLE)
    else:
        for a, b in _COMMON_FOLDS:
            if a in text:
                text = text.replace(a, b)
    return text.lower().replace("ς", "σ")


# The matching form of one word, memoized once for every annotator that folds word by word (names, cues):
# a word is folded and kept once per process, not once per module.
word_form = lru_cache(maxsize=200_000)(match_form)


def match_form_with_offsets(text: str) -> tuple[str, list[int]]:
    """The matching form and, for each of its characters, the index of the page character it came from.

    Presentation forms that expand to two letters (lam-alef ligatures) point both letters at one
    source character, so offsets stay inside the text whatever the input.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if "\ufb50" <= ch <= "\ufefc":
            folded = unicodedata.normalize("NFKC", ch).translate(_TABLE).lower()
        else:
            folded = ch.translate(_TABLE).lower()
        for f in folded.replace("ς", "σ"):
            out.append(f)
            offsets.append(i)
    return "".join(out), offsets
