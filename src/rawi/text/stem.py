"""Light stemming for search: the clitics and common suffixes that Arabic writes onto a word.

Search compares words by their stem so that "علاقات", "العلاقات" and "والعلاقات" find each other. The
stemmer is deliberately light (in the manner of Larkey's Light10): it strips the article with its
attached particles (ال، وال، بال، كال، فال، لل), one pronoun suffix and one inflection suffix, and never
guesses at roots. Everything works on the matching form, so spelling variants (ی/ي, ة/ه, أ/ا) fold first.

A bare conjunction or preposition (و، ف، ب، ك، ل) cannot be told from a word's first letter without a
lexicon ("وزير" is not و + "زير"; "لبنان" is not ل + "بنان"), so there are two stems:
- `stem(word)` never strips a bare clitic. Queries use it: people type the word as it is.
- `clitic_stem(word)` also strips one bare conjunction or preposition. Documents index both, so the
  query "ترامب" finds "وترامب", "لافروف" finds "للافروف", and "وزارة" finds "ووزارة" and "لوزارة".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from rawi.text.normalize import match_form

_MIN_STEM = 3  # never leave fewer letters than this: short words are mostly particles or roots already

# The article with what can come before it, longest first. "لل" is ل + ال with the alef dropped (للعلاقات).
_ARTICLE_PREFIXES = ("وبال", "وكال", "ولل", "فبال", "فكال", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")
# Attached pronouns (first pass), then plural, dual, nisba and feminine endings (second pass); in
# matching form, where ة is ه and ى is ي.
_PRONOUN_SUFFIXES = ("هما", "كما", "كم", "هم", "هن", "ها", "نا")
_INFLECTION_SUFFIXES = ("ات", "ون", "ين", "ان", "يه", "ه", "ي")

# Words too common to narrow a search; dropped from a query unless the query is nothing else.
_STOPWORD_TEXT = """في من على إلى الى عن مع أن ان إن لا ما لم لن قد هو هي هم كان كانت التي الذي الذين هذا
    هذه ذلك تلك أو او ثم بل كل بعد قبل بين حتى عند منذ خلال حيث كما أي إلا لكن غير وقد وفي ومن وعلى وأن
    وهو وهي وكان ولا فيه فيها عليه عليها منه منها إليه له لها لهم به بها the of and a an in on to for"""
STOPWORDS = frozenset(match_form(w) for w in _STOPWORD_TEXT.split())

_NON_WORD = re.compile(r"[^\w]|_", re.UNICODE)


def _strip_article(word: str) -> str:
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            return word[len(prefix) :]
    return word


def _strip_suffixes(word: str) -> str:
    for group in (_PRONOUN_SUFFIXES, _INFLECTION_SUFFIXES):
        for suffix in group:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
    return word


def _is_arabic(word: str) -> bool:
    return "\u0621" <= word[0] <= "\u064a"


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The query stem of one word: matching form, article-bearing prefixes and common suffixes stripped.
    Only letters and digits are kept ("37.3" → "373"), so stems are safe tokens for any index."""
    form = _NON_WORD.sub("", match_form(word))
    if not form or not _is_arabic(form):
        return form
    return _strip_suffixes(_strip_article(form))


@lru_cache(maxsize=200_000)
def clitic_stem(word: str) -> str:
    """The stem with one bare conjunction (و، ف) or preposition (ب، ك، ل) also stripped when enough of the
    word is left. Indexed beside `stem`, never used for queries."""
    form = _NON_WORD.sub("", match_form(word))
    if not form or not _is_arabic(form):
        return form
    # One bare clitic only: "ولافروف" is و + "لافروف", not و + ل + "افروف".
    first = form[0]
    if (first in _CONJUNCTIONS or first in _PREPOSITIONS) and len(form) - 1 >= _MIN_STEM:
        return stem(form[1:])
    return stem(form)


# A word as rawi.text.tokens sees one (numbers, or letters with their marks), found lazily.
_WORD = re.compile(r"\d+(?:[.,٫٬]\d+)*%?|[^\W\d_](?:[^\W_]|[\u064B-\u065F\u0670\u0640])*", re.UNICODE)


def iter_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for each word of `text`, as `tokenize` finds them, one at a time."""
    for match in _WORD.finditer(text):
        yield match.start(), match.end(), match.group()


def words(text: str) -> list[str]:
    """The words of `text` as `iter_words` finds them, without offsets (one C call: much faster)."""
    return _WORD.findall(text)


@lru_cache(maxsize=300_000)
def _both(word: str) -> tuple[str, str]:
    return stem(word), clitic_stem(word)


def word_stems(text: str) -> list[tuple[int, int, str, str]]:
    """Every word of `text` as (start, end, stem, clitic stem), offsets into `text` itself."""
    out: list[tuple[int, int, str, str]] = []
    for match in _WORD.finditer(text):
        s, c = _both(match.group())
        if s:
            out.append((match.start(), match.end(), s, c))
    return out


def stem_pairs(text: str) -> list[tuple[str, str]]:
    """(stem, clitic stem) of every word of `text` that has a stem: `word_stems` without the offsets, in
    C calls (findall, map) rather than a Python loop over match objects (what the store indexes)."""
    return [pair for pair in map(_both, _WORD.findall(text)) if pair[0]]


def is_stopword(word: str) -> bool:
    return match_form(word) in STOPWORDS
