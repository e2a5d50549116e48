"""Text reuse between collections: for each target, the passages it shares with each source.

Every text becomes a word sequence over one vocabulary (so that rarity weights are shared), the sources
are indexed (candidates.py), and each target is aligned (align.py) with the sources its windows point
to. Offsets in the results are characters of the texts as given, never of a normalized form.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rawi.connect.align import AlignParams, Passage, align
from rawi.connect.candidates import CandidateParams, SourceIndex
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

    def target(self, ti: int) -> list[tuple[int, list[Passage]]]:
        """(source index, passages) for every source that target `ti` reuses."""
        p = self.params
        found = []
        target = self.targets.seqs[ti]
        for si, _shared in self.index.candidates(target)[: p.max_sources]:
            if self.ranks is not None:
                if self.ranks[si] >= self.ranks[ti]:
                    continue
            elif self.sources.ids[si] == self.targets.ids[ti]:
                continue
            passages = align(self.sources.seqs[si], target, self.weights, p.align)
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
