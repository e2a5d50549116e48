"""Candidate pairs for passage alignment: which sources a target may reuse, without aligning every pair.

A target stretch that reuses a source passage shares many of its anchors (rare words, uncommon word
pairs; see align.py) with that source, and a stretch of unrelated text shares few. So every target is cut
into overlapping windows, each window's anchor keys are looked up in an inverted index of the sources,
and a source becomes a candidate when one window shares at least `min_shared` distinct keys with it. Keys
held by many sources (formulas, boilerplate) are left out of the index: they say nothing about who copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rawi.connect.words import WordSeq


@dataclass(frozen=True, slots=True)
class CandidateParams:
    window: int = 60  # words per target window (windows overlap by half)
    min_shared: int = 6  # distinct keys a window must share with a source
    max_df: int = 50  # keys in more sources than this are not indexed
    word_weight: float = 0.35  # rare words are keys (a shuffled passage keeps only its words)
    pair_weight: float = 0.45  # word pairs are keys unless both words are common
    words: bool = True  # index rare words too; off for large corpora where only pairs stay selective


def doc_keys(
    seq: WordSeq, weights: np.ndarray, p: CandidateParams, base: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(keys, word positions): word pairs as (a + 1) * V + b, and rare words as their id when `p.words`.
    V is the vocabulary size unless `base` fixes it (an index whose vocabulary grows keeps one base)."""
    ids = seq.ids.astype(np.int64)
    v = np.int64(len(weights) if base is None else base)
    keys, pos = [], []
    if len(ids) >= 2:
        a, b = ids[:-1], ids[1:]
        keep = weights[a] + weights[b] >= p.pair_weight
        keys.append((a[keep] + 1) * v + b[keep])
        pos.append(np.flatnonzero(keep))
    if p.words:
        keep = weights[ids] >= p.word_weight
        keys.append(ids[keep])
        pos.append(np.flatnonzero(keep))
    if not keys:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(keys), np.concatenate(pos)


class SourceIndex:
    """Inverted index from anchor keys to the sources that hold them, as sorted numpy arrays."""

    def __init__(self, sources: Sequence[WordSeq], weights: np.ndarray, p: CandidateParams) -> None:
        self.p = p
        self.weights = weights
        per_doc = [np.unique(doc_keys(s, weights, p)[0]) for s in sources]
        keys = np.concatenate(per_doc) if per_doc else np.zeros(0, np.int64)
        docs = np.repeat(np.arange(len(per_doc), dtype=np.int32), [len(k) for k in per_doc])
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order], docs[order]
        _, count = np.unique(keys, return_counts=True)
        common = np.repeat(count > p.max_df, count)
        self.keys, self.docs = keys[~common], docs[~common]
        self.size = len(sources)

    def candidates(self, target: WordSeq) -> list[tuple[int, int]]:
        """(source index, shared keys in the best window), best first, for sources over the threshold."""
        p = self.p
        keys, pos = doc_keys(target, self.weights, p)
        if not len(keys) or not len(self.keys):
            return []
        half = max(1, p.window // 2)
        # Each key falls in two overlapping windows: [k*half, k*half + window) for k = pos//half - 1, pos//half.
        windows = int(pos.max()) // half + 2
        cell = np.sort(np.concatenate((keys * windows + pos // half, keys * windows + pos // half + 1)))
        cell = cell[np.concatenate(([True], cell[1:] != cell[:-1]))]  # distinct (np.unique hashes: slower)
        keys, win = cell // windows, cell % windows
        lo = np.searchsorted(self.keys, keys, "left")
        hi = np.searchsorted(self.keys, keys, "right")
        n = hi - lo
        total = int(n.sum())
        if not total:
            return []
        first = np.repeat(lo - np.concatenate(([0], np.cumsum(n)[:-1])), n)
        src = self.docs[np.arange(total) + first].astype(np.int64)
        cells, counts = np.unique(np.repeat(win, n) * self.size + src, return_counts=True)
        hit = counts >= p.min_shared
        best: dict[int, int] = {}
        for source, count in zip((cells[hit] % self.size).tolist(), counts[hit].tolist(), strict=True):
            best[source] = max(best.get(source, 0), count)
        return sorted(best.items(), key=lambda x: -x[1])
