"""TF-IDF vectors of a collection of StoryDocs, each in two versions: all terms, and distinctive terms only.

Template texts (Interior-Ministry execution statements, daily weather bulletins, market closes, foreign-press
reviews) repeat whole phrases from one event to the next; what tells two of them apart is what fills the
slots: names, places, numbers. A *template phrase* here is a run of `SHINGLE` content stems that recurs on at
least `template_days` different days spread over `template_span` days (events rarely keep an identical phrase
that long; templates do, and so do stock phrases like "خادم الحرمين الشريفين الملك سلمان"). The distinctive vector leaves out the words such
phrases cover, so two statements of one template that fill its slots differently have a low distinctive
similarity, while two reports of one event keep a high one.

Everything is computed with numpy over the whole collection at once (31k articles in about a second).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from rawi.connect.story_features import StoryDoc

SHINGLE = 4  # stems per template phrase
TITLE_WEIGHT = 2.0  # a title word counts as this many body words
_P = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class VectorParams:
    max_df: float = 0.02  # terms in more than this share of documents are left out (they match everything)
    min_df_docs: int = 50  # ...but only once the collection has this many documents
    template_days: int = 4  # a phrase seen on this many different days...
    template_span: int = 10  # ...spread over at least this many days is a template phrase


@dataclass(slots=True)
class DocVectors:
    """Unit TF-IDF vectors per document (rows, in the order of the documents given)."""

    terms: list[str]  # term id -> stem
    full: sparse.csr_matrix  # documents x terms
    distinct: sparse.csr_matrix  # the same on distinctive terms (template phrases left out)
    template_share: np.ndarray  # per document: share of its TF-IDF mass inside template phrases
    df: np.ndarray  # term id -> documents containing it
    template_phrases: int


def vectors(docs: Sequence[StoryDoc], params: VectorParams | None = None) -> DocVectors:
    p = params or VectorParams()
    n = len(docs)
    vocab: dict[str, int] = {}
    ids = np.fromiter(
        (vocab.setdefault(t, len(vocab)) for d in docs for t in d.tokens), np.int64, sum(len(d.tokens) for d in docs)
    )
    lengths = np.fromiter((len(d.tokens) for d in docs), np.int64, n)
    doc_of = np.repeat(np.arange(n), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if n else np.zeros(0, np.int64)
    pos = np.arange(len(ids)) - np.repeat(starts, lengths)
    titles = np.fromiter((d.n_title for d in docs), np.int64, n)
    weight = np.where(pos < np.repeat(titles, lengths), TITLE_WEIGHT, 1.0)

    v = len(vocab)
    pair = np.unique(doc_of * max(v, 1) + ids)
    df = np.bincount(pair % max(v, 1), minlength=v) if v else np.zeros(0, np.int64)
    idf = np.log((n + 1) / (df + 1.0))
    if n >= p.min_df_docs:
        idf[df > p.max_df * n] = 0.0

    covered, phrases = _template_positions(ids, doc_of, docs, p.template_days, p.template_span)
    full = _unit_vectors(doc_of, ids, weight, idf, n, v)
    distinct = _unit_vectors(doc_of[~covered], ids[~covered], weight[~covered], idf, n, v)
    share = _template_share(doc_of, ids, weight, idf, covered, n)
    terms = [""] * v
    for t, i in vocab.items():
        terms[i] = t
    return DocVectors(terms, full, distinct, share, df, phrases)


def _template_positions(
    ids: np.ndarray, doc_of: np.ndarray, docs: Sequence[StoryDoc], min_days: int, min_span: int
) -> tuple[np.ndarray, int]:
    """Token positions inside a phrase of SHINGLE stems that recurs on `min_days` different days spread over
    `min_span` days or more (a big story keeps its phrase for a week; a template for as long as it is used)."""
    covered = np.zeros(len(ids), bool)
    k = SHINGLE
    if len(ids) < k:
        return covered, 0
    same_doc = doc_of[: len(ids) - k + 1] == doc_of[k - 1 :]
    key = np.zeros(len(ids) - k + 1, np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            key = key * _P + ids[j : len(ids) - k + 1 + j].astype(np.uint64)
    starts = np.flatnonzero(same_doc)
    days = np.array([_day(d.time) for d in docs], np.int64)[doc_of[starts]]
    dated = days >= 0
    if not dated.any():
        return covered, 0
    uniq_pairs = np.unique(np.stack([key[starts[dated]], days[dated].astype(np.uint64)], axis=1), axis=0)
    phrase, first, day_count = np.unique(uniq_pairs[:, 0], return_index=True, return_counts=True)
    span = uniq_pairs[first + day_count - 1, 1].astype(np.int64) - uniq_pairs[first, 1].astype(np.int64)
    template = phrase[(day_count >= min_days) & (span >= min_span)]
    hit = starts[np.isin(key[starts], template)]
    for j in range(k):
        covered[hit + j] = True
    return covered, len(template)


def _day(time: str | None) -> int:
    """Days since 1970 of an ISO date-time ("2015-08-10T20:27:03"), -1 when unknown."""
    if not time or len(time) < 10:
        return -1
    try:
        return int(np.datetime64(time[:10], "D").astype(np.int64))
    except ValueError:
        return -1


def _unit_vectors(
    doc_of: np.ndarray, ids: np.ndarray, weight: np.ndarray, idf: np.ndarray, n: int, v: int
) -> sparse.csr_matrix:
    """Per document: (1 + log tf) * idf over its terms, L2-normalized; zero-weight terms left out."""
    if not len(ids):
        return sparse.csr_matrix((n, v), dtype=np.float32)
    keys, inverse = np.unique(doc_of * max(v, 1) + ids, return_inverse=True)
    tf = np.bincount(inverse, weights=weight)
    doc, term = keys // max(v, 1), keys % max(v, 1)
    w = (1.0 + np.log(tf)) * idf[term]
    keep = w > 0
    doc, term, w = doc[keep], term[keep], w[keep]
    norms = np.sqrt(np.bincount(doc, weights=w * w, minlength=n))
    w = w / norms[doc]
    indptr = np.searchsorted(doc, np.arange(n + 1))
    return sparse.csr_matrix((w.astype(np.float32), term.astype(np.int32), indptr), shape=(n, max(v, 1)))


def _template_share(
    doc_of: np.ndarray, ids: np.ndarray, weight: np.ndarray, idf: np.ndarray, covered: np.ndarray, n: int
) -> np.ndarray:
    """Share of each document's term weight (weight * idf, summed over positions) that template phrases cover."""
    mass = weight * idf[ids] if len(ids) else np.zeros(0)
    total = np.bincount(doc_of, weights=mass, minlength=n)
    inside = np.bincount(doc_of[covered], weights=mass[covered], minlength=n)
    return np.divide(inside, total, out=np.zeros(n), where=total > 0)
