"""WARC and WARC.gz archives through warcio: HTML responses (status 200) only, record by record."""

from __future__ import annotations

import io
import zlib
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
_CHUNK = 1 << 16


class _Source(io.RawIOBase):
    """The archive's bytes, gunzipped member by member when `gz`, remembering the last four bytes and
    any decompression error. warcio stops quietly at a cut, and Python's gzip module raises without
    giving back what it had decompressed; this hands over every byte that can be read, then EOF, and
    lets the reader judge: a complete WARC ends with a record's blank line and a finished member."""

    def __init__(self, raw: IO[bytes], gz: bool) -> None:
        self.raw = raw
        self.gz = gz
        self.unzip = zlib.decompressobj(31)
        self.fed = False  # whether the current gzip member has had input
        self.pending = b""
        self.tail = b""
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = self.raw.read(_CHUNK)
            if not chunk:
                if self.fed and self.error is None:
                    self.error = EOFError("the gzip stream ends inside a member")
                return 0
            try:
                self.pending = self._gunzip(chunk) if self.gz else chunk
            except zlib.error as exc:
                self.error = exc
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.tail = (self.tail + self.pending[:size])[-4:]
        self.pending = self.pending[size:]
        return size

    def _gunzip(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self.unzip.decompress(data))
            self.fed = True
            if not self.unzip.eof:
                break
            data = self.unzip.unused_data.lstrip(b"\0")  # the next member (some writers pad with NULs)
            self.unzip = zlib.decompressobj(31)
            self.fed = False
        return b"".join(out)


def read_warc(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Page | InputError]:
    """Pages from the archive's HTML responses, with the record's target URI and WARC-Date. A truncated
    archive yields every complete record, then an `InputError` naming the file."""
    path = Path(path)
    source = source_name(path)
    with path.open("rb") as raw:
        source_bytes = _Source(raw, gz=raw.read(2) == GZIP_MAGIC)
        raw.seek(0)
        records = 0
        try:
            for record in ArchiveIterator(io.BufferedReader(source_bytes, _CHUNK), arc2warc=False):
                records += 1
                page = _record_page(record, source, records, max_bytes)
                if record.raw_stream.limit > 0:  # the record's block is shorter than its Content-Length
                    yield _truncated(source, records - 1, source_bytes.error)
                    return
                if page is not None:
                    yield page
        except Exception as exc:  # warcio raises assorted errors on cut or corrupt input
            yield _truncated(source, records - 1, source_bytes.error or exc)
            return
        if source_bytes.error is not None or (records and source_bytes.tail != _RECORD_END):
            yield _truncated(source, records, source_bytes.error)
        elif records == 0:
            yield InputError(source, "no WARC record in it (not a WARC archive?)")


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
        return too_big(where, len(body), max_bytes, exact=False)
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
