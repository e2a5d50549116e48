"""Extractive summaries: a few sentences of an article (or of a story's articles) that say what happened.

Single article (`summarize`): news puts the event first, so the lead is a strong baseline; the method keeps
that bias but (1) skips lead sentences that do not report anything (datelines, bylines, credits, photo
captions, very short fragments), (2) scores each remaining sentence by position, by centrality (cosine of its
content stems with the whole article's) and by overlap with the title, and (3) picks greedily, leaving out a
sentence too similar to one already picked (maximal marginal relevance). The picks are shown in text order.

Story (`summarize_story`): the same over the leading sentences of every member article, centrality measured
against the whole story, so the sentence that most outlets tell wins; each sentence keeps its article id.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rawi.model import Article
from rawi.text import match_form
from rawi.text.sentences import split_sentences
from rawi.text.stem import STOPWORDS, clitic_stem, iter_words

MIN_WORDS = 4  # a shorter sentence is a fragment (a dateline, a caption, a credit)
MAX_WORDS = 40  # a longer "sentence" is an unsplit paragraph or a list: a poor summary line
REDUNDANT = 0.5  # a candidate this similar (cosine) to a picked sentence adds nothing
LEAD_SENTENCES = 6  # sentences of each article a story summary reads

_BOILERPLATE = re.compile(r"https?://|www\.|@\w|#\w|اقرأ أيضا|اقرأ أيضاً|للمزيد|تابعونا|اضغط هنا|صورة أرشيفية")


@lru_cache(maxsize=200_000)
def _term(word: str) -> str | None:
    if match_form(word) in STOPWORDS:
        return None
    s = clitic_stem(word)
    return s if len(s) >= 2 and s not in STOPWORDS else None


def stems(text: str) -> list[str]:
    """Content stems of a text (stopwords and one-letter words left out)."""
    return [s for _, _, word in iter_words(text) if (s := _term(word)) is not None]


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # as written in the article
    article_id: str | None
    position: int  # index among the article's candidate sentences
    terms: Counter[str]

    def __reduce__(self) -> tuple[object, tuple[str, str | None, int, str]]:
        # compact for the trip back from a reading worker: the terms as one string (stems hold no spaces)
        return _sentence, (self.text, self.article_id, self.position, " ".join(self.terms.elements()))


def _sentence(text: str, article_id: str | None, position: int, terms: str) -> Sentence:
    return Sentence(text, article_id, position, Counter(terms.split()))


def sentences(article: Article, limit: int | None = None) -> list[Sentence]:
    """The article's first `limit` candidate summary sentences, in order (fragments, boilerplate left out).
    Sentences never cross a paragraph break, so paragraphs are split one at a time and reading stops at
    `limit` (a story summary reads only the leads of its articles)."""
    out: list[Sentence] = []
    for para in article.paragraphs:
        for span in split_sentences(para):
            s = para[span.start : span.end].strip()
            words = s.split()
            if not MIN_WORDS <= len(words) <= MAX_WORDS or _BOILERPLATE.search(s):
                continue
            terms = Counter(stems(s))
            if len(terms) < 3:
                continue
            out.append(Sentence(s, article.id, len(out), terms))
            if limit is not None and len(out) >= limit:
                return out
    return out


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(v * big.get(k, 0) for k, v in small.items())
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _pick(cands: Sequence[Sentence], scores: Sequence[float], n: int) -> list[Sentence]:
    """Greedy: best score first, skipping candidates redundant with a pick; ties to the earlier sentence."""
    order = sorted(range(len(cands)), key=lambda k: (-scores[k], k))
    picked: list[int] = []
    for k in order:
        if len(picked) == n:
            break
        if all(_cosine(cands[k].terms, cands[j].terms) < REDUNDANT for j in picked):
            picked.append(k)
    return [cands[k] for k in sorted(picked)]


def summarize(article: Article, n: int = 2) -> list[str]:
    """Up to `n` sentences of the article, in text order."""
    cands = sentences(article)
    if len(cands) <= n:
        return [c.text for c in cands]
    whole: Counter[str] = Counter()
    for c in cands:
        whole.update(c.terms)
    title = Counter(stems(article.title or ""))
    scores = [1.0 / (1.0 + c.position) + _cosine(c.terms, whole) + 0.5 * _cosine(c.terms, title) for c in cands]
    return [c.text for c in _pick(cands, scores, n)]


def annotate_summary(article: Article) -> Article:
    """The per-article annotator: fills `article.summary`."""
    article.summary = summarize(article)
    return article


def lead_sentences(article: Article) -> list[Sentence]:
    """The candidate sentences a story summary reads of one article (its first LEAD_SENTENCES)."""
    return sentences(article, LEAD_SENTENCES)


def summarize_story(
    articles: Sequence[Article], n: int = 3, leads: Mapping[str, Sequence[Sentence]] | None = None
) -> list[tuple[str, str | None]]:
    """Up to `n` (sentence, article id) pairs telling the story, the most central first. `leads` holds
    articles' `lead_sentences` already computed (by the reading workers), by article id."""
    leads = leads or {}
    cands = [s for a in articles for s in (leads[a.id] if a.id in leads else lead_sentences(a))]
    if not cands:
        return []
    df: Counter[str] = Counter()
    for c in cands:
        df.update(c.terms.keys())
    # centrality: a sentence's terms weighted by how many of the story's sentences share them
    scores = [
        sum(df[t] - 1 for t in c.terms) / (len(c.terms) ** 0.5 * len(cands)) + 0.5 / (1.0 + c.position) for c in cands
    ]
    picked = _pick(cands, scores, n)
    picked.sort(key=lambda c: -scores[cands.index(c)])
    return [(c.text, c.article_id) for c in picked]
