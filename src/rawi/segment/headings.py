"""Is a line a heading (title, subheading, headline) or prose, and is it several headlines glued together?"""

from __future__ import annotations

import re
from collections.abc import Callable

from rawi.segment.markers import ends_like_prose, word_count
from rawi.text import match_form

TITLE_MAX_WORDS = 25
SUBHEADING_MAX_WORDS = 15
HEADLINE_MAX_WORDS = 20  # one headline of a related-links run
_ARABIC_LETTER = "\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff"
# ة and ى only ever end a word: one followed directly by a letter marks two words written together.
_GLUE_AFTER_FINAL_LETTER = re.compile(rf"[ةى](?=[{_ARABIC_LETTER}])(?!ء)")  # الطوارىء is one word
# A missing space inside one sentence is a typo, not a boundary: "وزارةالتعليم" (a construct noun and its
# definite complement), "مفروضةعلى" (a preposition follows). Such points are not glue between headlines.
_TYPO_CONTINUATION = re.compile(r"(?:ال|وال|على\b|علي\b|في\b|من\b|عن\b|الى\b|إلى\b|مع\b)")
_CLITIC_PREFIXES = {"وال", "بال", "فال", "كال", "لل", "ولل", "فلل", "وبال", "وكال", "ال"}


# Prose continues with a conjunction on a verb ("وأعلن", "وقال", "فأكد", "كما أشار"); headings do not.
_PROSE_OPENER = re.compile(
    r"^(?:[وف][أإ]\S+|[وف](?:قال|قالت|يقول|تقول|تابع|تابعت|لفت|لفتت|شدد|شددت|دعا|دعت|كشف|كشفت|نفي|نفى|بين|بينت"
    r"|ذكر|ذكرت|اشار|اشارت|اعتبر|اعتبرت)|كما|لكن|لكنه|لكنها|حيث|اذ|إذ)\s"
)


def is_headline_like(line: str, max_words: int = TITLE_MAX_WORDS) -> bool:
    """Short, not ending like prose, not opening like a continuing sentence: what titles, subheadings and
    related headlines look like."""
    return 0 < word_count(line) <= max_words and not ends_like_prose(line) and not _PROSE_OPENER.match(line)


def glue_points(line: str, page_words: set[str]) -> list[int]:
    """Character offsets in `line` where one word runs into the next with no space.

    Two signs: a word-final letter (ة ى) followed by a letter, and a token that is unknown on the page
    but splits into a prefix and a word the page uses on its own (the page's vocabulary decides).
    """
    points = [m.end() for m in _GLUE_AFTER_FINAL_LETTER.finditer(line) if not _TYPO_CONTINUATION.match(line, m.end())]
    for m in re.finditer(r"\S+", line):
        token = m.group()
        form = match_form(token)
        if len(form) < 7 or form in page_words:
            continue
        for cut in range(3, len(form) - 2):
            head, tail = form[:cut], form[cut:]
            if head in _CLITIC_PREFIXES or len(tail) < 4:
                continue
            if tail in page_words and head in page_words and len(token) == len(form):
                points.append(m.start() + cut)
                break
    return sorted(set(points))


def is_glued_headlines(line: str, page_words: Callable[[], set[str]]) -> bool:
    """Two or more headlines run together into one line (a related-links box flattened by the crawler).
    `page_words` gives the page's vocabulary; it is asked only for lines that could be headlines (most
    lines are prose, and building the vocabulary takes a pass over the page)."""
    if ends_like_prose(line) or "،" in line or word_count(line) > 2 * HEADLINE_MAX_WORDS:
        return False  # prose: clause punctuation, or longer than a couple of headlines
    start = 0
    parts = []
    for point in glue_points(line, page_words()):
        parts.append(line[start:point])
        start = point
    parts.append(line[start:])
    return len(parts) >= 2 and all(3 <= word_count(p) <= SUBHEADING_MAX_WORDS for p in parts)
