"""Pages a Spark run wrote (DIR/pages/*.parquet), read back as analyzed pages for the store, a row group
at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rawi.engine.records import page_from_record
from rawi.errors import UsageError
from rawi.model import SegmentedPage


def parquet_files(folder: Path) -> list[Path]:
    """DIR/pages/*.parquet of a Spark run's DIR, or the Parquet files of DIR itself, in name order (the
    order of the input files)."""
    for where in (folder / "pages", folder):
        files = sorted(where.glob("*.parquet")) if where.is_dir() else []
        if files:
            return files
    if folder.is_file():
        return [folder]
    raise UsageError(f"{folder}: no Parquet pages here; give the --out folder of `rawi run --engine spark`")


def read_parquet_pages(folder: Path) -> Iterator[SegmentedPage]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("reading Parquet needs pyarrow: pip install 'rawi[parquet]'") from None
    for path in parquet_files(folder):
        source = pq.ParquetFile(path)
        if "record" not in source.schema_arrow.names:
            raise UsageError(f"{path}: no `record` column; it was not written by `rawi run --engine spark`")
        for batch in source.iter_batches(batch_size=256, columns=["record"]):
            for record in batch.column(0).to_pylist():
                yield page_from_record(json.loads(record))
