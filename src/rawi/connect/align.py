"""Passage alignment: which passages of a target text reuse which passages of a source text.

Built for what reuse looks like in news and in the PAN/ExAraPlagDet obfuscations: verbatim copies, light
edits and synonym substitution, phrases moved around, and words shuffled across a whole passage. Word
order is therefore only a hint; what a reused passage keeps is its vocabulary. So:

1. anchors: the positions (i in the source, j in the target) where both texts hold a rare word, or a
   pair of consecutive words that are not both common (rare words survive shuffling, word pairs survive
   synonyms);
2. clusters: anchors that are close in the target and close in the source form rectangles (a copied
   passage, shuffled or not, is a dense block of anchors; chance matches are scattered);
3. refinement: each rectangle is trimmed and extended by turns on either side to the stretch of words
   that the other side's passage holds (the best-scoring segment, with every word weighted by its rarity),
   which finds the boundaries to the word whatever the order inside;
4. overlapping or adjacent passages with consistent offsets are merged, weak ones dropped, and a target
   passage keeps only its best place in the source (a source may hold the passage twice).

Parameters were tuned on the dev split of ExAraPlagDet (bench/reuse_pan.py), whose obfuscations span
verbatim copies to manual paraphrase; see there for the figures.

Offsets are word indexes here; `Passage` turns them into characters of the texts as read.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from rawi.connect.words import WordSeq


@dataclass(frozen=True, slots=True)
class AlignParams:
    anchor_weight: float = 0.35  # an anchor's word must be at least this rare (normalized idf)
    anchor_max_count: int = 6  # ...and occur at most this often in either text
    pair_weight: float = 0.45  # a word pair anchors when its two weights add up to this
    gap: int = 40  # words between anchors that still belong to one passage
    min_anchors: int = 5  # a cluster needs this many anchors to be worth refining
    margin: int = 25  # words around a cluster that refinement may extend into
    penalty: float = 0.4  # a word the other side lacks costs this fraction of its weight (first turn)
    break_even: float = 0.4  # later turns: a word pays for itself at this fraction of the passage's shared weight
    rounds: int = 3  # refinement turns
    min_words: int = 20  # a passage shorter than this (either side) is dropped
    min_score: float = 0.45  # weighted share of both passages' words that the other side holds
    merge_gap: int = 30  # passages this close on both sides are one passage


@dataclass(frozen=True, slots=True)
class Passage:
    """A reused passage: characters [source_start, source_end) of the source text and
    [target_start, target_end) of the target text, and how much of their vocabulary they share."""

    source_start: int
    source_end: int
    target_start: int
    target_end: int
    score: float


def align(source: WordSeq, target: WordSeq, weights: np.ndarray, params: AlignParams | None = None) -> list[Passage]:
    """The passages of `target` reused from `source`; `weights[id]` is each word's rarity."""
    p = params or AlignParams()
    if len(source) < p.min_words or len(target) < p.min_words:
        return []
    return align_prepared(prepare(source, weights, p), prepare(target, weights, p), weights, p)


def align_prepared(source: Prepared, target: Prepared, weights: np.ndarray, p: AlignParams) -> list[Passage]:
    """`align` of two texts prepared under these weights and parameters (a text aligned with many others
    is prepared once: the same passages, less work)."""
    if len(source.seq) < p.min_words or len(target.seq) < p.min_words:
        return []
    si, ti = anchors(source, target, p)
    if len(si) < p.min_anchors:
        return []
    found = clusters(si, ti, p)
    if not found:
        return []
    pair = LocalPair(source, target, weights)
    blocks: list[tuple[int, int, int, int]] = []
    # Largest clusters first; a cluster inside a passage already found is a piece of it, not news.
    for s_idx, t_idx in sorted(found, key=lambda c: -len(c[0])):
        if any(_inside(s_idx, t_idx, b) for b in blocks):
            continue
        block = refine(pair, s_idx, t_idx, p)
        if block is not None:
            blocks.append(block)
    scored = []
    for s0, s1, t0, t1 in merge(blocks, p):
        sc = pair.score(s0, s1, t0, t1)
        if sc >= p.min_score and s1 - s0 >= p.min_words and t1 - t0 >= p.min_words:
            scored.append((sc, s0, s1, t0, t1))
    src, tgt = source.seq, target.seq
    return [
        Passage(
            int(src.starts[s0]),
            int(src.ends[s1 - 1]),
            int(tgt.starts[t0]),
            int(tgt.ends[t1 - 1]),
            round(sc, 4),
        )
        for sc, s0, s1, t0, t1 in best_per_target(scored)
    ]


