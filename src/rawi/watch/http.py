"""One polite GET: conditional (ETag / Last-Modified), size-capped while streaming, redirects followed
by hand so that loops and long chains are named, every failure a `FetchError` with a kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from rawi.watch.config import WatchOptions

# Failures that say the host (not the one URL) is in trouble: the host is backed off.
HOST_FAILURES = frozenset({"server_error", "too_big", "redirect_loop", "too_many_redirects", "network", "timeout"})


@dataclass(slots=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(slots=True)
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    status: int  # 200, or 304 (not modified: body empty)
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    validators: Validators = field(default_factory=Validators)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch that gave nothing usable. `kind`: server_error, client_error, too_big, redirect_loop,
    too_many_redirects, network, timeout, robots."""

    def __init__(self, url: str, kind: str, message: str, status: int | None = None) -> None:
        self.url = url
        self.kind = kind
        self.status = status
        super().__init__(f"{url}: {message}")

    @property
    def host_trouble(self) -> bool:
        return self.kind in HOST_FAILURES


class Fetcher:
    """Thread-safe (httpx.Client is); one per run, sharing connections per host."""

    def __init__(self, options: WatchOptions) -> None:
        self.options = options
        self.client = httpx.Client(
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(options.timeout),
            follow_redirects=False,  # by hand below: loops are reported, not silently retried
            limits=httpx.Limits(max_connections=options.threads * 2, max_keepalive_connections=options.threads),
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, validators: Validators | None = None) -> Fetched:
        seen = [url]
        current = url
        for _ in range(self.options.max_redirects + 1):
            response = self._one(current, validators)
            if isinstance(response, Fetched):
                response.url = url
                return response
            nxt = urljoin(current, response)
            if nxt in seen:
                raise FetchError(url, "redirect_loop", f"redirect loop ({' → '.join([*seen, nxt])})")
            seen.append(nxt)
            current = nxt
        raise FetchError(url, "too_many_redirects", f"more than {self.options.max_redirects} redirects")

    def _one(self, url: str, validators: Validators | None) -> Fetched | str:
        """The response to one request, or the target of a redirect."""
        headers = validators.headers() if validators else {}
        cap = self.options.max_bytes
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in (301, 302, 303, 307, 308):
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(url, "client_error", f"HTTP {status} without a Location")
                    return location
                if status == 304:
                    return Fetched(url, url, 304, validators=validators or Validators())
                if status >= 500 or status == 429:
                    raise FetchError(url, "server_error", f"HTTP {status}", status)
                if status >= 400:
                    raise FetchError(url, "client_error", f"HTTP {status}", status)
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > cap:
                    raise FetchError(url, "too_big", f"body of {int(declared):,} bytes, over the cap of {cap:,}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > cap:  # checked while streaming: a lying or absent length is no escape
                        raise FetchError(url, "too_big", f"body over the cap of {cap:,} bytes")
                    chunks.append(chunk)
                return Fetched(
                    url,
                    str(response.url),
                    status,
                    b"".join(chunks),
                    response.headers.get("content-type", ""),
                    response.charset_encoding,
                    Validators(response.headers.get("etag"), response.headers.get("last-modified")),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(url, "timeout", f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, "network", f"{type(exc).__name__}: {exc}") from None
