"""Exact and near duplicates across a corpus: content hashes, MinHash + LSH candidates, real Jaccard.

1. Every text is reduced to its words in matching form (shingles.py); texts with the same word sequence
   are exact duplicates (an 8-byte digest of that sequence).
2. Its 5-word shingles get a MinHash signature, cut into LSH bands (minhash.py); texts that share a band
   are candidates.
3. Each candidate pair is verified on its real shingle sets: Jaccard >= `threshold` makes it a near
   duplicate (containment is reported too). Groups are the connected pairs, earliest member first.

Dedup works on the text as read: no segmentation or annotation per page, which would cost far more than
the comparison itself. Reading and sketching run in worker processes, one input file per task (a single
large file is read by one process); only compact arrays travel back.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rawi.connect.arrays import ArrayStore
from rawi.connect.minhash import LSHParams, MinHasher, band_keys, candidate_pairs
from rawi.connect.parallel import file_tasks, run_tasks
from rawi.connect.shingles import shingle_batch
from rawi.connect.texts import TextItem, iter_texts, text_item
from rawi.errors import InputError
from rawi.model import Page

_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class DedupParams:
    shingle: int = 5  # words per shingle
    threshold: float = 0.8  # Jaccard over shingles that makes two texts near duplicates
    lsh: LSHParams = field(default_factory=LSHParams)
    batch: int = 512  # texts sketched together in one numpy pass...
    batch_chars: int = 1 << 20  # ...or fewer, so that one pass stays under ~100 MB of temporary arrays
    memory_budget: int = 64 << 20  # bytes of shingle sets kept in memory before spilling to a temp file


@dataclass(slots=True)
class SketchBatch:
    """What a worker sends back for a run of texts: metadata and compact arrays, no text."""

    ids: list[str]
    outlets: list[str | None]
    times: list[str | None]
    words: np.ndarray
    digests: np.ndarray  # uint64
    keys: np.ndarray  # (texts, bands) uint64 band hashes
    shingles: np.ndarray  # uint32, text k's at shingles[bounds[k]:bounds[k+1]]
    bounds: np.ndarray
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, problem): InputError does not pickle


def sketch_batch(items: list[TextItem], params: DedupParams, hasher: MinHasher) -> SketchBatch:
    shingled = shingle_batch([t.text for t in items], params.shingle)
    shingles = (shingled.keys & _MASK32).astype(np.uint32)
    signatures = hasher.signatures(shingles, shingled.bounds)
    return SketchBatch(
        ids=[t.id for t in items],
        outlets=[t.outlet for t in items],
        times=[t.time for t in items],
        words=shingled.words.astype(np.int32),
        digests=np.frombuffer(b"".join(shingled.digests), np.uint64) if items else np.zeros(0, np.uint64),
        keys=band_keys(signatures, params.lsh.bands),
        shingles=shingles,
        bounds=shingled.bounds.astype(np.int64),
    )


def sketch_texts(items: Iterable[TextItem | Page | InputError], params: DedupParams) -> Iterator[SketchBatch]:
    """Sketches of the texts (or pages), `params.batch` at a time; errors ride along in the next batch."""
    hasher = MinHasher(params.lsh.num_perm, params.lsh.seed)
    texts: list[TextItem] = []
    errors: list[tuple[str, str]] = []
    chars = 0
    for item in items:
        if isinstance(item, InputError):
            errors.append((item.source, item.problem))
            continue
        texts.append(text_item(item) if isinstance(item, Page) else item)
        chars += len(texts[-1].text)
        if len(texts) >= params.batch or chars >= params.batch_chars:
            batch = sketch_batch(texts, params, hasher)
            batch.errors, errors, texts, chars = errors, [], [], 0
            yield batch
    if texts or errors:
        batch = sketch_batch(texts, params, hasher)
        batch.errors = errors
        yield batch


class Corpus:
    """The sketches of every text, in input order."""

    def __init__(self, params: DedupParams) -> None:
        self.params = params
        self.ids: list[str] = []
        self.outlets: list[str | None] = []
        self.times: list[str | None] = []
        self._words: list[np.ndarray] = []
        self._digests: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self.shingles = ArrayStore(params.memory_budget)
        self.errors: list[InputError] = []

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, batch: SketchBatch) -> None:
        self.ids += batch.ids
        self.outlets += [sys.intern(o) if o else o for o in batch.outlets]  # a handful of outlets, many texts
        self.times += batch.times
        self._words.append(batch.words)
        self._digests.append(batch.digests)
        self._keys.append(batch.keys)
        self.shingles.extend(batch.shingles, batch.bounds)
        self.errors += [InputError(source, problem) for source, problem in batch.errors]

    def _joined(self, name: str, empty: np.ndarray) -> np.ndarray:
        parts = getattr(self, name)
        if len(parts) != 1:
            parts[:] = [np.concatenate(parts)] if parts else [empty]
        return parts[0]

    @property
    def words(self) -> np.ndarray:
        return self._joined("_words", np.zeros(0, np.int32))

    @property
    def digests(self) -> np.ndarray:
        return self._joined("_digests", np.zeros(0, np.uint64))

    @property
    def keys(self) -> np.ndarray:
        return self._joined("_keys", np.zeros((0, self.params.lsh.bands), np.uint64))


@dataclass(slots=True)
class Group:
    """Duplicates of one text: `members` are corpus positions, earliest first; `jaccard[k]` and
    `containment[k]` compare member k with the first one."""

    kind: str  # exact: one word sequence | near: Jaccard >= threshold, joined pairwise
    members: list[int]
    jaccard: list[float]
    containment: list[float]


@dataclass(slots=True)
class DedupResult:
    corpus: Corpus
    groups: list[Group]
    pairs: np.ndarray  # (m, 2) verified near-duplicate pairs (exact duplicates not repeated)
    pair_jaccard: np.ndarray
    counts: Counter[str]

    def group_json(self, number: int, group: Group) -> dict[str, Any]:
        c = self.corpus
        return {
            "group": number,
            "kind": group.kind,
            "size": len(group.members),
            "members": [
                {
                    "id": c.ids[m],
                    "outlet": c.outlets[m],
                    "time": c.times[m],
                    "words": int(c.words[m]),
                    "jaccard": round(j, 4),
                    "containment": round(k, 4),
                }
                for m, j, k in zip(group.members, group.jaccard, group.containment, strict=True)
            ],
        }


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two sorted distinct shingle sets."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def find_duplicates(corpus: Corpus, params: DedupParams | None = None) -> DedupResult:
    """Exact groups by digest, near pairs by LSH verified on real Jaccard, groups as connected pairs."""
    p = params or corpus.params
    counts: Counter[str] = Counter(texts=len(corpus), failures=len(corpus.errors))
    empty = corpus.words == 0
    counts["empty texts"] = int(empty.sum())
    parent = _exact_duplicates(corpus.digests, empty, counts)
    cand = candidate_pairs(_band_keys_without_empty(corpus.keys, empty))
    counts["candidate pairs"] = len(cand)
    pairs, jaccard = _verify(corpus, cand, p.threshold)
    counts["near-duplicate pairs"] = len(pairs)
    groups = _groups(corpus, _union(parent, pairs))
    counts["groups"] = len(groups)
    counts["texts in groups"] = sum(len(g.members) for g in groups)
    return DedupResult(corpus, groups, pairs, jaccard, counts)


def _exact_duplicates(digests: np.ndarray, empty: np.ndarray, counts: Counter[str]) -> np.ndarray:
    """Parent pointers: each text points at the first text with its digest (empty texts at themselves)."""
    parent = np.arange(len(digests))
    order = np.flatnonzero(~empty)
    uniq, first, inverse = np.unique(digests[order], return_index=True, return_inverse=True)
    parent[order] = order[first[inverse]]
    counts["exact duplicates"] = int(len(order) - len(uniq))
    return parent


def _band_keys_without_empty(keys: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Empty texts match nothing: band keys no other text has."""
    if not empty.any():
        return keys
    keys = keys.copy()
    n, bands = keys.shape
    keys[empty] = (np.arange(n, dtype=np.uint64)[empty, None] << np.uint64(40)) + np.arange(bands, dtype=np.uint64)
    return keys