def _inside(si: np.ndarray, ti: np.ndarray, block: tuple[int, int, int, int]) -> bool:
    """Whether most anchors of a cluster fall inside a block (word ranges on both sides)."""
    s0, s1, t0, t1 = block
    inside = (si >= s0) & (si < s1) & (ti >= t0) & (ti < t1)
    return 2 * int(np.count_nonzero(inside)) > len(si)  # a mean over 0.5, in integers


def best_per_target(scored: list[tuple[float, int, int, int, int]]) -> list[tuple[float, int, int, int, int]]:
    """One source place per target passage: a source that holds a passage twice (a compilation, a text
    quoted again later) matches it twice; keep the better match, ties to the longer one."""
    kept: list[tuple[float, int, int, int, int]] = []
    for cand in sorted(scored, key=lambda b: (-b[0], -(b[4] - b[3]))):
        t0, t1 = cand[3], cand[4]
        if all(min(t1, k[4]) - max(t0, k[3]) <= 0.5 * min(t1 - t0, k[4] - k[3]) for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda b: b[3])


class Keys:
    """One kind of anchor key of a text (rare words, or word pairs), grouped for matching: `keys[k]` is the
    key at word k (-1: none), `uniq` the distinct keys with their `count`, `order` the positions sorted
    by key (by position within a key) with each key's `start` in it, `inverse` each position's key index."""

    __slots__ = ("count", "inverse", "keys", "order", "start", "uniq")

    def __init__(self, keys: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        first = np.ones(len(keys), bool)
        first[1:] = ordered[1:] != ordered[:-1]
        start = np.flatnonzero(first)
        self.keys, self.order, self.start = keys, order, start
        self.uniq = ordered[start]
        self.count = np.diff(np.append(start, len(keys)))
        self.inverse = np.empty(len(keys), np.intp)
        self.inverse[order] = np.cumsum(first) - 1


class Prepared:
    """What alignment needs of one text under one set of weights: its anchor keys, and its distinct word
    ids (`words`) with each position's index among them (`word_at`)."""

    __slots__ = ("pairs", "rare", "seq", "word_at", "words")

    def __init__(self, seq: WordSeq, rare: Keys, pairs: Keys, words: np.ndarray, word_at: np.ndarray) -> None:
        self.seq, self.rare, self.pairs, self.words, self.word_at = seq, rare, pairs, words, word_at


def prepare(seq: WordSeq, weights: np.ndarray, p: AlignParams) -> Prepared:
    ids = seq.ids
    rare = np.where(weights[ids] >= p.anchor_weight, ids.astype(np.int64), -1)
    words, word_at = np.unique(ids, return_inverse=True)
    return Prepared(seq, Keys(rare), Keys(_pairs(ids, weights, p)), words, word_at)


def anchors(source: Prepared, target: Prepared, p: AlignParams) -> tuple[np.ndarray, np.ndarray]:
    """Word positions (source, target) where the texts share a rare word, or a pair of consecutive words
    that is not two function words: rare words survive shuffling, word pairs survive synonyms (a passage
    of common words still has uncommon pairs)."""
    si1, ti1 = _matches(source.rare, target.rare, p.anchor_max_count)
    si2, ti2 = _matches(source.pairs, target.pairs, p.anchor_max_count)
    return np.concatenate((si1, si2)), np.concatenate((ti1, ti2))


def _pairs(ids: np.ndarray, weights: np.ndarray, p: AlignParams) -> np.ndarray:
    """A key per pair of consecutive words (at the first word's position); -1 where both are common."""
    if len(ids) < 2:
        return np.full(len(ids), -1, np.int64)
    a, b = ids[:-1].astype(np.int64), ids[1:].astype(np.int64)
    keys = a * np.int64(len(weights)) + b
    keys[weights[a] + weights[b] < p.pair_weight] = -1
    return np.append(keys, -1)


def _matches(s: Keys, t: Keys, max_count: int) -> tuple[np.ndarray, np.ndarray]:
    """All (source, target) position pairs with equal keys (>= 0), for keys at most `max_count` times
    in each text: in target order, and for each target position the source positions in order."""
    shared, s_at, t_at = np.intersect1d(s.uniq, t.uniq, assume_unique=True, return_indices=True)
    keep = (shared >= 0) & (s.count[s_at] <= max_count) & (t.count[t_at] <= max_count)
    shared, s_at, t_at = shared[keep], s_at[keep], t_at[keep]
    if not len(shared):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # Source positions grouped by key; every target position of a shared key pairs with each of them.
    per_key = s.count[s_at]
    s_pos = s.order[_ranges(s.start[s_at], per_key)]
    s_sorted = np.repeat(shared, per_key)
    held = np.zeros(len(t.uniq), bool)
    held[t_at] = True
    t_pos = np.flatnonzero(held[t.inverse])
    lo = np.searchsorted(s_sorted, t.keys[t_pos], "left")
    hi = np.searchsorted(s_sorted, t.keys[t_pos], "right")
    n = hi - lo
    return s_pos[_ranges(lo, n)], np.repeat(t_pos, n)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indexes [start, start + length) of every range, one range after the other."""
    first = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(len(first)) + first


def _runs(values: np.ndarray, gap: int, min_size: int) -> list[np.ndarray] | None:
    """Split sorted-order indexes of `values` where consecutive sorted values differ by more than `gap`:
    None when nothing splits, else the parts of at least `min_size` indexes (smaller ones hold no cluster)."""
    ordered = np.sort(values)
    breaks = np.flatnonzero(ordered[1:] - ordered[:-1] > gap)
    if not len(breaks):
        return None
    order = np.argsort(values, kind="stable")
    edges = [0, *(breaks + 1).tolist(), len(values)]
    return [order[a:b] for a, b in pairwise(edges) if b - a >= min_size]


def clusters(si: np.ndarray, ti: np.ndarray, p: AlignParams) -> list[tuple[np.ndarray, np.ndarray]]:
    """Groups of anchors dense on both sides: split by gaps in the target, then in the source, and again
    until nothing splits (a target stretch can hold passages of two places in the source)."""
    out = []
    todo = [np.arange(len(si))]
    while todo:
        idx = todo.pop()
        if len(idx) < p.min_anchors:
            continue
        t_parts = _runs(ti[idx], p.gap, p.min_anchors)
        if t_parts is not None:
            todo.extend(idx[part] for part in t_parts)
            continue
        s_parts = _runs(si[idx], p.gap, p.min_anchors)
        if s_parts is not None:
            todo.extend(idx[part] for part in s_parts)
            continue
        out.append((si[idx], ti[idx]))
    return out


def _best_segment(scores: np.ndarray) -> tuple[int, int]:
    """[start, end) of the highest-sum stretch of `scores` (Kadane, vectorized)."""
    csum = np.empty(len(scores) + 1)
    csum[0] = 0.0
    np.cumsum(scores, out=csum[1:])
    low_at = np.maximum.accumulate(np.where(csum == np.minimum.accumulate(csum), np.arange(len(csum)), 0))
    end = int((csum - csum[low_at]).argmax())
    return int(low_at[end]), end


class Side:
    """The stretch [lo, hi) of one text that refinement may choose from: its local word ids, how often
    each occurs in the stretch, and their weights (the same for every turn of a refinement)."""

    __slots__ = ("here", "ids", "lo", "w")

    def __init__(self, ids: np.ndarray, here: np.ndarray, w: np.ndarray, lo: int) -> None:
        self.ids, self.here, self.w, self.lo = ids, here, w, lo


class LocalPair:
    """Two texts over their own small vocabulary (ids 0..n-1 for the words they hold), so that counting
    words in a stretch is one `bincount` instead of sorting."""

    def __init__(self, source: Prepared, target: Prepared, weights: np.ndarray) -> None:
        uniq = np.union1d(source.words, target.words)
        self.size = len(uniq)
        self.s = np.searchsorted(uniq, source.words)[source.word_at]
        self.t = np.searchsorted(uniq, target.words)[target.word_at]
        self.w = weights[uniq]

    def counts(self, ids: np.ndarray) -> np.ndarray:
        return np.bincount(ids, minlength=self.size)

    def side(self, ids: np.ndarray, lo: int, hi: int) -> Side:
        window = ids[lo:hi]
        return Side(window, self.counts(window)[window], self.w[window], lo)

    def segment(self, side: Side, other: np.ndarray, penalty: float) -> tuple[int, int]:
        """The stretch of the side best explained by the words of `other` (the passage on the other
        side). A word gains its weight when the other passage holds it and costs `penalty` times it
        otherwise; a word repeated here more often than there gains only the other side's share (a copied
        sentence holds the topic's words once; the text around it may hold them many times)."""
        held = self.counts(other)[side.ids]
        share = np.minimum(1.0, held / side.here)
        start, end = _best_segment(side.w * (share - penalty * (1.0 - share)))
        return side.lo + start, side.lo + end

    def score(self, s0: int, s1: int, t0: int, t1: int) -> float:
        """Weighted share of the two passages' words that the other passage also holds (1 for a copy,
        shuffled or not; about 0.6 for heavy synonym substitution)."""
        s_win, t_win = self.s[s0:s1], self.t[t0:t1]
        s_w, t_w = self.w[s_win], self.w[t_win]
        kept = s_w[self.counts(t_win)[s_win] > 0].sum() + t_w[self.counts(s_win)[t_win] > 0].sum()
        return float(kept / max(s_w.sum() + t_w.sum(), 1e-9))


def refine(pair: LocalPair, si: np.ndarray, ti: np.ndarray, p: AlignParams) -> tuple[int, int, int, int] | None:
    """Turn a cluster of anchors into word ranges [s0, s1) x [t0, t1), by turns on either side. The cost
    of a missing word adapts to the passage: a verbatim or shuffled copy (every word shared) stops at the
    first stretch of foreign words, a rewritten one (many synonyms) tolerates more of them."""
    s0, s1 = int(si.min()), int(si.max()) + 1
    t0, t1 = int(ti.min()), int(ti.max()) + 1
    s_side = pair.side(pair.s, max(0, s0 - p.margin), min(len(pair.s), s1 + p.margin))
    t_side = pair.side(pair.t, max(0, t0 - p.margin), min(len(pair.t), t1 + p.margin))
    penalty = p.penalty
    last = None
    for turn in range(p.rounds):
        t0, t1 = pair.segment(t_side, pair.s[s0:s1], penalty)
        if t1 <= t0:
            return None
        s0, s1 = pair.segment(s_side, pair.t[t0:t1], penalty)
        if s1 <= s0:
            return None
        block = (s0, s1, t0, t1)
        # The last turn's penalty is never used; a turn that changed nothing (after the first, whose
        # penalty was not the block's own) would be repeated exactly by every later one.
        if turn == p.rounds - 1 or block == last:
            return block
        last = block
        even = p.break_even * pair.score(s0, s1, t0, t1)  # the share at which a word pays for itself
        penalty = even / (1.0 - even)
    return last


def merge(blocks: list[tuple[int, int, int, int]], p: AlignParams) -> list[tuple[int, int, int, int]]:
    """Union blocks that overlap or nearly touch on both sides (one passage found twice or in pieces)."""
    blocks = sorted(set(blocks), key=lambda b: (b[2], b[0]))
    merged: list[list[int]] = []
    for s0, s1, t0, t1 in blocks:
        for m in merged:
            if (
                t0 <= m[3] + p.merge_gap
                and m[2] <= t1 + p.merge_gap
                and s0 <= m[1] + p.merge_gap
                and m[0] <= s1 + p.merge_gap
            ):
                m[0], m[1], m[2], m[3] = min(m[0], s0), max(m[1], s1), min(m[2], t0), max(m[3], t1)
                break
        else:
            merged.append([s0, s1, t0, t1])
    return [tuple(m) for m in merged]  # type: ignore[misc]
