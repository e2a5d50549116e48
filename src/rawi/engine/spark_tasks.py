"""What Spark runs inside its partitions, as functions over Arrow record batches (`mapInArrow`): read and
observe files, analyze pages, sketch articles. Plain Python and pyarrow, no pyspark: the same functions
as the local engine (analyze_or_fail, connect/'s sketches), so both engines give the same results."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from rawi.annotate.pipeline import Annotator, default_annotators
from rawi.connect.dedup import DedupParams, sketch_batch
from rawi.connect.minhash import MinHasher
from rawi.connect.texts import TextItem
from rawi.engine.corpus import ReuseLSH, sketch_windows
from rawi.engine.records import dumps_record
from rawi.engine.stages import PageFailure, analyze_or_fail
from rawi.errors import InputError
from rawi.model import Page
from rawi.read import iter_pages
from rawi.segment import BoilerplateIndex

Batches = Iterator[pa.RecordBatch]
ROWS = 64  # rows per output batch: bounded memory in every task

OBSERVED = pa.schema([("outlet", pa.string()), ("key", pa.binary()), ("count", pa.int64())])
ANALYZED = pa.schema(
    [
        ("file_no", pa.int64()),
        ("seq", pa.int64()),
        ("page_id", pa.string()),
        ("record", pa.string()),
        ("error", pa.string()),
    ]
)
_LONGS = pa.list_(pa.int64())
_INTS = pa.list_(pa.int32())
ARTICLE_SKETCH = pa.schema(
    [
        ("file_no", pa.int64()),
        ("seq", pa.int64()),
        ("pos", pa.int64()),
        ("id", pa.string()),
        ("digest", pa.int64()),
        ("words", pa.int64()),
        ("keys", _LONGS),
        ("shingles", _INTS),
    ]
)
WINDOW_SKETCH = pa.schema(
    [
        ("file_no", pa.int64()),
        ("seq", pa.int64()),
        ("pos", pa.int64()),
        ("w", pa.int64()),
        ("keys", _LONGS),
        ("shingles", _INTS),
    ]
)

_ANNOTATORS: list[Annotator] = []


def _annotators() -> list[Annotator]:
    # Spark reuses its Python workers: models load once per worker, not once per task.
    if not _ANNOTATORS:
        _ANNOTATORS.extend(default_annotators())
    return _ANNOTATORS


def _files(batches: Batches) -> Iterator[tuple[int, str]]:
    for batch in batches:
        yield from zip(batch.column("file_no").to_pylist(), batch.column("path").to_pylist(), strict=True)


def _batched(rows: Iterator[dict[str, Any]], schema: pa.Schema) -> Batches:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= ROWS:
            yield pa.RecordBatch.from_pylist(chunk, schema=schema)
            chunk = []
    if chunk:
        yield pa.RecordBatch.from_pylist(chunk, schema=schema)


def observe_files(batches: Batches) -> Batches:
    """Boilerplate counts of the partition's files: (outlet, line key, pages holding it), and per outlet
    (outlet, b"", pages)."""
    index = BoilerplateIndex(max_entries=1 << 62)  # exact counts: the driver applies the thresholds
    for _, path in _files(batches):
        for item in iter_pages([path]):
            if isinstance(item, Page):
                index.observe(item)
    rows = [{"outlet": o, "key": b"", "count": n} for o, n in index.pages.items()]
    rows += [{"outlet": o, "key": k, "count": n} for (o, k), n in index.lines.items()]
    yield from _batched(iter(rows), OBSERVED)


def analyze_files(boilerplate: BoilerplateIndex | None) -> Callable[[Batches], Batches]:
    def run(batches: Batches) -> Batches:
        steps = _annotators()

        def rows() -> Iterator[dict[str, Any]]:
            for file_no, path in _files(batches):
                for seq, item in enumerate(iter_pages([path])):
                    row: dict[str, Any] = {"file_no": file_no, "seq": seq, "page_id": None, "record": None}
                    if isinstance(item, InputError):
                        row["error"] = json.dumps(PageFailure(item.source, None, "read", item.problem).to_json())
                        yield row
                        continue
                    result = analyze_or_fail(item, boilerplate, steps)
                    row["page_id"] = item.id
                    if isinstance(result, PageFailure):
                        row["error"] = json.dumps(result.to_json(), ensure_ascii=False)
                    else:
                        row["record"], row["error"] = dumps_record(result), None
                    yield row

        yield from _batched(rows(), ANALYZED)

    return run


def _as_longs(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values).view(np.int64)  # Spark has no unsigned 64-bit type: same bits


def _lists(matrix: np.ndarray, type_: pa.DataType) -> pa.Array:
    n, width = matrix.shape
    offsets = pa.array(np.arange(0, n * width + 1, width, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(_as_longs(matrix.ravel())), type=type_)


def _ragged(values: np.ndarray, bounds: np.ndarray, type_: pa.DataType) -> pa.Array:
    offsets = pa.array((bounds - bounds[0]).astype(np.int32))
    flat = values[bounds[0] : bounds[-1]].astype(np.int32 if type_ == _INTS else np.int64)
    return pa.ListArray.from_arrays(offsets, pa.array(flat), type=type_)


def sketch_articles(params: DedupParams) -> Callable[[Batches], Batches]:
    """Exact-duplicate digest, words, LSH band keys and shingle set of each article (connect/'s dedup)."""

    def run(batches: Batches) -> Batches:
        hasher = MinHasher(params.lsh.num_perm, params.lsh.seed)
        for batch in batches:
            cols = batch.to_pydict()
            items = [TextItem(i, None, None, t) for i, t in zip(cols["id"], cols["text"], strict=True)]
            if not items:
                continue
            s = sketch_batch(items, params, hasher)
            yield pa.RecordBatch.from_arrays(
                [
                    batch.column("file_no"),
                    batch.column("seq"),
                    batch.column("pos"),
                    batch.column("id"),
                    pa.array(_as_longs(s.digests)),
                    pa.array(s.words.astype(np.int64)),
                    _lists(s.keys, _LONGS),
                    _ragged(s.shingles, s.bounds, _INTS),
                ],
                schema=ARTICLE_SKETCH,
            )

    return run


def sketch_article_windows(p: ReuseLSH) -> Callable[[Batches], Batches]:
    """LSH band keys and shingle set of every non-empty window of each article."""

    def run(batches: Batches) -> Batches:
        hasher = MinHasher(p.num_perm, p.seed)
        for batch in batches:
            cols = batch.to_pydict()
            if not cols["id"]:
                continue
            s = sketch_windows(cols["text"], p, hasher)
            keep = ~s.empty
            owner = s.owner
            first = np.searchsorted(owner, owner, "left")  # each window's number within its article
            w = np.arange(len(owner)) - first
            file_no = np.asarray(cols["file_no"], np.int64)[owner]
            seq = np.asarray(cols["seq"], np.int64)[owner]
            pos = np.asarray(cols["pos"], np.int64)[owner]
            rows = np.flatnonzero(keep)
            starts, ends = s.bounds[:-1][rows], s.bounds[1:][rows]
            offsets = np.concatenate(([0], np.cumsum(ends - starts))).astype(np.int32)
            flat = np.concatenate([s.shingles[a:b] for a, b in zip(starts, ends, strict=True)]) if len(rows) else []
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(file_no[rows]),
                    pa.array(seq[rows]),
                    pa.array(pos[rows]),
                    pa.array(w[rows].astype(np.int64)),
                    _lists(s.keys[rows], _LONGS),
                    pa.ListArray.from_arrays(pa.array(offsets), pa.array(np.asarray(flat, np.int32)), type=_INTS),
                ],
                schema=WINDOW_SKETCH,
            )

    return run
