"""Readers: one module per source kind (text, html, feed, warc, jsonl), each yielding `Page`s.

`iter_pages` is the entry point: files and directories in, pages out, the kind of each file sniffed
from its content. A bad item comes out as an `InputError` object (not raised) so that a batch goes on;
`read_path` is the strict convenience for one small input.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rawi.errors import InputError
from rawi.model import Page
from rawi.read._common import DEFAULT_MAX_BYTES, source_name
from rawi.read.feed import read_feed
from rawi.read.html import html_to_lines, page_from_html, read_html
from rawi.read.jsonl import FieldMap, read_json_document, read_jsonl
from rawi.read.sniff import Kind, sniff
from rawi.read.text import read_text
from rawi.read.warc import read_warc

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FieldMap",
    "Kind",
    "html_to_lines",
    "iter_files",
    "iter_pages",
    "page_from_html",
    "read_feed",
    "read_file",
    "read_html",
    "read_json_document",
    "read_jsonl",
    "read_path",
    "read_text",
    "read_warc",
    "sniff",
]

log = logging.getLogger(__name__)


def iter_pages(
    paths: Iterable[str | Path], *, fields: FieldMap | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Page | InputError]:
    """Every page in `paths` (files, or directories read recursively in sorted order, hidden entries
    skipped), streamed; each unreadable file, line or record is yielded as an `InputError`."""
    for path in paths:
        for file in iter_files(path):
            if isinstance(file, InputError):
                yield file
            else:
                yield from read_file(file, fields=fields, max_bytes=max_bytes)


def read_path(path: str | Path, *, fields: FieldMap | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Page]:
    """All pages of one file or directory, raising the first `InputError`. Holds them all: for large
    inputs iterate `iter_pages` instead."""
    pages = []
    for item in iter_pages([path], fields=fields, max_bytes=max_bytes):
        if isinstance(item, InputError):
            raise item
        pages.append(item)
    return pages


def iter_files(path: str | Path) -> Iterator[Path | InputError]:
    """The file itself, or a directory's files recursively, sorted, without hidden files or folders."""
    path = Path(path)
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from _walk(path)
    elif path.exists():
        yield InputError(source_name(path), "not a regular file or directory")
    else:
        yield InputError(source_name(path), "no such file or directory")


def _walk(folder: Path) -> Iterator[Path]:
    # Depth first in name order, so a/x sorts before b and b/ before c: the order a listing shows.
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file():
            yield entry


def read_file(
    path: str | Path, *, fields: FieldMap | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Page | InputError]:
    """The pages of one file, whatever its kind; its errors are yielded, never raised."""
    path = Path(path)
    source = source_name(path)
    try:
        kind = sniff(path)
        readers: dict[str, Callable[[], Iterator[Page | InputError]]] = {
            "warc": lambda: read_warc(path, max_bytes=max_bytes),
            "feed": lambda: read_feed(path, max_bytes=max_bytes),
            "jsonl": lambda: read_jsonl(path, fields=fields, max_bytes=max_bytes),
            "json": lambda: read_json_document(path, fields=fields, max_bytes=max_bytes),
            "html": lambda: iter([read_html(path, max_bytes=max_bytes)]),
            "text": lambda: iter([read_text(path, max_bytes=max_bytes)]),
        }
        yield from readers[kind]()
    except InputError as exc:
        yield exc
    except OSError as exc:
        yield InputError(source, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # one broken input must not end a batch; the traceback goes to the log
        log.debug("reading %s failed", source, exc_info=True)
        yield InputError(source, f"could not read ({type(exc).__name__}: {exc})")
