"""Word shingles of many texts at once, as 32-bit hashes, with numpy and no per-word Python work.

Each text is folded to the matching form (fold.py), split into words (runs of letters and digits), and
joined with single spaces. A shingle is a run of `n` consecutive words, i.e. a substring of that
string, so every shingle hash comes from one prefix sum: h(s..e) = sum c[j] * P^(j - s) mod 2^64 is
(S[e] - S[s]) * P^-s. The hashes are the same in every process and on every run (unlike Python's salted
`hash`), so sketches made by separate workers compare. Texts are processed in batches: one numpy pass
over the concatenated batch instead of a dozen small calls per text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from rawi.connect.fold import codes_of, fold, is_word

_P = 0x100000001B3  # odd, so it has an inverse modulo 2^64
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SPACE = 32


class _Powers:
    """P^j and P^-j modulo 2^64, grown on demand."""

    def __init__(self) -> None:
        self.pow = np.ones(1, np.uint64)
        self.inv = np.ones(1, np.uint64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.pow) < n:
            size = max(n, 2 * len(self.pow), 1 << 16)
            self.pow = _powers(_P, size)
            self.inv = _powers(pow(_P, -1, 1 << 64), size)
        return self.pow[:n], self.inv[:n]


def _powers(base: int, size: int) -> np.ndarray:
    out = np.empty(size, np.uint64)
    out[0] = 1
    k, step = 1, np.uint64(base)
    with np.errstate(over="ignore"):
        while k < size:  # doubling: powers [k, 2k) are powers [0, k) times base^k
            m = min(k, size - k)
            out[k : k + m] = out[:m] * step
            step = step * step
            k += m
    return out


_POWERS = _Powers()


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: spreads the polynomial hash over all 64 bits."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * _MIX1
        h = (h ^ (h >> np.uint64(27))) * _MIX2
        return h ^ (h >> np.uint64(31))


def fold_codes(text: str) -> np.ndarray:
    """The text's words in matching form joined by single spaces, as uint32 code points."""
    out, _ = fold_batch([text])
    return out[:-1] if len(out) else out


def fold_batch(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts folded in one pass: their words in matching form, each text's words joined by single
    spaces and every text followed by one space, as uint32 code points; and where each text starts."""
    codes = codes_of("\n".join(texts))  # a line break is not a word character: texts stay apart
    folded, where = fold(codes)
    word = is_word(folded)
    # Keep word characters and, as one space, the first non-word character after each word; a text
    # ending in a word gets its space from the separator (or, for the last text, here).
    after_word = np.concatenate(([False], word[:-1])) & ~word
    keep = word | after_word
    out = np.where(word, folded, np.uint32(_SPACE))[keep]
    # Which text each kept character belongs to: separators passed before it.
    separator = np.zeros(len(codes) + 1, np.int64)
    ends = np.cumsum(np.fromiter((len(t) + 1 for t in texts), np.int64, count=len(texts)))
    separator[ends[:-1]] = 1
    owner = np.cumsum(separator)[where[keep]]
    if len(out) and out[-1] != _SPACE:
        out = np.append(out, np.uint32(_SPACE))
        owner = np.append(owner, len(texts) - 1)
    return out, np.searchsorted(owner, np.arange(len(texts) + 1))


@dataclass(slots=True)
class ShingledBatch:
    """Shingle sets of a batch of texts: `keys` holds (text index << 32 | shingle hash), sorted and
    distinct; text k's shingles are keys[bounds[k]:bounds[k + 1]] & 0xFFFFFFFF."""

    digests: list[bytes]  # 8 bytes per text identifying its word sequence (exact duplicates share it)
    words: np.ndarray  # words per text
    keys: np.ndarray
    bounds: np.ndarray

    def shingles(self, k: int) -> np.ndarray:
        return (self.keys[self.bounds[k] : self.bounds[k + 1]] & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def shingle_batch(texts: list[str], n: int = 5) -> ShingledBatch:
    """Exact-duplicate digests and n-word shingle sets of `texts` (a text of fewer words is one shingle)."""
    joined, text_start = fold_batch(texts)
    data = joined.tobytes()
    # A text's digest covers its words and the spaces between them, not its closing space.
    digests = [
        hashlib.blake2b(data[4 * a : 4 * max(a, b - 1)], digest_size=8).digest()
        for a, b in zip(text_start[:-1].tolist(), text_start[1:].tolist(), strict=True)
    ]
    is_space = joined == _SPACE
    starts = np.flatnonzero(~is_space & np.concatenate(([True], is_space[:-1])))
    ends = np.flatnonzero(~is_space & np.concatenate((is_space[1:], [True]))) + 1
    owner = np.searchsorted(text_start, starts, "right") - 1
    words = np.bincount(owner, minlength=len(texts))
    # Shingle i covers words i .. i+k-1 of its text, k = min(n, words in that text).
    first_word = np.concatenate(([0], np.cumsum(words)))
    k = np.minimum(n, words)[owner]
    last = np.arange(len(starts)) + k - 1
    valid = (k > 0) & (last < first_word[owner + 1])
    s = starts[valid]
    e = ends[last[valid]]
    powers, inverse = _POWERS.upto(len(joined) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(joined) + 1, np.uint64)
        np.cumsum(joined.astype(np.uint64) * powers[: len(joined)], dtype=np.uint64, out=prefix[1:])
        h = (prefix[e] - prefix[s]) * inverse[s]
    h = _mix(h + (e - s).astype(np.uint64))  # the length too: a run never hashes like a shorter one
    keys = (owner[valid].astype(np.uint64) << np.uint64(32)) | (h >> np.uint64(32))
    keys.sort()  # sort and drop repeats: np.unique's hash path is several times slower here
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(len(texts) + 1, dtype=np.uint64))
    return ShingledBatch(digests, words, keys, bounds)
