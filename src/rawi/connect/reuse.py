"""Text reuse between collections: for each target, the passages it shares with each source.

Every text becomes a word sequence over one vocabulary (so that rarity weights are shared), the sources
are indexed (candidates.py), and each target is aligned (align.py) with the sources its windows point
to. Offsets in the results are characters of the texts as given, never of a normalized form.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rawi.connect.align import AlignParams, Passage, Prepared, align_prepared, prepare
from rawi.connect.candidates import CandidateParams, SourceIndex, doc_keys
from rawi.connect.words import Vocabulary, WordSeq, word_seq
from rawi.errors import InputError
from rawi.read import iter_pages


@dataclass(frozen=True, slots=True)
class Text:
    """A text to compare, named by `id` (a file path, a URL, an article id)."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Reuse:
    """One aligned passage of `target` that reuses `source`."""

    source: str
    target: str
    passage: Passage

    def to_json(self) -> dict[str, Any]:
        p = self.passage
        return {
            "source": self.source,
            "target": self.target,
            "source_start": p.source_start,
            "source_end": p.source_end,
            "target_start": p.target_start,
            "target_end": p.target_end,
            "score": p.score,
        }


@dataclass(frozen=True, slots=True)
class ReuseParams:
    align: AlignParams = field(default_factory=AlignParams)
    candidates: CandidateParams = field(default_factory=CandidateParams)
    max_sources: int = 50  # per target, the best candidates that get aligned


