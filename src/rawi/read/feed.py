"""RSS and Atom feeds through feedparser: one page per entry."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from rawi.errors import InputError
from rawi.model import Page
from rawi.read._common import DEFAULT_MAX_BYTES, host_of, iso_datetime, make_page, read_limited, source_name
from rawi.read.html import html_to_lines

_LOOKS_HTML = re.compile(r"<(?:p|br|div|span|a|img|h[1-6]|ul|ol|li|strong|em|b|i|blockquote)\b", re.I)


def read_feed(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Page | InputError]:
    """Pages, one per entry; an entry without text is yielded as an `InputError` naming it."""
    path = Path(path)
    source = source_name(path)
    # A feed is small and feedparser wants it whole; bytes (never a path or URL) keep it off the network.
    parsed = feedparser.parse(read_limited(path, max_bytes))
    if not parsed.entries:
        problem = f"not a readable feed ({parsed.get('bozo_exception')})" if parsed.bozo else "feed has no entries"
        yield InputError(source, problem)
        return
    channel = parsed.feed
    outlet = _clean(channel.get("title")) or host_of(channel.get("link"))
    for number, entry in enumerate(parsed.entries, start=1):
        yield _page(entry, source, number, outlet)


def _page(entry: Any, source: str, number: int, outlet: str | None) -> Page | InputError:
    uri = entry.get("link") or entry.get("id") or f"{source}#entry{number}"
    raw, content_type = _content(entry)
    text = html_to_lines(raw) if content_type == "text/html" or _LOOKS_HTML.search(raw) else raw.strip()
    if not text:
        return InputError(f"{source}#entry{number}", f"feed entry {uri} has no text (no content or summary)")
    return make_page(
        uri=uri,
        raw=raw,
        text=text,
        kind="feed",
        outlet=outlet or host_of(uri),
        title=_clean(entry.get("title")),
        published=_date(entry, "published") or _date(entry, "updated"),
        author=_clean(entry.get("author")),
        meta={"source_file": source, "entry": number},
    )


def _content(entry: Any) -> tuple[str, str]:
    """The fullest text the entry has: content:encoded / atom:content, else the summary."""
    for item in entry.get("content") or []:
        if item.get("value", "").strip():
            return item["value"], item.get("type", "")
    detail = entry.get("summary_detail") or {}
    return entry.get("summary", "") or "", detail.get("type", "")


def _date(entry: Any, key: str) -> str | None:
    """ISO 8601 as the feed wrote it (UTC when it gives a zone); feedparser's own parse (always UTC)
    only when the string is in a form we do not read."""
    value = iso_datetime(entry.get(key))
    if value is None and entry.get(f"{key}_parsed"):
        value = datetime.fromtimestamp(calendar.timegm(entry[f"{key}_parsed"]), UTC).isoformat()
    return value


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
