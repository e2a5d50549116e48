"""Exports of the store: JSON Lines (the output schema of `rawi analyze`) and Parquet (the same
structure, one row per page, for Spark and pandas; needs pyarrow: `pip install 'rawi[parquet]'`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from rawi.errors import UsageError

_ROWS_PER_GROUP = 1000


def write_jsonl(pages: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for page in pages:
        out.write(json.dumps(page, ensure_ascii=False) + "\n")
        n += 1
    return n


def _schema() -> Any:
    import pyarrow as pa

    span = [("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())]
    entity = pa.struct([*span, ("label", pa.string()), ("entity_id", pa.string()), ("canonical", pa.string())])
    quote = pa.struct(
        [*span, ("kind", pa.string()), ("cue", pa.string()), ("speaker", pa.string()), ("speaker_id", pa.string())]
    )
    date = pa.struct([*span, ("value", pa.string())])
    strings = pa.list_(pa.string())
    article = pa.struct(
        [
            ("id", pa.string()),
            ("position", pa.int64()),
            ("role", pa.string()),
            ("title", pa.string()),
            ("subheadings", strings),
            ("text", pa.string()),
            ("paragraphs", strings),
            ("credits", pa.list_(pa.struct([("name", pa.string()), ("kind", pa.string())]))),
            ("cited", strings),
            ("tags", strings),
            ("dateline", pa.string()),
            ("published", pa.string()),
            ("language", pa.string()),
            ("entities", pa.list_(entity)),
            ("quotes", pa.list_(quote)),
            ("dates", pa.list_(date)),
            ("summary", strings),
        ]
    )
    removed = pa.struct([("kind", pa.string()), ("text", pa.string()), ("line", pa.int64())])
    page = pa.struct(
        [
            ("id", pa.string()),
            ("uri", pa.string()),
            ("outlet", pa.string()),
            ("kind", pa.string()),
            ("fetched", pa.string()),
            ("published", pa.string()),
            ("tags", strings),
            ("related_headlines", strings),
            ("removed", pa.list_(removed)),
        ]
    )
    return pa.schema([("page", page), ("articles", pa.list_(article))])


def _plain(page: dict[str, Any]) -> dict[str, Any]:
    # Parquet columns have one type: a cue given as a span becomes its text.
    for article in page["articles"]:
        for quote in article.get("quotes", []):
            cue = quote.get("cue")
            if isinstance(cue, dict):
                quote["cue"] = article["text"][cue.get("start", 0) : cue.get("end", 0)]
    return page


def write_parquet(pages: Iterator[dict[str, Any]], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("Parquet export needs pyarrow; install it with: pip install 'rawi[parquet]'") from None
    schema = _schema()
    n = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        while chunk := [_plain(p) for p in islice(pages, _ROWS_PER_GROUP)]:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n