class Collection:
    """Texts as word sequences over one vocabulary."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary()
        self.ids: list[str] = []
        self.seqs: list[WordSeq] = []

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, text: Text) -> int:
        self.ids.append(text.id)
        self.seqs.append(word_seq(text.text, self.vocabulary))
        return len(self.ids) - 1


PREPARED_TEXTS = 1024  # texts kept prepared for alignment (about 30 KB each): those aligned again soon


class PreparedTexts:
    """Texts prepared for alignment (align.prepare), the most recently used kept: a source is aligned with
    many targets, and preparing it is a third of the cost of aligning it."""

    def __init__(self, make: Callable[[int], Prepared], size: int = PREPARED_TEXTS) -> None:
        self.make, self.size = make, size
        self.kept: OrderedDict[int, Prepared] = OrderedDict()

    def get(self, key: int) -> Prepared:
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = self.make(key)
            if len(self.kept) > self.size:
                self.kept.popitem(last=False)
        else:
            self.kept.move_to_end(key)
        return found

    def clear(self) -> None:
        self.kept.clear()


class Matcher:
    """Targets aligned with the sources their windows point to. With ranks (self-reuse within one
    corpus), a target is only aligned with sources ranked before it: the earlier text is the source."""

    def __init__(
        self,
        sources: Collection,
        targets: Collection,
        params: ReuseParams,
        ranks: np.ndarray | None = None,
    ) -> None:
        self.sources, self.targets, self.params, self.ranks = sources, targets, params, ranks
        self.weights = sources.vocabulary.weights()
        self.index = SourceIndex(sources.seqs, self.weights, params.candidates)
        self.prepared = PreparedTexts(lambda si: prepare(self.sources.seqs[si], self.weights, params.align))

    def target(self, ti: int) -> list[tuple[int, list[Passage]]]:
        """(source index, passages) for every source that target `ti` reuses."""
        p = self.params
        found: list[tuple[int, list[Passage]]] = []
        target = self.targets.seqs[ti]
        if len(target) < p.align.min_words:
            return found
        prepared = prepare(target, self.weights, p.align)  # once for all its sources
        for si, _shared in self.index.candidates(target)[: p.max_sources]:
            if self.ranks is not None:
                if self.ranks[si] >= self.ranks[ti]:
                    continue
            elif self.sources.ids[si] == self.targets.ids[ti]:
                continue
            if len(self.sources.seqs[si]) < p.align.min_words:
                continue
            passages = align_prepared(self.prepared.get(si), prepared, self.weights, p.align)
            if passages:
                found.append((si, passages))
        return found

    def run(self, jobs: int = 1) -> Iterator[tuple[int, int, list[Passage]]]:
        """(source, target, passages) for every target in order, on `jobs` processes."""
        n = len(self.targets)
        if jobs <= 1 or n < 2 or "fork" not in mp.get_all_start_methods():
            for ti in range(n):
                for si, passages in self.target(ti):
                    yield si, ti, passages
            return
        # Forked workers inherit the matcher, index included, as it is (nothing is pickled); each aligns
        # a share of the targets and sends back only the passages found.
        ctx = mp.get_context("fork")
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(self,)) as pool:
            for ti, found in enumerate(pool.imap(_target_in_worker, range(n), chunksize=8)):
                for si, passages in found:
                    yield si, ti, passages


_WORKER: dict[str, Matcher] = {}


def _init_worker(matcher: Matcher) -> None:
    _WORKER["matcher"] = matcher


def _target_in_worker(ti: int) -> list[tuple[int, list[Passage]]]:
    return _WORKER["matcher"].target(ti)


def find_reuse(
    sources: Iterable[Text], targets: Iterable[Text], params: ReuseParams | None = None, jobs: int = 1
) -> Iterator[Reuse]:
    """Every passage of every target reused from a source, target by target. A text given as both source
    and target (same id) is not compared with itself."""
    p = params or ReuseParams()
    vocabulary = Vocabulary()
    src, tgt = Collection(vocabulary), Collection(vocabulary)
    for t in sources:
        src.add(t)
    for t in targets:
        tgt.add(t)
    for si, ti, passages in Matcher(src, tgt, p).run(jobs):
        for passage in passages:
            yield Reuse(src.ids[si], tgt.ids[ti], passage)


PAIR = np.int64(1 << 31)  # a pair key (a + 1) * PAIR + b lies above every word key (an id < 2**31)


def all_keys(seq: WordSeq, words: bool) -> np.ndarray:
    """Every anchor key a text can have whatever the weights (all its word pairs, and words when
    `words`), distinct and sorted: which of them count is decided when a target asks (see Window)."""
    ids = seq.ids.astype(np.int64)
    parts = [(ids[:-1] + 1) * PAIR + ids[1:]] if len(ids) >= 2 else []
    if words:
        parts.append(ids)
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)


def query_keys(seq: WordSeq, weights: np.ndarray, p: CandidateParams) -> tuple[np.ndarray, np.ndarray]:
    """candidates.doc_keys with keys as in `all_keys`: the same selection, in the same order."""
    return doc_keys(seq, weights, p, base=PAIR)


class _Runs:
    """(key, slot) entries as a few runs sorted by key: each add is a run of its own, merged with the run
    before it while that one is not much larger (a log-structured merge), so adding costs about its own
    size and a lookup searches a handful of runs."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self.size = 0

    def add(self, keys: np.ndarray, slots: np.ndarray) -> None:
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        self.runs.append((keys[order], slots[order]))
        self.size += len(keys)
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (k2, s2), (k1, s1) = self.runs.pop(), self.runs.pop()
            keys, slots = np.concatenate((k1, k2)), np.concatenate((s1, s2))
            order = np.argsort(keys, kind="stable")  # two sorted runs: timsort merges them in linear time
            self.runs.append((keys[order], slots[order]))

    def count(self, keys: np.ndarray) -> np.ndarray:
        """Entries per key (keys sorted and distinct)."""
        n = np.zeros(len(keys), np.int64)
        for run, _ in self.runs:
            n += np.searchsorted(run, keys, "right") - np.searchsorted(run, keys, "left")
        return n


