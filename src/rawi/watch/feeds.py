"""Feed bytes → the links of its items, in feed order. Garbage is an error (the host is backed off)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser


@dataclass(frozen=True, slots=True)
class FeedItem:
    url: str
    title: str | None = None


class FeedError(Exception):
    """A body that is not a readable RSS/Atom feed."""


def feed_items(body: bytes, feed_url: str) -> list[FeedItem]:
    # Bytes, never a URL: feedparser must not fetch anything by itself (no politeness there).
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"not a readable feed ({parsed.get('bozo_exception')})")
    if not parsed.entries and not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed (no channel, no entries)")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = (entry.get("link") or entry.get("id") or "").strip()
        if not link:
            continue
        url = urljoin(feed_url, link)
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        items.append(FeedItem(url, (entry.get("title") or "").strip() or None))
    if parsed.bozo and not items:  # broken XML that the loose parser half read: garbage, not an empty feed
        raise FeedError(f"not a readable feed ({parsed.get('bozo_exception')})")
    return items
