"""A real HTTP site on 127.0.0.1 for the watch tests and bench/watch.py: feeds, pages, robots.txt, and the
ways hosts misbehave (slow, 500s, garbage XML, huge bodies, redirect loops); also a webhook receiver."""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: bool = True  # send an ETag (else a Last-Modified) and honour conditional requests
    location: str | None = None  # a redirect
    huge: int = 0  # stream this many bytes with no Content-Length
    last_modified: str = field(default_factory=lambda: formatdate(time.time() - 3600, usegmt=True))

    def tag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    path: str
    method: str
    start: float
    end: float
    headers: dict[str, str]
    status: int


class Site:
    """A server on its own port (a host of its own, for politeness); routes can change while it runs."""

    def __init__(self, delay: float = 0.0) -> None:
        self.routes: dict[str, Route] = {}
        self.delay = delay
        self.hits: list[Hit] = []
        self.posts: list[dict] = []
        self.fail_posts = 0  # answer this many POSTs with 500 first (webhook retries)
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site._serve(self)

            def do_POST(self) -> None:
                site._post(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def gets(self, prefix: str = "/") -> list[Hit]:
        return [h for h in self.hits if h.method == "GET" and h.path.startswith(prefix)]

    # content

    def page(self, path: str, body: bytes) -> str:
        self.routes[path] = Route(body)
        return self.url(path)

    def feed(self, path: str, links: list[str], *, title: str = "feed", etag: bool = True) -> str:
        items = "".join(
            f"<item><title>item {i}</title><link>{escape(link)}</link><guid>{escape(link)}</guid></item>"
            for i, link in enumerate(links)
        )
        rss = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{self.base}/</link><description>test</description>{items}</channel></rss>"
        )
        route = Route(rss.encode(), "application/rss+xml; charset=utf-8", etag=etag)
        route.last_modified = formatdate(time.time(), usegmt=True)
        self.routes[path] = route
        return self.url(path)

    # serving

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        hit = Hit(handler.path, "GET", time.monotonic(), 0.0, dict(handler.headers.items()), 0)
        with self._lock:
            self.hits.append(hit)  # at the start: a test that counts requests after a round sees them all
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        status = 404
        try:
            if self.delay:
                time.sleep(self.delay)
            route = self.routes.get(handler.path)
            if route is None:
                status = 404
                handler.send_error(404)
                return
            if route.location:
                status = 302
                handler.send_response(302)
                handler.send_header("Location", route.location)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            if route.status != 200:
                status = route.status
                handler.send_error(route.status)
                return
            if route.huge:
                status = 200
                handler.send_response(200)
                handler.send_header("Content-Type", route.content_type)
                handler.end_headers()
                chunk = b"<p>" + b"x" * 65_530 + b"</p>"
                sent = 0
                while sent < route.huge:
                    handler.wfile.write(chunk)
                    sent += len(chunk)
                return
            fresh = (
                handler.headers.get("If-None-Match") == route.tag()
                if route.etag
                else handler.headers.get("If-Modified-Since") == route.last_modified
            )
            if fresh:
                status = 304
                handler.send_response(304)
                handler.end_headers()
                return
            status = 200
            handler.send_response(200)
            handler.send_header("Content-Type", route.content_type)
            handler.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                handler.send_header("ETag", route.tag())
            else:
                handler.send_header("Last-Modified", route.last_modified)
            handler.end_headers()
            handler.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a body over its cap): what the test wants
        finally:
            with self._lock:
                self.active -= 1
                hit.end, hit.status = time.monotonic(), status

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        data = handler.rfile.read(length)
        with self._lock:
            fail = self.fail_posts > 0
            if fail:
                self.fail_posts -= 1
            else:
                self.posts.append(json.loads(data))
            self.hits.append(Hit(handler.path, "POST", time.monotonic(), time.monotonic(), {}, 500 if fail else 200))
        handler.send_response(500 if fail else 200)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


def text_page(text: str, title: str | None = None) -> bytes:
    """An HTML page whose paragraphs are the lines of `text` (how the seeds are served)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    head = html.escape(title or lines[0][:80])
    body = "".join(f"<p>{html.escape(ln)}</p>\n" for ln in lines)
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{head}</title></head>'
        f"<body><article>{body}</article></body></html>"
    ).encode()
