"""TF-IDF vectors of a collection of StoryDocs, each in two versions: all terms, and distinctive terms only.

Template texts (Interior-Ministry execution statements, daily weather bulletins, market closes, foreign-press
reviews) repeat whole phrases from one event to the next; what tells two of them apart is what fills the
slots: names, places, numbers. A *template phrase* here is a run of `SHINGLE` content stems that recurs on at
least `template_days` different days spread over `template_span` days (events rarely keep an identical phrase
that long; templates do, and so do stock phrases like "خادم الحرمين الشريفين الملك سلمان"). The distinctive
vector leaves out the words such phrases cover, so two statements of one template that fill its slots
differently have a low distinctive similarity, while two reports of one event keep a high one.

Everything is computed with numpy over the whole collection at once (31k articles in about a second).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

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
    burst_floor: float | None = 0.2  # weight of a term that is not bursty, relative to log(burst); None: no burst
    burst_days: int = 1  # days either side of an article's day that count toward its terms' burst
    bigrams: bool = True  # pairs of adjacent stems count as terms too ("مسجد الطوارئ" is rarer than either word)
    furniture_share: float = 0.3  # a phrase in this share of one outlet's articles of a day is its furniture...
    furniture_docs: int = 8  # ...when that is at least this many articles


@dataclass(slots=True)
class DocVectors:
    """Unit TF-IDF vectors per document (rows, in the order of the documents given)."""

    terms: list[str]  # term id -> stem (unigrams; ids from len(terms) on are bigrams)
    bigrams: np.ndarray  # bigram id - len(terms) -> first * len(terms) + second
    full: sparse.csr_matrix  # documents x terms
    distinct: sparse.csr_matrix  # the same on distinctive terms (template phrases left out)
    template_share: np.ndarray  # per document: share of its TF-IDF mass inside template phrases
    df: np.ndarray  # term id -> documents containing it
    template_phrases: int

    def term(self, i: int) -> str:
        """The stem, or the two stems, that column i counts."""
        v = len(self.terms)
        if i < v:
            return self.terms[i]
        k = int(self.bigrams[i - v])
        return f"{self.terms[k // v]} {self.terms[k % v]}"


def vectors(docs: Sequence[StoryDoc], params: VectorParams | None = None) -> DocVectors:
    p = params or VectorParams()
    n = len(docs)
    flat = list(chain.from_iterable(d.tokens for d in docs))
    # term ids in order of first occurrence; dict.fromkeys and map run in C (a per-token genexpr does not)
    terms = list(dict.fromkeys(flat))
    index = {t: i for i, t in enumerate(terms)}
    ids = np.fromiter(map(index.__getitem__, flat), np.int64, len(flat))
    del flat
    lengths = np.fromiter((len(d.tokens) for d in docs), np.int64, n)
    doc_of = np.repeat(np.arange(n), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if n else np.zeros(0, np.int64)
    pos = np.arange(len(ids)) - np.repeat(starts, lengths)
    titles = np.fromiter((d.n_title for d in docs), np.int64, n)
    weight = np.where(pos < np.repeat(titles, lengths), TITLE_WEIGHT, 1.0)

    covered, phrases = _template_positions(ids, doc_of, docs, p.template_days, p.template_span)
    furniture = _outlet_furniture(ids, doc_of, docs, p)
    if furniture.any():  # an outlet's inline share bar or sign-off says nothing about any story: drop it
        keep = ~furniture
        ids, doc_of, weight, covered = ids[keep], doc_of[keep], weight[keep], covered[keep]
    bigrams = np.zeros(0, np.int64)
    if p.bigrams:
        ids, doc_of, weight, covered, bigrams = _with_bigrams(ids, doc_of, weight, covered, len(terms))
    v = len(terms) + len(bigrams)
    tf = _term_counts(doc_of, ids, weight, n, v)
    df = np.bincount(tf.indices, minlength=v)
    pair = _pair_keys(tf, v)  # sorted: CSR rows in order, columns sorted within a row
    idf = np.log((n + 1) / (df + 1.0))
    idf[df < 2] = 0.0  # a term in one document matches nothing; it would only dilute that document's vector
    if n >= p.min_df_docs:
        idf[df > p.max_df * n] = 0.0

    day = np.array([_day(d.time) for d in docs], np.int64)
    boost = _burst(pair, v, day, df, p) if p.burst_floor is not None else None
    full = _unit_vectors(tf, idf, pair, boost)
    dtf = _term_counts(doc_of[~covered], ids[~covered], weight[~covered], n, v)
    distinct = _unit_vectors(dtf, idf, pair, boost)
    share = _template_share(doc_of, ids, weight, idf, covered, n)
    return DocVectors(terms, bigrams, full, distinct, share, df, phrases)


def _term_counts(doc_of: np.ndarray, ids: np.ndarray, weight: np.ndarray, n: int, v: int) -> sparse.csr_matrix:
    """Documents x terms, the summed token weights: a COO -> CSR conversion sums repeats in linear time (a
    sort of millions of (document, term) keys took seconds)."""
    m = sparse.csr_matrix((weight, (doc_of, ids)), shape=(n, max(v, 1)))
    m.sum_duplicates()
    return m


def _pair_keys(m: sparse.csr_matrix, v: int) -> np.ndarray:
    """document * v + term of each stored entry, in storage order."""
    doc = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
    return doc * max(v, 1) + m.indices.astype(np.int64)


def _with_bigrams(
    ids: np.ndarray, doc_of: np.ndarray, weight: np.ndarray, covered: np.ndarray, v: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The tokens plus one token per pair of adjacent stems in a document (ids after the unigrams'), and the
    bigram keys (first * v + second) by bigram id."""
    v = max(v, 1)
    same = doc_of[:-1] == doc_of[1:]
    key = ids[:-1][same] * v + ids[1:][same]
    if not len(key):
        return ids, doc_of, weight, covered, np.zeros(0, np.int64)
    uniq, inverse = np.unique(key, return_inverse=True)
    return (
        np.concatenate([ids, inverse + v]),
        np.concatenate([doc_of, doc_of[:-1][same]]),
        np.concatenate([weight, np.minimum(weight[:-1], weight[1:])[same]]),
        np.concatenate([covered, (covered[:-1] | covered[1:])[same]]),
        uniq,
    )


