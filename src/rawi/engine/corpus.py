"""Corpus stages of a run written to a folder: near-duplicate groups and reuse candidates over the
articles of every page. The local engine runs them here with numpy (connect/'s dedup for duplicates);
the Spark engine runs the same sketches through joins (spark_corpus.py) and must find the same.

Reuse candidates are pairs of articles that share a passage: each article is cut into overlapping word
windows, each window gets a MinHash signature over its 3-word shingles, and windows sharing an LSH band
are verified on their real shingle sets (containment of the smaller in the larger). A pair is kept when
one of its window pairs reaches `min_containment`; the earlier article is the source. Aligning the
passages themselves is connect/'s job (reuse.py) and runs on these pairs only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rawi.connect.arrays import ArrayStore
from rawi.connect.dedup import Corpus, DedupParams, find_duplicates, sketch_texts
from rawi.connect.minhash import MinHasher, band_keys, candidate_pairs
from rawi.connect.shingles import shingle_batch
from rawi.connect.texts import TextItem

_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class ArticleText:
    id: str
    page_id: str
    outlet: str | None
    time: str | None  # the article's date, else its page's publication, else crawl time
    text: str


def article_texts(page: dict[str, Any]) -> Iterator[ArticleText]:
    """The articles of one page in the output schema."""
    meta = page["page"]
    for a in page["articles"]:
        time = a.get("published") or meta.get("published") or meta.get("fetched")
        yield ArticleText(a["id"], meta["id"], meta.get("outlet"), time, a["text"])


def when(time: str | None, ident: str) -> tuple[bool, str, str]:
    """Time order: dated first, earliest first, then by id (connect/'s order for groups and sources)."""
    return time is None, time or "", ident


# --- duplicates ---------------------------------------------------------------------------------------


def duplicate_groups(articles: Iterable[ArticleText], params: DedupParams | None = None) -> list[dict[str, Any]]:
    """Exact and near-duplicate groups of articles (connect's dedup over article texts), as JSON."""
    p = params or DedupParams()
    corpus = Corpus(p)
    items = (TextItem(a.id, a.outlet, a.time, a.text) for a in articles)
    for batch in sketch_texts(items, p):
        corpus.add(batch)
    result = find_duplicates(corpus, p)
    return [result.group_json(k, g) for k, g in enumerate(result.groups, 1)]


# --- reuse candidates ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReuseLSH:
    window: int = 50  # words per window; windows overlap by half
    shingle: int = 3
    num_perm: int = 60
    bands: int = 20  # 3 rows a band: a window pair at Jaccard 0.5 becomes a candidate 93% of the time
    seed: int = 7
    min_containment: float = 0.5
    max_bucket: int = 200


def windows(text: str, size: int) -> list[str]:
    """Overlapping word windows (step size/2); a short text is one window; no window for an empty one."""
    words = text.split()
    if len(words) <= size:
        return [" ".join(words)] if words else []
    step = max(1, size // 2)
    return [" ".join(words[i : i + size]) for i in range(0, len(words) - step, step)]


@dataclass(slots=True)
class WindowSketch:
    """Windows of a run of articles: owner (article index within the run), band keys, shingle sets."""

    owner: np.ndarray  # int64
    keys: np.ndarray  # (windows, bands) uint64
    shingles: np.ndarray  # uint32, window k's at shingles[bounds[k]:bounds[k + 1]]
    bounds: np.ndarray
    empty: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # windows without shingles

    def shingle_set(self, k: int) -> np.ndarray:
        return self.shingles[self.bounds[k] : self.bounds[k + 1]]


def sketch_windows(texts: list[str], p: ReuseLSH, hasher: MinHasher | None = None) -> WindowSketch:
    hasher = hasher or MinHasher(p.num_perm, p.seed)
    owner: list[int] = []
    parts: list[str] = []
    for i, text in enumerate(texts):
        w = windows(text, p.window)
        parts += w
        owner += [i] * len(w)
    shingled = shingle_batch(parts, p.shingle)
    shingles = (shingled.keys & _MASK32).astype(np.uint32)
    signatures = hasher.signatures(shingles, shingled.bounds)
    bounds = shingled.bounds.astype(np.int64)
    return WindowSketch(
        owner=np.asarray(owner, np.int64),
        keys=band_keys(signatures, p.bands),
        shingles=shingles,
        bounds=bounds,
        empty=bounds[1:] == bounds[:-1],
    )


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Shared shingles over the smaller set (sorted distinct uint32 arrays)."""
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


def reuse_candidates(
    articles: Iterable[ArticleText], p: ReuseLSH | None = None, batch: int = 512
) -> list[dict[str, Any]]:
    """Pairs of articles of different pages sharing a passage, source (earlier) first, sorted."""
    p = p or ReuseLSH()
    hasher = MinHasher(p.num_perm, p.seed)
    items: list[ArticleText] = []
    owners, keys, store = [], [], ArrayStore()
    pending: list[ArticleText] = []

    def flush() -> None:
        sketch = sketch_windows([a.text for a in pending], p, hasher)
        owners.append(sketch.owner + len(items))
        keys.append(without_empty(sketch.keys, sketch.empty, len(store)))
        store.extend(sketch.shingles, sketch.bounds)
        items.extend(ArticleText(a.id, a.page_id, a.outlet, a.time, "") for a in pending)  # texts not kept
        pending.clear()

    for article in articles:
        pending.append(article)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if not items:
        return []
    owner = np.concatenate(owners)
    best: dict[tuple[int, int], float] = {}
    for i, j in candidate_pairs(np.concatenate(keys), p.max_bucket).tolist():
        a, b = int(owner[i]), int(owner[j])
        if items[a].page_id == items[b].page_id:
            continue
        c = containment(store[i], store[j])
        if c >= p.min_containment:
            pair = (min(a, b), max(a, b))
            best[pair] = max(best.get(pair, 0.0), c)
    found = [candidate_json(items[a], items[b], c) for (a, b), c in best.items()]
    return sorted(found, key=lambda d: (d["source"], d["target"]))


def without_empty(keys: np.ndarray, empty: np.ndarray, offset: int) -> np.ndarray:
    """Band keys where windows without shingles get keys no other window has (they match nothing)."""
    if not empty.any():
        return keys
    keys = keys.copy()
    n, bands = keys.shape
    index = np.arange(offset, offset + n, dtype=np.uint64)[empty, None]
    keys[empty] = (index << np.uint64(40)) + np.arange(bands, dtype=np.uint64) + np.uint64(1 << 63)
    return keys


def candidate_json(a: ArticleText, b: ArticleText, score: float) -> dict[str, Any]:
    source, target = sorted((a, b), key=lambda x: when(x.time, x.id))
    return {"source": source.id, "target": target.id, "containment": round(score, 4)}
