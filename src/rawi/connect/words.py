"""Word sequences for comparing texts: each word's matching form as a vocabulary id, with its character
span in the text as read (so that alignments report the page's own offsets, never normalized ones).

A word is a run of letters and digits of the matching form (fold.py); its span runs from its first
character to the next kept character, so diacritics written after its last letter stay inside it.
"""

from __future__ import annotations

import math
import re

import numpy as np

from rawi.connect.fold import codes_of, fold, is_word
from rawi.connect.function_words import FUNCTION_WORDS
from rawi.text import match_form

# Proclitics that Arabic writes onto the next word: the conjunction و/ف, the prepositions ب/ك/ل and the
# article ال. Two copies of a sentence differ in them more than in anything else ("والحكومة"/"الحكومة").
_CLITIC = re.compile(r"^(?:وال|فال|بال|كال|لل|ال|و|ف)(?=\w{3})")


BACKGROUND = 20  # pseudo-texts that hold every function word (see weights)


def light_stem(form: str) -> str:
    """The form without its leading conjunction and article, when at least three letters remain."""
    return _CLITIC.sub("", form, count=1)


_FUNCTION_STEMS = frozenset(light_stem(match_form(w)) for w in FUNCTION_WORDS)


class Vocabulary:
    """Stems to dense ids and how many documents hold each (for idf weights), grown as texts arrive."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # stem -> id
        self.df: list[int] = []
        self.documents = 0
        self._forms: dict[str, int] = {}  # matching form -> id of its stem (stemming once per form)

    def _id(self, form: str) -> int:
        stem = light_stem(form)
        i = self.ids.get(stem)
        if i is None:
            i = self.ids[stem] = len(self.ids)
            self.df.append(0)
        self._forms[form] = i
        return i

    def encode(self, forms: list[str]) -> np.ndarray:
        """Ids of the forms' stems; counts the text once for each stem it holds."""
        known = self._forms
        arr = np.fromiter((known.get(f, -1) for f in forms), np.int64, count=len(forms))
        for k in np.flatnonzero(arr < 0).tolist():
            arr[k] = known.get(forms[k]) if forms[k] in known else self._id(forms[k])
        arr = arr.astype(np.int32)
        df = self.df
        for i in np.unique(arr).tolist():
            df[i] += 1
        self.documents += 1
        return arr

    def weights(self) -> np.ndarray:
        """Inverse document frequency per id, scaled to [0, 1]: function words weigh little, rare words
        much. A background of `BACKGROUND` texts that hold every function word and nothing else keeps the
        weights sensible when only a handful of texts are compared."""
        df = np.asarray(self.df, dtype=np.float64)
        for word in _FUNCTION_STEMS:
            i = self.ids.get(word)
            if i is not None:
                df[i] += BACKGROUND
        n = self.documents + BACKGROUND
        return np.log((n + 1) / (df + 0.5)).clip(min=0.05) / math.log(n + 1.5)


class WordSeq:
    """A text's words: `ids[k]` is word k's stem id, `starts[k]:ends[k]` its characters in the text as read."""

    __slots__ = ("ends", "ids", "starts")

    def __init__(self, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        self.ids, self.starts, self.ends = ids, starts, ends

    def __len__(self) -> int:
        return len(self.ids)


def words_with_spans(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The matching forms of the text's words and their [start, end) in the text itself."""
    folded, where = fold(codes_of(text))
    word = is_word(folded)
    edges = np.diff(np.concatenate(([False], word, [False])).astype(np.int8))
    first = np.flatnonzero(edges == 1)
    after = np.flatnonzero(edges == -1)
    kept_at = np.append(where, len(text))  # the position after a word: the next kept character
    forms = np.where(word, folded, np.uint32(32)).tobytes().decode("utf-32-le").split()
    starts, ends = kept_at[first], kept_at[after]
    ends = np.maximum(ends, starts + 1)  # words of one ligature (ﷺ) share its character
    return forms, starts.astype(np.int32), ends.astype(np.int32)


def word_seq(text: str, vocabulary: Vocabulary) -> WordSeq:
    """The words of `text` (matching form, light stem) as vocabulary ids, with their spans in `text`."""
    forms, starts, ends = words_with_spans(text)
    return WordSeq(vocabulary.encode(forms), starts, ends)
