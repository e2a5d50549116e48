"""What every reader shares: size limits, gzip-aware reading, dates, hosts, and building a `Page`."""

from __future__ import annotations

import email.utils
import gzip
import re
import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rawi.errors import InputError
from rawi.model import Page
from rawi.text import detect_language

DEFAULT_MAX_BYTES = 20_000_000
GZIP_MAGIC = b"\x1f\x8b"


def source_name(path: str | Path) -> str:
    """How errors and uris name a file: the path as given, with forward slashes."""
    return Path(path).as_posix()


def too_big(source: str, size: int, max_bytes: int, *, exact: bool = True) -> InputError:
    """The error for a page over the size limit: it says the limit and how to raise it."""
    seen = f"{size:,} bytes" if exact else f"more than {max_bytes:,} bytes"
    return InputError(
        source,
        f"page is {seen}, over the limit of {max_bytes:,} bytes; "
        "if it is genuine, raise the limit with max_bytes=N (rawi.read.iter_pages / read_path)",
    )


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The whole file (decompressed when gzip), refusing anything over `max_bytes` before reading it all:
    a single page is held in memory, so its size is bounded up front."""
    source = source_name(path)
    with path.open("rb") as raw:
        is_gzip = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        if not is_gzip:
            size = path.stat().st_size
            if size > max_bytes:
                raise too_big(source, size, max_bytes)
            data = raw.read()
        else:
            try:
                with gzip.GzipFile(fileobj=raw) as unzipped:
                    data = unzipped.read(max_bytes + 1)
            except (EOFError, OSError, zlib.error) as exc:
                raise InputError(source, f"truncated or corrupt gzip ({exc})") from None
            if len(data) > max_bytes:
                raise too_big(source, len(data), max_bytes, exact=False)
    if not data:
        raise InputError(source, "empty file")
    return data


def iso_datetime(value: Any) -> str | None:
    """ISO 8601 form of a date or timestamp as sources write it, or None when it cannot be read.
    Zoned times are converted to UTC; naive ones are kept as they are (we do not know their zone);
    a bare date stays a bare date (its precision is information)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:  # a hostile record can hold 1e300, -1e20 or NaN: not a date, not a crash
            return datetime.fromtimestamp(value, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        return iso_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:  # RSS and e-mail style: "Sun, 01 Jun 2025 09:30:00 +0300"
        return iso_datetime(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def host_of(url: str | None) -> str | None:
    """The host of a URL without a leading www., or None for anything that is not an http(s) URL."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    return host[4:] if host.startswith("www.") else host


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def make_page(*, uri: str, raw: str, text: str, kind: str, **fields: Any) -> Page:
    """A `Page` with its stable id and the language its text is written in (the text decides)."""
    page = Page(id=Page.make_id(uri, text), uri=uri, raw=raw, text=text, kind=kind, **fields)
    if page.language is None:
        page.language = detect_language(text)
    return page
