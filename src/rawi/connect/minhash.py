"""MinHash signatures and LSH banding, vectorized with numpy (no datasketch at run time).

Each of the `num_perm` hash functions is multiply-add-shift over 64 bits, h_k(x) = (a_k * x + b_k) >> 32
for a 32-bit shingle hash x (a_k odd): strongly universal, and one numpy expression for all shingles of a
batch of texts at once; per-text minima come from one `minimum.reduceat`. That is what makes it faster
than datasketch, which hashes with a Python-level loop per text and keeps its LSH buckets in dicts.

Banding: `bands` bands of `rows` values each; two texts are candidates when all rows of one band agree,
which happens with probability 1 - (1 - J^rows)^bands for Jaccard similarity J. With 64 values as 16
bands of 4 rows (the default), a pair at J = 0.8 is missed with probability 0.0002, at J = 0.7 with
0.005 and at J = 0.5 with 0.36; pairs below J = 0.3 become candidates less than 12% of the time. Every
candidate is then verified on its real shingle sets, so a false candidate costs time, never precision,
and the banding can lean towards recall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class LSHParams:
    num_perm: int = 64
    bands: int = 16
    seed: int = 1

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    def candidate_probability(self, jaccard: float) -> float:
        """The chance that a pair with this Jaccard similarity shares a band."""
        return 1.0 - (1.0 - jaccard**self.rows) ** self.bands


class MinHasher:
    def __init__(self, num_perm: int = 64, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = rng.integers(1, 1 << 63, size=(num_perm, 1), dtype=np.uint64) | np.uint64(1)
        self.b = rng.integers(0, 1 << 63, size=(num_perm, 1), dtype=np.uint64)

    def signatures(self, shingles: np.ndarray, bounds: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """(texts, num_perm) uint32 signatures; text k's shingles are shingles[bounds[k]:bounds[k+1]].
        A text without shingles gets all-ones (it matches nothing but another empty text). Shingles go
        through in chunks of whole texts small enough for the (num_perm, chunk) products to stay in cache."""
        texts = len(bounds) - 1
        out = np.full((texts, self.num_perm), 0xFFFFFFFF, np.uint32)
        x = shingles.astype(np.uint64)
        buf = np.empty((self.num_perm, chunk), np.uint64)
        k = 0
        while k < texts:
            stop = int(np.searchsorted(bounds, bounds[k] + chunk, "right")) - 1
            stop = min(max(stop, k + 1), texts)
            lo, hi = int(bounds[k]), int(bounds[stop])
            if hi > lo:
                h = buf[:, : hi - lo] if hi - lo <= chunk else np.empty((self.num_perm, hi - lo), np.uint64)
                np.multiply(self.a, x[lo:hi], out=h)
                h += self.b
                h >>= np.uint64(32)
                starts = bounds[k:stop] - lo
                nonempty = bounds[k + 1 : stop + 1] > bounds[k:stop]
                mins = np.minimum.reduceat(h, starts[nonempty], axis=1)
                out[np.arange(k, stop)[nonempty]] = mins.T
            k = stop
        return out


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """(texts, bands) uint64: one hash per band of each signature."""
    texts, num_perm = signatures.shape
    rows = num_perm // bands
    sig = signatures[:, : bands * rows].reshape(texts, bands, rows).astype(np.uint64)
    key = np.zeros((texts, bands), np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = (key ^ sig[:, :, r]) * np.uint64(0x100000001B3) + np.uint64(r + 1)
    return key


def candidate_pairs(keys: np.ndarray, max_bucket: int = 200) -> np.ndarray:
    """(m, 2) distinct index pairs i < j that share a band. A bucket larger than `max_bucket` (a text
    repeated hundreds of times) contributes each member paired with its first member only, which keeps
    the pairs linear while still joining the bucket into one group."""
    texts, bands = keys.shape
    found = []
    for band in range(bands):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        same = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
        if not len(same):
            continue
        # Runs of equal keys: [start, end) in `order`.
        run_start = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
        run_end = np.concatenate((run_start[1:], [texts]))
        size = run_end - run_start
        # Runs of one size at a time: a (runs, n) matrix of members, all pairs of its columns.
        for n in np.unique(size[size > 1]).tolist():
            starts = run_start[size == n]
            if n > max_bucket:
                members = order[starts[0] + np.arange(n)]
                found.append(np.stack((np.full(n - 1, members[0]), members[1:]), axis=1))
                for start in starts[1:].tolist():
                    members = order[start + np.arange(n)]
                    found.append(np.stack((np.full(n - 1, members[0]), members[1:]), axis=1))
                continue
            members = order[starts[:, None] + np.arange(n)]
            i, j = np.triu_indices(n, 1)
            found.append(np.stack((members[:, i].ravel(), members[:, j].ravel()), axis=1))
    if not found:
        return np.zeros((0, 2), np.int64)
    pairs = np.sort(np.concatenate(found).astype(np.int64), axis=1)
    pairs = np.unique(pairs[:, 0] * texts + pairs[:, 1])
    return np.stack((pairs // texts, pairs % texts), axis=1)
