"""Split a run of tags with no separators ("موسكو وزير الخارجية الروسي سيرغي لافروف الولايات المتحدة")
into the tags an editor typed ("موسكو", "وزير الخارجية الروسي", "سيرغي لافروف", "الولايات المتحدة").

The page's own text tells where the units are: a multi-word tag is a phrase the article itself uses. A
dynamic program picks the segmentation whose multi-word pieces are page phrases, preferring longer ones,
under two rules of Arabic phrase structure that keep a title and the name after it apart: a piece never
starts or ends with a function word, and a definite word (ال…) is never followed inside a piece by an
indefinite one ("الروسي سيرغي"), except for the name particles بن، ابن، بنت، عبد، أبو.
"""

from __future__ import annotations

import itertools
import re

from rawi.text import match_form

_MAX_WORDS = 4
_FUNCTION_WORDS = {
    "و",
    "في",
    "من",
    "الي",
    "علي",
    "عن",
    "مع",
    "ب",
    "ل",
    "ك",
    "ف",
    "او",
    "ثم",
    "ان",
    "الذي",
    "التي",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "بين",
    "حول",
    "ضد",
    "عند",
    "لدي",
    "منذ",
    "خلال",
    "بعد",
    "قبل",
    "حتي",
    "كل",
    "بعض",
    "غير",
    "لا",
    "لم",
    "لن",
    "قد",
    "ما",
    "هو",
    "هي",
    "هم",
    "اي",
    "الا",
    "بل",
    "لكن",
    "تحت",
    "فوق",
}
_NAME_PARTICLES = {"بن", "ابن", "بنت", "عبد", "ابو", "ابي", "ال"}
_CHUNK_SPLIT = re.compile(r"[.،,:;؛!?؟()\[\]\"'«»“”\n\-–—/|]+")


def page_phrases(text: str) -> set[str]:
    """Every run of 2..4 words inside one punctuation-delimited chunk of `text`, in matching form."""
    phrases: set[str] = set()
    for chunk in _CHUNK_SPLIT.split(match_form(text)):
        words = chunk.split()
        for n in range(2, _MAX_WORDS + 1):
            for i in range(len(words) - n + 1):
                phrases.add(" ".join(words[i : i + n]))
    return phrases


def split_tags(run: str, phrases: set[str], known: set[str] | None = None) -> list[str]:
    """The tags in `run`, in order, as the page's own characters. Function words standing alone are dropped.

    `phrases` are the page's phrases (page_phrases); `known` are extra multi-word names in matching form.
    """
    words = run.split()
    forms = [match_form(w) for w in words]
    known = known or set()
    n = len(words)
    # best[i] = (score, pieces) for words[:i]; score favours long phrase pieces (sum of squared lengths).
    best: list[tuple[int, list[tuple[int, int]]]] = [(0, [])] + [(-1, [])] * n
    for end in range(1, n + 1):
        for size in range(1, min(_MAX_WORDS, end) + 1):
            start = end - size
            if best[start][0] < 0 or not _valid_piece(forms[start:end], phrases, known):
                continue
            score = best[start][0] + size * size
            if score > best[end][0]:
                best[end] = (score, [*best[start][1], (start, end)])
    tags = [" ".join(words[a:b]) for a, b in best[n][1]]
    return [t for t in tags if match_form(t) not in _FUNCTION_WORDS]


def _valid_piece(forms: list[str], phrases: set[str], known: set[str]) -> bool:
    if len(forms) == 1:
        return True
    if forms[0] in _FUNCTION_WORDS or forms[-1] in _FUNCTION_WORDS:
        return False
    phrase = " ".join(forms)
    if phrase in known:
        return True
    if phrase not in phrases:
        return False
    for prev, word in itertools.pairwise(forms):
        if prev.startswith("ال") and not word.startswith("ال") and word not in _NAME_PARTICLES:
            return False
    return True


def merge_tags(existing: list[str], new: list[str]) -> list[str]:
    """Append tags not already present (compared in matching form), keeping first spellings and order."""
    seen = {match_form(t) for t in existing}
    out = list(existing)
    for tag in new:
        key = match_form(tag)
        if key not in seen:
            seen.add(key)
            out.append(tag)
    return out