def _shingle_keys(ids: np.ndarray, doc_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hash keys of every run of SHINGLE stems inside one document, and the positions the runs start at."""
    k = SHINGLE
    if len(ids) < k:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    key = np.zeros(len(ids) - k + 1, np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            key = key * _P + ids[j : len(ids) - k + 1 + j].astype(np.uint64)
    starts = np.flatnonzero(doc_of[: len(ids) - k + 1] == doc_of[k - 1 :])
    return key[starts], starts


def _outlet_furniture(ids: np.ndarray, doc_of: np.ndarray, docs: Sequence[StoryDoc], p: VectorParams) -> np.ndarray:
    """Token positions inside a phrase that recurs in a large share of one outlet's articles of one day: text
    the outlet puts on every page (an inline "شارك من خلال تويتر فيسبوك" bar that segmentation left in)."""
    covered = np.zeros(len(ids), bool)
    keys, starts = _shingle_keys(ids, doc_of)
    if not len(keys):
        return covered
    outlets: dict[tuple[str | None, int], int] = {}
    group = np.array([outlets.setdefault((d.outlet, _day(d.time)), len(outlets)) for d in docs], np.int64)
    per_group = np.bincount(group, minlength=len(outlets))
    g = group[doc_of[starts]]
    # documents per (phrase, group): distinct (phrase, group, document) triples, counted per (phrase, group)
    k, gg, _ = _distinct(keys, g.astype(np.uint64), doc_of[starts].astype(np.uint64))
    head = _run_starts(k, gg)
    counts = np.diff(np.append(head, len(k)))
    pairs = np.stack([k[head], gg[head]], axis=1)
    sizes = per_group[pairs[:, 1].astype(np.int64)]
    furniture = pairs[(counts >= p.furniture_docs) & (counts >= p.furniture_share * sizes)]
    if not len(furniture):
        return covered
    fk = furniture[:, 0] * np.uint64(0x100000001B3) + furniture[:, 1]
    with np.errstate(over="ignore"):
        mine = keys * np.uint64(0x100000001B3) + g.astype(np.uint64)
    hit = starts[np.isin(mine, fk)]
    for j in range(SHINGLE):
        covered[hit + j] = True
    return covered


def _template_positions(
    ids: np.ndarray, doc_of: np.ndarray, docs: Sequence[StoryDoc], min_days: int, min_span: int
) -> tuple[np.ndarray, int]:
    """Token positions inside a phrase of SHINGLE stems that recurs on `min_days` different days spread over
    `min_span` days or more (a big story keeps its phrase for a week; a template for as long as it is used)."""
    covered = np.zeros(len(ids), bool)
    k = SHINGLE
    key, starts = _shingle_keys(ids, doc_of)
    if not len(key):
        return covered, 0
    days = np.array([_day(d.time) for d in docs], np.int64)[doc_of[starts]]
    dated = days >= 0
    if not dated.any():
        return covered, 0
    kd, dd = _distinct(key[dated], days[dated].astype(np.uint64))  # distinct (phrase, day), sorted
    head = _run_starts(kd)
    day_count = np.diff(np.append(head, len(kd)))
    phrase = kd[head]
    span = dd[head + day_count - 1].astype(np.int64) - dd[head].astype(np.int64)
    template = phrase[(day_count >= min_days) & (span >= min_span)]
    hit = starts[np.isin(key, template)]
    for j in range(k):
        covered[hit + j] = True
    return covered, len(template)


def _distinct(*cols: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct rows of equal-length uint64 columns, sorted by the first column, then the next (a lexsort:
    np.unique(axis=0) sorts structured rows, many times slower)."""
    order = np.lexsort(cols[::-1])
    cols = tuple(c[order] for c in cols)
    new = _changes(*cols)
    return tuple(c[new] for c in cols)


def _changes(*cols: np.ndarray) -> np.ndarray:
    """Where sorted rows differ from the row before (the first row always does)."""
    new = np.zeros(len(cols[0]), bool)
    if len(new):
        new[0] = True
        for c in cols:
            new[1:] |= c[1:] != c[:-1]
    return new


def _run_starts(*cols: np.ndarray) -> np.ndarray:
    """Start positions of the runs of equal rows in sorted columns."""
    return np.flatnonzero(_changes(*cols))


def _day(time: str | None) -> int:
    """Days since 1970 of an ISO date-time ("2015-08-10T20:27:03"), -1 when unknown."""
    if not time or len(time) < 10:
        return -1
    return _date(time[:10])


@lru_cache(maxsize=4096)
def _date(date: str) -> int:
    try:
        return int(np.datetime64(date, "D").astype(np.int64))
    except ValueError:
        return -1


def _burst(pair: np.ndarray, v: int, day: np.ndarray, df: np.ndarray, p: VectorParams) -> np.ndarray:
    """Per (document, term) pair: floor + log of how much more often the term occurs around the document's
    day than its overall rate predicts (clipped at 0). An event's words burst on its days; a template's
    words and everyday vocabulary do not. Undated documents get a neutral 1."""
    v = max(v, 1)
    pdoc, pterm = pair // v, pair % v
    out = np.ones(len(pair))
    dated_docs = day >= 0
    if not dated_docs.any():
        return out
    w = p.burst_days
    d0 = int(day[dated_docs].min())
    span = int(day[dated_docs].max()) - d0 + 1 + 2 * w
    rel_doc = np.where(dated_docs, day - d0 + w, -1)
    rel = rel_doc[pdoc]
    dated = rel >= 0
    key = pterm * span + rel
    uniq, inverse, count = np.unique(key[dated], return_inverse=True, return_counts=True)
    # uniq is sorted and distinct, so key + delta, when present, sits within |delta| places of key
    near = count.astype(float)
    idx = np.arange(len(uniq))
    for delta in range(1, w + 1):
        for j in range(1, delta + 1):
            for sign in (1, -1):
                other = idx + sign * j
                ok = (other >= 0) & (other < len(uniq))
                hit = ok.copy()
                hit[ok] = uniq[other[ok]] == uniq[ok] + sign * delta
                near[hit] += count[other[hit]]
    around = np.zeros(len(pair))  # documents with the term on the document's day and `w` days either side
    around[dated] = near[inverse.ravel()]
    per_day = np.bincount(rel_doc[dated_docs], minlength=span).astype(float)
    docs_around = np.convolve(per_day, np.ones(2 * w + 1), mode="same")
    expected = df[pterm] * docs_around[np.maximum(rel, 0)] / dated_docs.sum()
    ratio = (around + 1.0) / (expected + 1.0)
    out[dated] = (p.burst_floor + np.maximum(np.log(ratio), 0.0))[dated]
    return out


def _unit_vectors(
    tf: sparse.csr_matrix, idf: np.ndarray, pair: np.ndarray, boost: np.ndarray | None
) -> sparse.csr_matrix:
    """Per document: (1 + log tf) * idf (* burst) over its terms, L2-normalized; zero-weight terms left out.
    `pair` and `boost` are the keys and burst factors of every (document, term) pair of the collection."""
    n, v = tf.shape
    if not tf.nnz:
        return sparse.csr_matrix((n, v), dtype=np.float32)
    doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(tf.indptr))
    term = tf.indices.astype(np.int64)
    w = (1.0 + np.log(tf.data)) * idf[term]
    if boost is not None:
        w = w * boost[np.searchsorted(pair, doc * v + term)]
    keep = w > 0
    doc, term, w = doc[keep], term[keep], w[keep]
    norms = np.sqrt(np.bincount(doc, weights=w * w, minlength=n))
    w = w / norms[doc]
    indptr = np.searchsorted(doc, np.arange(n + 1))
    return sparse.csr_matrix((w.astype(np.float32), term.astype(np.int32), indptr), shape=(n, v))


def _template_share(
    doc_of: np.ndarray, ids: np.ndarray, weight: np.ndarray, idf: np.ndarray, covered: np.ndarray, n: int
) -> np.ndarray:
    """Share of each document's term weight (weight * idf, summed over positions) that template phrases cover."""
    mass = weight * idf[ids] if len(ids) else np.zeros(0)
    total = np.bincount(doc_of, weights=mass, minlength=n)
    inside = np.bincount(doc_of[covered], weights=mass[covered], minlength=n)
    return np.divide(inside, total, out=np.zeros(n), where=total > 0)