class Window:
    """A collection whose texts come and go (a sliding window over a stream), kept current at a cost that
    follows what comes and goes rather than what stays: each text is read into words once, the vocabulary
    counts the texts present (so weights are those of a Collection of them), and the candidate index holds
    every key of every text and decides which keys count when a target asks.

    `candidates(slot)` returns what a SourceIndex over a Collection of the present texts (in the order they
    came) returns for that text, slot for index: the same keys are chosen with the current weights, keys
    in more than `max_df` texts are left out, and ties keep the Collection's order."""

    def __init__(self, params: ReuseParams) -> None:
        self.params = params
        self.vocabulary = Vocabulary()
        self.slot: dict[str, int] = {}  # text id -> slot (a new slot whenever a text comes or changes)
        self.ids: dict[int, str] = {}
        self.seqs: dict[int, WordSeq] = {}
        self.order: dict[int, int] = {}  # slot -> position in the collection's order (ties)
        self.alive = np.zeros(0, bool)
        self.postings = _Runs()  # every key of every text that came, present or gone
        self.gone = _Runs()  # the keys of the texts gone: postings minus gone = the present texts
        self._next = 0
        self._weights: np.ndarray | None = None
        # prepared under the current weights (dropped when they change: a text comes or goes)
        self.prepared = PreparedTexts(lambda slot: prepare(self.seqs[slot], self.weights(), self.params.align))

    def __len__(self) -> int:
        return len(self.slot)

    def __contains__(self, text_id: str) -> bool:
        return text_id in self.slot

    def add(self, text: Text) -> int:
        """Bring a text into the window (a text already there is replaced and keeps its place)."""
        slot = self._next
        self._next += 1
        old = self.slot.get(text.id)
        if old is not None:
            self.order[slot] = self.order[old]
            self._drop(old)
        else:
            self.order[slot] = slot
        seq = word_seq(text.text, self.vocabulary)  # counts it in the vocabulary
        self.slot[text.id], self.ids[slot], self.seqs[slot] = slot, text.id, seq
        if slot >= len(self.alive):
            self.alive = np.concatenate((self.alive, np.zeros(max(1024, len(self.alive)), bool)))
        self.alive[slot] = True
        keys = all_keys(seq, self.params.candidates.words)
        self.postings.add(keys, np.full(len(keys), slot, np.int32))
        self._weights = None
        return slot

    def remove(self, text_id: str) -> None:
        slot = self.slot.get(text_id)
        if slot is not None:
            self._drop(slot)
            if self.gone.size > self.postings.size // 2:
                self._compact()

    def _drop(self, slot: int) -> None:
        seq = self.seqs.pop(slot)
        del self.slot[self.ids.pop(slot)], self.order[slot]
        self.alive[slot] = False
        df = self.vocabulary.df
        for i in np.unique(seq.ids).tolist():
            df[i] -= 1
        self.vocabulary.documents -= 1
        keys = all_keys(seq, self.params.candidates.words)
        self.gone.add(keys, np.full(len(keys), slot, np.int32))
        self._weights = None

    def _compact(self) -> None:
        """Rebuild the index from the texts present once half its entries are of texts gone."""
        self.postings, self.gone = _Runs(), _Runs()
        if not self.seqs:
            return
        per = [all_keys(seq, self.params.candidates.words) for seq in self.seqs.values()]
        slots = np.repeat(np.fromiter(self.seqs, np.int32, len(self.seqs)), [len(k) for k in per])
        self.postings.add(np.concatenate(per), slots)

    def weights(self) -> np.ndarray:
        if self._weights is None:
            self._weights = self.vocabulary.weights()
            self.prepared.clear()
        return self._weights

    def candidates(self, slot: int) -> list[tuple[int, int]]:
        """(slot, shared keys in the best window), best first, for texts over the threshold (candidates.py)."""
        p = self.params.candidates
        keys, pos = query_keys(self.seqs[slot], self.weights(), p)
        if not len(keys):
            return []
        half = max(1, p.window // 2)
        windows = int(pos.max()) // half + 2
        uniq, inv = np.unique(keys, return_inverse=True)
        # Keys by their rank among this text's keys: pair keys are too large to multiply by `windows`.
        cell = np.sort(np.concatenate((inv * windows + pos // half, inv * windows + pos // half + 1)))
        cell = cell[np.concatenate(([True], cell[1:] != cell[:-1]))]
        k, win = cell // windows, cell % windows
        # each run's entries of each key, looked up once: for the counts and for the slots
        spans = [
            (np.searchsorted(keys_, uniq, "left"), np.searchsorted(keys_, uniq, "right"))
            for keys_, _ in self.postings.runs
        ]
        live = -self.gone.count(uniq)
        for lo, hi in spans:
            live += hi - lo
        usable = (live > 0) & (live <= p.max_df)  # keys held by many texts say nothing about who copied
        keep = usable[k]
        k, win = k[keep], win[keep]
        if not len(k):
            return []
        found_win, found_slot = [], []
        for (_, run_slots), (lo, hi) in zip(self.postings.runs, spans, strict=True):
            n = (hi - lo)[k]
            total = int(n.sum())
            if not total:
                continue
            first = np.repeat(lo[k] - np.concatenate(([0], np.cumsum(n)[:-1])), n)
            found_slot.append(run_slots[np.arange(total) + first].astype(np.int64))
            found_win.append(np.repeat(win, n))
        if not found_slot:
            return []
        slots, wins = np.concatenate(found_slot), np.concatenate(found_win)
        present = self.alive[slots]
        size = np.int64(self._next)
        cells, counts = np.unique(wins[present] * size + slots[present], return_counts=True)
        hit = counts >= p.min_shared
        best: dict[int, int] = {}
        first_win: dict[int, int] = {}
        for c, count in zip(cells[hit].tolist(), counts[hit].tolist(), strict=True):
            s = c % self._next
            if s not in best:
                first_win[s] = c // self._next
            best[s] = max(best.get(s, 0), count)
        # SourceIndex's order: most shared keys, then the first window that hit, then collection order
        return sorted(best.items(), key=lambda x: (-x[1], first_win[x[0]], self.order[x[0]]))

    def align(self, source: int, target: int) -> list[Passage]:
        """align.align of the two texts under the window's weights."""
        p = self.params.align
        if len(self.seqs[source]) < p.min_words or len(self.seqs[target]) < p.min_words:
            return []
        weights = self.weights()
        return align_prepared(self.prepared.get(source), self.prepared.get(target), weights, p)


Pairs = list[tuple[int, list[int]]]  # (target, the sources to align it with), texts named by slot


def align_pairs(
    seqs: dict[int, WordSeq], weights: np.ndarray, p: AlignParams, pairs: Pairs
) -> list[list[tuple[int, list[Passage]]]]:
    """Window.align for each target and its sources, from the texts and weights alone (a task for another
    process): for each target, (source, passages) for the sources it reuses, in the order given."""
    prepared: dict[int, Prepared] = {}

    def get(slot: int) -> Prepared:
        if slot not in prepared:
            prepared[slot] = prepare(seqs[slot], weights, p)
        return prepared[slot]

    out = []
    for target, sources in pairs:
        found = []
        for source in sources:
            if len(seqs[source]) < p.min_words or len(seqs[target]) < p.min_words:
                continue
            passages = align_prepared(get(source), get(target), weights, p)
            if passages:
                found.append((source, passages))
        out.append(found)
    return out


def read_texts(paths: Iterable[str | Path], errors: list[InputError] | None = None) -> Iterator[Text]:
    """The pages under `paths` as texts named by their uri (the file path for plain-text files), the text
    as read; unreadable inputs go to `errors` (or are skipped)."""
    for item in iter_pages(paths):
        if isinstance(item, InputError):
            if errors is not None:
                errors.append(item)
            continue
        yield Text(item.uri, item.text)


def find_reuse_paths(
    sources: Iterable[str | Path],
    targets: Iterable[str | Path],
    *,
    params: ReuseParams | None = None,
    jobs: int = 1,
    errors: list[InputError] | None = None,
) -> Iterator[Reuse]:
    """`find_reuse` over files and directories (text, HTML, feeds, WARC, JSONL)."""
    yield from find_reuse(read_texts(sources, errors), read_texts(targets, errors), params, jobs)
