"""JSON Lines (plain or gzip): one page per line, streamed line by line with a field mapping."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import IO, Any

from rawi.errors import InputError
from rawi.model import Page
from rawi.read._common import (
    DEFAULT_MAX_BYTES,
    GZIP_MAGIC,
    iso_datetime,
    make_page,
    normalize_newlines,
    source_name,
    too_big,
)

_CHUNK = 1 << 20
_TOO_DEEP = "JSON nested too deeply to be an article record"


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which JSON field fills which `Page` field; None means the input has no such field.
    The defaults read SaudiNewsNet as it comes."""

    text: str = "content"
    title: str | None = "title"
    outlet: str | None = "source"
    uri: str | None = "url"
    fetched: str | None = "date_extracted"
    published: str | None = None
    author: str | None = "author"

    def mapped(self) -> set[str]:
        return {getattr(self, f.name) for f in dataclass_fields(self)} - {None}


def _maybe_gunzip(raw: IO[bytes]) -> IO[bytes]:
    """The file itself, or its decompressed stream when it starts with the gzip magic."""
    is_gzip = raw.read(2) == GZIP_MAGIC
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw) if is_gzip else raw


def read_jsonl(
    path: str | Path, *, fields: FieldMap | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Page | InputError]:
    """Pages, one per line; a bad line is yielded as an `InputError` ("file:17: …") and reading goes on.
    A truncated gzip ends the stream with an error after every line that could be read."""
    path = Path(path)
    source = source_name(path)
    fields = fields or FieldMap()
    with path.open("rb") as raw:
        stream = _maybe_gunzip(raw)
        lineno = 0
        try:
            for lineno, line in _lines(stream, max_bytes):
                if isinstance(line, int):
                    yield too_big(f"{source}:{lineno}", line, max_bytes)
                    continue
                if line.strip():
                    yield _page(line, source, lineno, fields)
        except (EOFError, OSError, zlib.error) as exc:
            yield InputError(source, f"truncated or corrupt gzip after line {lineno} ({exc})")


def read_json_document(
    path: str | Path, *, fields: FieldMap | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Page | InputError]:
    """A whole JSON document: an array of article objects (SaudiNewsNet's original form) or one object.
    Unlike JSONL it must be parsed whole, so it is bounded by `max_bytes`."""
    path = Path(path)
    source = source_name(path)
    fields = fields or FieldMap()
    with path.open("rb") as raw:
        stream = _maybe_gunzip(raw)
        try:
            data = stream.read(max_bytes + 1)
        except (EOFError, OSError, zlib.error) as exc:
            yield InputError(source, f"truncated or corrupt gzip ({exc})")
            return
    if len(data) > max_bytes:
        yield too_big(source, len(data), max_bytes)
        return
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield InputError(source, f"neither JSON Lines nor a JSON document ({exc})")
        return
    except RecursionError:
        yield InputError(source, _TOO_DEEP)
        return
    records = document if isinstance(document, list) else [document]
    if not any(isinstance(r, dict) and fields.text in r for r in records):
        yield InputError(source, f"a JSON document with no article records (no field {fields.text!r} for the text)")
        return
    for index, record in enumerate(records, start=1):
        if (bad := _lone_surrogate(record)) is not None:
            yield InputError(f"{source}:{index}", _SURROGATE_PROBLEM.format(bad))
            continue
        line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        yield _page(line, source, index, fields)  # "file:3" names the third record


def _lines(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | int]]:
    """(line number, line) pairs, never holding more than `max_bytes` of one line: an over-long line is
    skipped to its end and reported as its size (an int) instead."""
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line)
            while chunk := stream.readline(_CHUNK):  # skip the rest of the line, a chunk at a time
                size += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            yield lineno, size
            continue
        yield lineno, line


def _page(line: bytes, source: str, lineno: int, fields: FieldMap) -> Page | InputError:
    where = f"{source}:{lineno}"
    try:
        text_line = line.decode("utf-8-sig" if lineno == 1 else "utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        return InputError(where, f"not UTF-8 ({exc.reason} at byte {exc.start})")
    try:
        record = json.loads(text_line)
    except json.JSONDecodeError as exc:
        return InputError(where, f"not JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:  # [[[[…]]]] thousands deep: one bad line, not the end of the file
        return InputError(where, _TOO_DEEP)
    if not isinstance(record, dict):
        return InputError(where, f"a JSON {type(record).__name__}, not an object")
    if _SURROGATE_ESCAPE.search(text_line) and (bad := _lone_surrogate(record)):
        # JSON can escape half a UTF-16 pair; such a string cannot be hashed, stored or shown
        return InputError(where, _SURROGATE_PROBLEM.format(bad))
    text = record.get(fields.text)
    if fields.text not in record:
        return InputError(where, f"no field {fields.text!r} for the text (choose it with FieldMap(text=...))")
    if not isinstance(text, str) or not text.strip():
        return InputError(where, f"empty text field {fields.text!r}: nothing to read")
    text = normalize_newlines(text)
    uri = _str(record, fields.uri) or f"{source}#L{lineno}"
    mapped = fields.mapped()
    meta = {k: v for k, v in record.items() if k not in mapped and _is_scalar(v)}
    meta["line"] = lineno
    if uri != f"{source}#L{lineno}":
        meta["source_file"] = source
    return make_page(
        uri=uri,
        raw=text_line,
        text=text,
        kind="jsonl",
        outlet=_str(record, fields.outlet),
        fetched=_date(record, fields.fetched, meta),
        title=_str(record, fields.title),
        published=_date(record, fields.published, meta),
        author=_str(record, fields.author),
        meta=meta,
    )


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)
_SURROGATE_PROBLEM = "field {!r} holds a lone surrogate escape (\\ud800-\\udfff): not valid Unicode text"


def _lone_surrogate(value: Any, key: str = "") -> str | None:
    """The key of the first string (at any depth) that holds a lone surrogate, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return key or "?"
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        if isinstance(k, str) and _lone_surrogate(k) is not None:
            return k.encode("utf-8", "backslashreplace").decode("ascii")
        if (found := _lone_surrogate(v, key or str(k))) is not None:
            return found
    return None


def _str(record: dict[str, Any], key: str | None) -> str | None:
    """The field as a non-empty stripped string, or None (SaudiNewsNet leaves failed fields empty)."""
    if key is None:
        return None
    value = record.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    value = str(value).strip()
    return value or None


def _date(record: dict[str, Any], key: str | None, meta: dict[str, Any]) -> str | None:
    """The field as ISO 8601; a value that is not a readable date is kept in `meta` rather than lost."""
    if key is None or record.get(key) in (None, ""):
        return None
    iso = iso_datetime(record[key])
    if iso is None:
        meta[key] = record[key]
    return iso


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
