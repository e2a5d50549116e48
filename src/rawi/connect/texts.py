"""Texts for comparison, read as cheaply as the input allows.

Dedup needs each item's id, outlet, time and text, nothing else. For JSON Lines (SaudiNewsNet and the
like) building full pages costs more than comparing them (language identification, page ids), so records
are read here directly, with the reader's own field mapping, uri rule, date parsing and error messages:
the ids and texts are those `rawi.read.iter_pages` gives (tests/test_connect.py checks it). Every other
kind of input goes through `rawi.read`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rawi.errors import InputError
from rawi.model import Page
from rawi.read import DEFAULT_MAX_BYTES, FieldMap, iter_files, iter_pages, sniff
from rawi.read._common import GZIP_MAGIC, iso_datetime, normalize_newlines, source_name


@dataclass(frozen=True, slots=True)
class TextItem:
    id: str  # the page's uri: file path for plain text, URL (or file#Lline) for JSON Lines
    outlet: str | None
    time: str | None  # published, else fetched (ISO 8601)
    text: str


def iter_texts(paths: Iterable[str | Path]) -> Iterator[TextItem | InputError]:
    """Every item under `paths`, in the order `rawi.read.iter_pages` gives them; errors are yielded."""
    for path in paths:
        for f in iter_files(path):
            if isinstance(f, InputError):
                yield f
            elif _is_jsonl(f):
                yield from _jsonl_texts(f)
            else:
                yield from (text_item(p) if isinstance(p, Page) else p for p in iter_pages([f]))


def text_item(page: Page) -> TextItem:
    return TextItem(page.uri, page.outlet, page.published or page.fetched, page.text)


def _is_jsonl(path: Path) -> bool:
    try:
        return sniff(path) == "jsonl"
    except OSError:
        return False  # iter_pages reports it


def _jsonl_texts(path: Path, fields: FieldMap | None = None) -> Iterator[TextItem | InputError]:
    source = source_name(path)
    fields = fields or FieldMap()
    lineno = 0
    try:
        with path.open("rb") as raw:
            is_gzip = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if is_gzip else raw
            for lineno, line in enumerate(stream, 1):
                if len(line) > DEFAULT_MAX_BYTES or not line.strip():
                    if line.strip():
                        yield InputError(f"{source}:{lineno}", f"line over {DEFAULT_MAX_BYTES:,} bytes")
                    continue
                yield _record(line, source, lineno, fields)
    except (EOFError, OSError) as exc:  # a truncated gzip: every line read so far stands
        yield InputError(source, f"truncated or corrupt gzip after line {lineno} ({exc})")
    except Exception as exc:  # zlib errors and the like: same as the reader, the batch goes on
        yield InputError(source, f"could not read ({type(exc).__name__}: {exc})")


def _record(line: bytes, source: str, lineno: int, fields: FieldMap) -> TextItem | InputError:
    where = f"{source}:{lineno}"
    try:
        record = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8"))
    except UnicodeDecodeError as exc:
        return InputError(where, f"not UTF-8 ({exc.reason} at byte {exc.start})")
    except json.JSONDecodeError as exc:
        return InputError(where, f"not JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(record, dict):
        return InputError(where, f"a JSON {type(record).__name__}, not an object")
    if fields.text not in record:
        return InputError(where, f"no field {fields.text!r} for the text (choose it with FieldMap(text=...))")
    text = record[fields.text]
    if not isinstance(text, str) or not text.strip():
        return InputError(where, f"empty text field {fields.text!r}: nothing to read")
    uri = _str(record, fields.uri) or f"{source}#L{lineno}"
    time = _date(record, fields.published) or _date(record, fields.fetched)
    return TextItem(uri, _str(record, fields.outlet), time, normalize_newlines(text))


def _str(record: dict, key: str | None) -> str | None:
    value = record.get(key) if key else None
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def _date(record: dict, key: str | None) -> str | None:
    if not key or record.get(key) in (None, ""):
        return None
    return iso_datetime(record[key])