def _verify(corpus: Corpus, cand: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs whose real Jaccard reaches the threshold (pairs of one digest are exact
    duplicates already), with their Jaccard."""
    digests = corpus.digests
    cand = cand[digests[cand[:, 0]] != digests[cand[:, 1]]]
    kept, jaccard = [], []
    for i, j in cand.tolist():
        jac, _ = similarity(corpus.shingles[i], corpus.shingles[j])
        if jac >= threshold:
            kept.append((i, j))
            jaccard.append(jac)
    return np.asarray(kept, np.int64).reshape(-1, 2), np.asarray(jaccard)


def _union(parent: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Connected components of the parent pointers plus the pairs: each text's root (lowest member)."""
    parent = parent.copy()

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs.tolist():
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    while True:  # pointer jumping: every text straight to its root
        up = parent[parent]
        if np.array_equal(up, parent):
            return parent
        parent = up


def _groups(corpus: Corpus, roots: np.ndarray) -> list[Group]:
    """Groups of two or more texts, members and groups in time order (undated last, then by id)."""

    def when(m: int) -> tuple[bool, str, str]:
        return corpus.times[m] is None, corpus.times[m] or "", corpus.ids[m]

    values, sizes = np.unique(roots, return_counts=True)
    members: dict[int, list[int]] = {}
    for i in np.flatnonzero(np.isin(roots, values[sizes > 1])).tolist():
        members.setdefault(int(roots[i]), []).append(i)
    digests = corpus.digests
    groups = []
    for group in members.values():
        group.sort(key=when)
        head, head_digest = corpus.shingles[group[0]], digests[group[0]]
        sims = [(1.0, 1.0) if digests[m] == head_digest else similarity(head, corpus.shingles[m]) for m in group]
        kind = "exact" if all(digests[m] == head_digest for m in group) else "near"
        groups.append(Group(kind, group, [s[0] for s in sims], [s[1] for s in sims]))
    return sorted(groups, key=lambda g: when(g.members[0]))


def sketch_files(args: tuple[list[str], DedupParams]) -> list[SketchBatch]:
    """A worker's task: the sketches of the pages of some files."""
    files, params = args
    return list(sketch_texts(iter_texts(files), params))


def corpus_of(sketched: Iterable[list[SketchBatch]], params: DedupParams, errors: list[InputError]) -> Corpus:
    """The corpus of the sketch tasks' results (in task order), the inputs that could not be read first."""
    corpus = Corpus(params)
    for batches in sketched:
        for batch in batches:
            corpus.add(batch)
    corpus.errors = errors + corpus.errors
    return corpus


def sketch_paths(paths: Iterable[str | Path], params: DedupParams | None = None, jobs: int | None = None) -> Corpus:
    """Read and sketch every page under `paths` on `jobs` processes (default: all cores)."""
    p = params or DedupParams()
    errors: list[InputError] = []
    tasks = file_tasks(paths, errors)
    return corpus_of(run_tasks(sketch_files, [(t, p) for t in tasks], jobs), p, errors)


def dedup_paths(paths: Iterable[str | Path], params: DedupParams | None = None, jobs: int | None = None) -> DedupResult:
    p = params or DedupParams()
    return find_duplicates(sketch_paths(paths, p, jobs), p)


def dedup_pages(pages: Iterable[Page | InputError], params: DedupParams | None = None) -> DedupResult:
    """In-process dedup of pages already read (tests, small inputs)."""
    p = params or DedupParams()
    corpus = Corpus(p)
    for batch in sketch_texts(pages, p):
        corpus.add(batch)
    return find_duplicates(corpus, p)
