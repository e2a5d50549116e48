"""WARC and WARC.gz archives through warcio: HTML responses (status 200) only, record by record."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from rawi.errors import InputError
from rawi.model import Page
from rawi.read._common import DEFAULT_MAX_BYTES, GZIP_MAGIC, iso_datetime, source_name, too_big
from rawi.read.html import page_from_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_RECORD_END = b"\r\n\r\n"


class _TailReader(io.RawIOBase):
    """Passes bytes through, remembering the last four: a complete WARC ends with a record's blank
    line, which is how a cut inside the last record's headers shows (warcio stops there silently)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        if data:
            self.tail = (self.tail + data)[-4:]
        return len(data)


def read_warc(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Page | InputError]:
    """Pages from the archive's HTML responses, with the record's target URI and WARC-Date. A truncated
    archive yields every complete record, then an `InputError` naming the file."""
    path = Path(path)
    source = source_name(path)
    with path.open("rb") as raw:
        is_gzip = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        # Python's gzip reader, unlike warcio's, raises on a truncated member instead of stopping quietly.
        tail = _TailReader(gzip.GzipFile(fileobj=raw) if is_gzip else raw)
        records = 0
        try:
            for record in ArchiveIterator(io.BufferedReader(tail), arc2warc=False):
                records += 1
                page = _record_page(record, source, records, max_bytes)
                if record.raw_stream.limit > 0:  # the record's block is shorter than its Content-Length
                    yield _truncated(source, records - 1)
                    return
                if page is not None:
                    yield page
        except Exception as exc:  # warcio raises assorted errors on cut or corrupt input
            yield _truncated(source, records - 1, exc)
            return
        if records == 0:
            yield InputError(source, "no complete WARC record (not a WARC archive, or cut inside the first)")
        elif tail.tail != _RECORD_END:
            yield _truncated(source, records)


def _record_page(record: ArcWarcRecord, source: str, number: int, max_bytes: int) -> Page | InputError | None:
    """The record as a page when it is a 200 HTML response; the whole block is read either way, so that
    truncation is seen."""
    headers = record.http_headers
    content_type = (headers.get_header("Content-Type") or "") if headers else ""
    wanted = (
        record.rec_type == "response"
        and headers is not None
        and headers.get_statuscode() == "200"
        and content_type.split(";")[0].strip().lower() in _HTML_TYPES
    )
    stream = record.content_stream()
    if not wanted:
        while stream.read(1 << 16):
            pass
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or f"{source}#record{number}"
    where = f"{source}#record{number} ({uri})"
    body = stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        while stream.read(1 << 16):
            pass
        return too_big(where, len(body), max_bytes)
    charset = content_type.partition("charset=")[2].strip(" \"';") or None
    try:
        page = page_from_html(
            body,
            source=where,
            uri=uri,
            fetched=iso_datetime(record.rec_headers.get_header("WARC-Date")),
            kind="warc",
            charset=charset,
            max_bytes=max_bytes,
        )
    except InputError as exc:
        return exc
    except Exception as exc:  # an extractor failure on one record must not end the archive
        return InputError(where, f"could not extract the page ({type(exc).__name__}: {exc})")
    page.meta["source_file"] = source
    return page


def _truncated(source: str, complete: int, exc: Exception | None = None) -> InputError:
    why = f" ({type(exc).__name__}: {exc})" if exc else ""
    return InputError(source, f"truncated or corrupt WARC after {complete} complete record(s){why}")
