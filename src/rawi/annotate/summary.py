"""Extractive summaries: a few sentences of an article (or of a story's articles) that say what happened.

Single article (`summarize`): news puts the event first, so the lead is a strong baseline. The method (1) skips
sentences that do not report anything (datelines, bylines, credits, links, footers, very short fragments),
(2) scores each remaining sentence with a small trained model (boosted trees over position, length,
centrality, overlap with the lead, quotations, numbers and continuation cues; never the title), trained by
training/train_summary.py to predict what a sentence adds to a human summary beyond the lead sentence, and
(3) picks the best two greedily, leaving out a sentence too similar to one already picked (maximal marginal
relevance). The picks are shown in text order. The model ships as rawi/models/summary.npz and runs on numpy.

Story (`summarize_story`, no trained model): the leading sentences of every member article scored by centrality
against the whole story and picked the same way, so the sentence that most outlets tell wins; each sentence
keeps its article id.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

import numpy as np

from rawi.model import Article
from rawi.text import match_form
from rawi.text.sentences import split_sentences
from rawi.text.stem import STOPWORDS, clitic_stem, words

MIN_WORDS = 4  # a shorter sentence is a fragment (a dateline, a caption, a credit)
MAX_WORDS = 40  # a longer "sentence" is an unsplit paragraph or a list: a poor summary line
REDUNDANT = 0.5  # a candidate this similar (cosine) to a picked sentence adds nothing
LEAD_SENTENCES = 6  # sentences of each article a story summary reads
MODEL_FILE = "summary.npz"

# Links, handles, "read also" and share prompts, and footers that repeat the headline ("رابط الخبر بصحيفة ...:
# <title>"): never summary lines, and a footer repeating the title would make the title look summarized.
_BOILERPLATE = re.compile(
    r"https?://|www\.|@\w|#\w|اقرأ أيضا|اقرأ أيضاً|للمزيد|تابعونا|اضغط هنا|صورة أرشيفية"
    r"|رابط الخبر|رابط المقال|مقالات أخرى للكاتب"
)


@lru_cache(maxsize=200_000)
def _term(word: str) -> str | None:
    if match_form(word) in STOPWORDS:
        return None
    s = clitic_stem(word)
    return s if len(s) >= 2 and s not in STOPWORDS else None


def stems(text: str) -> list[str]:
    """Content stems of a text (stopwords and one-letter words left out)."""
    # the words without iter_words' offsets: stemming is most of a summary's cost
    return [s for s in map(_term, words(text)) if s is not None]


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
    return [line.sentence for line in _lines(article, MAX_WORDS, limit)]


@dataclass(frozen=True, slots=True)
class Line:
    """A candidate sentence with the layout facts the single-article scorer reads."""

    sentence: Sentence
    paragraph: int  # index among the paragraphs that hold a candidate
    first_in_paragraph: bool
    words: int
    skipped_before: int  # fragments (datelines, credits, captions) left out before it


def _lines(article: Article, max_words: int, limit: int | None = None) -> list[Line]:
    out: list[Line] = []
    skipped = 0
    para_index = -1
    for para in article.paragraphs:
        first = True
        for span in split_sentences(para):
            s = para[span.start : span.end].strip()
            n_words = len(s.split())
            if not MIN_WORDS <= n_words <= max_words or _BOILERPLATE.search(s):
                skipped += 1
                continue
            terms = Counter(stems(s))
            if len(terms) < 3:
                skipped += 1
                continue
            if first:
                para_index += 1
            out.append(Line(Sentence(s, article.id, len(out), terms), para_index, first, n_words, skipped))
            first = False
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


_QUOTE_MARKS = re.compile(r"[«»\"“”]")
_DIGIT_WORD = re.compile(r"\S*\d\S*")  # a whitespace-separated word holding a digit

# What the scorer reads of each candidate sentence; the trained weights are stored by these names. The title
# is deliberately not among them: a summary must stand without it (and the training reference is the title).
FEATURES = (
    "first",  # the first candidate sentence
    "second",
    "third",
    "inv_position",  # 1 / (1 + position)
    "rel_position",  # position / (candidates - 1)
    "first_paragraph",
    "paragraph_start",
    "log_words",
    "long",  # over MAX_WORDS words: an unsplit paragraph more often than a lead
    "short",  # under 10 words
    "centrality",  # cosine of its stems with the rest of the article's
    "sim_first",  # cosine with the first candidate (1 for the first itself)
    "shared_terms",  # share of its stems found in another sentence
    "digits",  # share of its words holding a digit
    "quote",  # quotation marks
    "colon_end",  # ends with ":" (it announces a quotation or a list)
    "question",
    "waw_start",  # starts with و: a continuation ("وأضاف", "وكان") more often than a lead
    "log_candidates",
    "log_skipped_before",
    "content_ratio",  # content stems per word
)


def features(lines: Sequence[Line]) -> np.ndarray:
    """One row of FEATURES per candidate line."""
    n = len(lines)
    whole: Counter[str] = Counter()
    sentence_df: Counter[str] = Counter()
    for line in lines:
        whole.update(line.sentence.terms)
        sentence_df.update(line.sentence.terms.keys())
    whole_sq = sum(v * v for v in whole.values())
    lead = lines[0].sentence.terms if lines else Counter()
    lead_sq = sum(v * v for v in lead.values())
    rows = []
    for line in lines:
        terms, text, pos = line.sentence.terms, line.sentence.text, line.sentence.position
        # cosine with the rest of the article (whole minus this sentence), without building the difference
        # and with the lead, in the same pass
        dot = rest_sq = own_sq = lead_dot = 0.0
        for t, v in terms.items():
            w = whole[t]
            dot += v * (w - v)
            rest_sq += (w - v) * (w - v) - w * w
            own_sq += v * v
            lead_dot += v * lead.get(t, 0)
        rest_sq += whole_sq
        first_word = text.split(maxsplit=1)[0]
        rows.append(
            (
                pos == 0,
                pos == 1,
                pos == 2,
                1.0 / (1.0 + pos),
                pos / (n - 1) if n > 1 else 0.0,
                line.paragraph == 0,
                line.first_in_paragraph,
                math.log(line.words),
                line.words > MAX_WORDS,
                line.words < 10,
                dot / math.sqrt(own_sq * rest_sq) if rest_sq > 0 else 0.0,
                lead_dot / math.sqrt(own_sq * lead_sq),
                sum(1 for t in terms if sentence_df[t] > 1) / len(terms),
                len(_DIGIT_WORD.findall(text)) / line.words,
                bool(_QUOTE_MARKS.search(text)),
                text.endswith(":"),
                "?" in text or "؟" in text,
                first_word.startswith("و") and len(first_word) > 3,
                math.log(n),
                math.log1p(line.skipped_before),
                sum(terms.values()) / line.words,
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(n, len(FEATURES))


@dataclass(frozen=True, slots=True)
class Scorer:
    """Boosted regression trees over FEATURES, predicting how much of a human summary a sentence says
    (trained by training/train_summary.py). Every tree is stored as padded node arrays so that all trees
    walk all sentences at once in numpy: one step per tree level."""

    feature: np.ndarray  # (trees, nodes): the feature a node tests, -1 at a leaf
    threshold: np.ndarray  # (trees, nodes): go left when the feature is <= this
    left: np.ndarray  # (trees, nodes): child node indices
    right: np.ndarray
    value: np.ndarray  # (trees, nodes): a leaf's contribution, learning rate applied
    base: float  # the prediction before any tree
    max_words: int  # longest candidate sentence, in words
    size: int  # sentences per summary

    _walk: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)
    _depth: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Flattened for the walk: nodes numbered across trees, a leaf its own child (so extra steps stay put)
        trees, width = self.feature.shape
        own = np.arange(trees * width).reshape(trees, width)
        first = own[:, :1]
        leaf = self.feature < 0
        walk = (
            np.where(leaf, 0, self.feature).ravel(),
            self.threshold.ravel(),
            np.where(leaf, own, first + self.left).ravel(),
            np.where(leaf, own, first + self.right).ravel(),
            self.value.ravel(),
            first,
        )
        depth = np.zeros(trees * width, dtype=np.intp)
        for k in np.flatnonzero(~leaf.ravel()):  # scikit-learn numbers children after their parent
            depth[walk[2][k]] = depth[walk[3][k]] = depth[k] + 1
        object.__setattr__(self, "_walk", walk)
        object.__setattr__(self, "_depth", int(depth.max()))

    def score(self, x: np.ndarray) -> np.ndarray:
        feature, threshold, left, right, value, first = self._walk
        # float32 features, as scikit-learn's trees compare them when they are trained
        x = np.asarray(x, dtype=np.float32)
        flat = x.ravel()
        row_start = (np.arange(x.shape[0]) * x.shape[1])[None, :]
        node = np.broadcast_to(first, (first.shape[0], x.shape[0]))
        for _ in range(self._depth):
            node = np.where(flat[row_start + feature[node]] <= threshold[node], left[node], right[node])
        return self.base + value[node].sum(axis=0)

    def save(self, path: str | Path) -> None:
        with open(path, "wb") as f:
            np.savez_compressed(
                f,
                features=np.asarray(FEATURES),
                feature=self.feature.astype(np.int8),
                threshold=self.threshold,
                left=self.left.astype(np.int16),
                right=self.right.astype(np.int16),
                value=self.value,
                meta=np.asarray([self.base, self.max_words, self.size]),
            )

    @classmethod
    def load(cls, f: BinaryIO) -> Scorer:
        with np.load(f, allow_pickle=False) as data:
            names = data["features"].tolist()
            if names != list(FEATURES):
                raise ValueError(f"summary model features {names} differ from the code's {list(FEATURES)}")
            base, max_words, size = data["meta"].tolist()
            return cls(
                data["feature"].astype(np.intp),
                data["threshold"],
                data["left"].astype(np.intp),
                data["right"].astype(np.intp),
                data["value"],
                float(base),
                int(max_words),
                int(size),
            )


@lru_cache(maxsize=1)
def scorer() -> Scorer:
    """The shipped model (rawi/models/summary.npz), read once."""
    with (resources.files("rawi") / "models" / MODEL_FILE).open("rb") as f:
        return Scorer.load(f)


def summarize(article: Article, n: int | None = None, model: Scorer | None = None) -> list[str]:
    """Up to `n` sentences of the article (the model's size by default), in text order."""
    model = model or scorer()
    n = n or model.size
    lines = _lines(article, model.max_words)
    if len(lines) <= n:
        return [line.sentence.text for line in lines]
    scores = model.score(features(lines)).tolist()
    return [c.text for c in _pick([line.sentence for line in lines], scores, n)]


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
