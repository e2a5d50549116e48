"""The feeds file and the knobs of a watch run."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from rawi import __version__
from rawi.errors import UsageError

USER_AGENT = f"rawi/{__version__} (+https://github.com/rawi-news/rawi; Arabic news monitor)"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    url: str
    name: str | None = None


@dataclass(slots=True)
class WatchOptions:
    """Politeness and limits. Defaults suit the open web; tests and benchmarks lower the delays."""

    min_delay: float = 1.0  # seconds between two requests to one host (robots Crawl-delay may raise it)
    timeout: float = 20.0  # connect/read timeout of one request
    max_bytes: int = 10_000_000  # a body over this is refused (and the host backed off)
    max_redirects: int = 5
    backoff_base: float = 60.0  # first back-off of a failing host; doubles per failure
    backoff_max: float = 6 * 3600.0
    threads: int = 16  # hosts fetched at once (one request at a time per host)
    batch_size: int = 50  # analyzed pages per store transaction
    user_agent: str = USER_AGENT
    max_crawl_delay: float = 30.0  # a robots Crawl-delay above this is capped


def load_feeds(path: Path) -> list[FeedSpec]:
    """Feeds from a file: one URL per line (# comments), or JSON/TOML `{"feeds": [{"url", "name"}]}`
    (a JSON list of URLs or objects works too)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the feeds file ({exc.strerror or exc})") from None
    stripped = text.lstrip()
    if path.suffix == ".toml" or stripped.startswith("[["):
        try:
            entries = tomllib.loads(text).get("feeds", [])
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{path}: not valid TOML ({exc})") from None
    elif stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: not valid JSON ({exc})") from None
        entries = data.get("feeds", []) if isinstance(data, dict) else data
    else:
        entries = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    feeds: list[FeedSpec] = []
    seen: set[str] = set()
    for entry in entries:
        spec = FeedSpec(entry) if isinstance(entry, str) else FeedSpec(str(entry.get("url", "")), entry.get("name"))
        if urlsplit(spec.url).scheme not in ("http", "https"):
            raise UsageError(f"{path}: {spec.url!r} is not an http(s) URL; give one feed URL per line")
        if spec.url not in seen:
            seen.add(spec.url)
            feeds.append(spec)
    if not feeds:
        raise UsageError(f"{path}: no feeds; give one feed URL per line")
    return feeds


def host_key(url: str) -> str:
    """Politeness is per origin host and port (127.0.0.1:8001 and :8002 are two servers)."""
    parts = urlsplit(url)
    return parts.netloc.lower()
