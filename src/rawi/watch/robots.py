"""robots.txt, read once per host per hour through the same polite fetcher (urllib.robotparser rules)."""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit

from rawi.watch.http import Fetcher, FetchError

ROBOTS_TTL = 3600.0


@dataclass(slots=True)
class Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: no robots.txt, everything allowed
    read_at: float

    def allowed(self, url: str, agent: str) -> bool:
        return self.parser is None or self.parser.can_fetch(agent, url)

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def fetch_robots(fetcher: Fetcher, url: str) -> Robots:
    """The rules for `url`'s host. A missing robots.txt (4xx) allows everything; a server error or an
    unreachable host raises (RFC 9309: when in doubt, do not crawl), and the host is backed off."""
    try:
        got = fetcher.get(robots_url(url))
    except FetchError as exc:
        if exc.kind == "client_error":
            return Robots(None, time.monotonic())
        raise
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(got.body.decode("utf-8", errors="replace").splitlines())
    return Robots(parser, time.monotonic())


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups name ("rawi"), from the full User-Agent."""
    return user_agent.split("/", 1)[0].strip() or user_agent
