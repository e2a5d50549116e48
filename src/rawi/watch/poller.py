"""One poll round: every feed, then every new item's page, fetched by per-host queues on a thread pool
(a host's requests one at a time, spaced by its delay; a slow host holds only its own thread), analyzed
and stored in batches by the calling thread, which alone writes the store and the watch state."""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rawi.engine.stages import PageFailure
from rawi.model import Article, SegmentedPage
from rawi.store.base import Store
from rawi.store.hooks import default_hooks
from rawi.watch.alerts import Webhook, alert_entry, write_atom
from rawi.watch.config import FeedSpec, WatchOptions, host_key
from rawi.watch.feeds import FeedError, FeedItem, feed_items
from rawi.watch.hosts import HostGate, HostStatus
from rawi.watch.http import Fetched, Fetcher, FetchError, Validators
from rawi.watch.lookup import entity_ids, stored_articles, stored_pages
from rawi.watch.pages import PageAnalyzer
from rawi.watch.robots import ROBOTS_TTL, Robots, agent_token, fetch_robots
from rawi.watch.state import WatchState
from rawi.watch.watchlist import Watch, resolve_names

# The rows of the closing table, in order.
COUNTS = (
    "feeds polled",
    "feeds not modified (304)",
    "new items",
    "pages fetched",
    "pages stored",
    "already stored",
    "robots.txt disallowed",
    "skipped (host backed off)",
    "failures",
    "alerts",
)


@dataclass(slots=True)
class _Job:
    kind: str  # feed | page
    url: str
    host: str
    validators: Validators | None = None


@dataclass(slots=True)
class RoundReport:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # one line each, naming the URL and the problem
    backed_off: dict[str, HostStatus] = field(default_factory=dict)  # hosts left alone, and until when
    seconds: float = 0.0


class Watcher:
    """Polls `feeds` into `store`; `round()` does one poll round. Use as a context manager."""

    def __init__(
        self,
        store: Store,
        state: WatchState,
        feeds: Sequence[FeedSpec],
        options: WatchOptions | None = None,
        *,
        watches: Sequence[Watch] = (),
        atom_path: Path | None = None,
        webhook_url: str | None = None,
        analyzer: PageAnalyzer | None = None,
        hooks: Sequence[Any] | None = None,
        on_progress: Callable[[Counter[str]], None] | None = None,
    ) -> None:
        self.store = store
        self.state = state
        self.feeds = list(feeds)
        self.options = options or WatchOptions()
        self.watches = list(watches)
        self.atom_path = atom_path
        self.webhook = Webhook(webhook_url) if webhook_url else None
        self.analyzer = analyzer or PageAnalyzer(max_bytes=self.options.max_bytes)
        self.hooks = default_hooks() if hooks is None else list(hooks)
        self.on_progress = on_progress
        self.fetcher = Fetcher(self.options)
        self.gate = HostGate(self.options.min_delay, self.options.backoff_base, self.options.backoff_max)
        self.agent = agent_token(self.options.user_agent)
        self._robots: dict[str, Robots] = {}
        self._pool = ThreadPoolExecutor(self.options.threads, thread_name_prefix="rawi-watch")
        self._lock = threading.Lock()
        self._queues: dict[str, deque[_Job]] = {}
        self._running: set[str] = set()
        self._outstanding = 0
        # Bounded: fetch threads outrun analysis (one thread), and fetched bodies waiting in an unbounded queue
        # took 1 GB on 5,000 pages; a full queue makes the fetchers wait (back-pressure).
        self._results: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=max(8, 2 * self.options.threads))
        self._closing = threading.Event()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()  # fetchers blocked on a full queue give up rather than hold shutdown forever
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()
        if self.webhook:
            self.webhook.close()

    # --- the round, on the calling thread ------------------------------------------------------------

    def round(self) -> RoundReport:
        started = time.monotonic()
        report = RoundReport()
        self._report = report
        self._scheduled: set[str] = set()
        self._batch: list[tuple[str, Fetched, SegmentedPage]] = []
        self.gate.status.update(self.state.hosts())
        self._deliver(report)  # alerts a killed run raised but did not send
        self._schedule_pages(self.state.pending())  # items a killed or backed-off run left pending
        for feed in self.feeds:
            self._enqueue(_Job("feed", feed.url, host_key(feed.url), self.state.validators(feed.url)))
        while True:
            try:
                message = self._results.get(timeout=0.2)
            except queue.Empty:
                self._flush()  # nothing arriving: store what is analyzed rather than wait for a full batch
                with self._lock:
                    if self._outstanding == 0 and self._results.empty():
                        break
                continue
            self._handle(message)
            if len(self._batch) >= self.options.batch_size:
                self._flush()
            if self.on_progress:
                self.on_progress(report.counts)
        self._flush()
        self._deliver(report)
        now = time.time()
        report.backed_off = {h: s for h, s in self.gate.status.items() if s.retry_at > now}
        report.seconds = time.monotonic() - started
        return report

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind, *rest = message
        counts = self._report.counts
        if kind == "host_failed":
            host, status = rest
            self.state.put_host(host, status)
            return
        if kind == "host_ok":
            self.state.put_host(rest[0], None)
            return
        with self._lock:
            self._outstanding -= 1
        job: _Job = rest[0]
        if kind == "feed":
            fetched, items = rest[1], rest[2]
            counts["feeds polled"] += 1
            if fetched.not_modified:
                counts["feeds not modified (304)"] += 1
                return
            self._new_items(job.url, fetched.validators, items)
        elif kind == "page":
            counts["pages fetched"] += 1
            result = self.analyzer.analyze(rest[1], job.url)
            if isinstance(result, PageFailure):
                self._fail(f"{job.url}: {result.stage}: {result.reason}")
                self.state.mark_failed(job.url, f"{result.stage}: {result.reason}")
            else:
                self._batch.append((job.url, rest[1], result))
        elif kind == "failed":
            error: FetchError | FeedError | str = rest[1]
            if job.kind == "feed":
                counts["feeds polled"] += 1
            self._fail(f"{job.url}: {error}" if not isinstance(error, FetchError) else str(error))
            # A page that is gone or refused (4xx) will not come back; one on a failing host stays pending.
            if job.kind == "page" and isinstance(error, FetchError) and not error.host_trouble:
                self.state.mark_failed(job.url, str(error))
        elif kind == "robots":
            counts["robots.txt disallowed"] += 1
            if job.kind == "page":
                self.state.mark_failed(job.url, "disallowed by robots.txt")
        elif kind == "skipped":
            counts["skipped (host backed off)"] += 1

    def _fail(self, line: str) -> None:
        self._report.counts["failures"] += 1
        self._report.failures.append(line)

    def _new_items(self, feed_url: str, validators: Validators, items: list[FeedItem]) -> None:
        urls = [i.url for i in items]
        before = len(self._scheduled)
        # Pending first, validators with them: a kill after this still knows the items (state.py).
        pending = self.state.record_feed(feed_url, validators, urls)
        self._schedule_pages(pending)
        self._report.counts["new items"] += len(self._scheduled) - before

    def _schedule_pages(self, urls: list[str]) -> None:
        urls = [u for u in urls if u not in self._scheduled]
        self._scheduled.update(urls)
        stored = stored_pages(self.store, urls)
        if stored:  # stored by an earlier (killed) run or by `rawi ingest`: not fetched again
            self._report.counts["already stored"] += len(stored)
            articles = stored_articles(self.store, list(stored.values()))
            uri_of = {pid: uri for uri, pid in stored.items()}
            alerts = self._alerts([(a, uri_of.get(a.page_id, ""), None) for a in articles])
            self._commit_state([(u, None) for u in stored], alerts)
        for url in urls:
            if url not in stored:
                self._enqueue(_Job("page", url, host_key(url)))

    def _flush(self) -> None:
        """Store the analyzed pages (one transaction), then, and only then, mark their items done."""
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        self.store.ingest([p for _, _, p in batch], batch_size=len(batch), hooks=self.hooks)
        self._report.counts["pages stored"] += len(batch)
        articles = [(a, url, p) for url, _, p in batch for a in p.articles]
        alerts = self._alerts(articles)
        self._commit_state([(url, f.validators) for url, f, _ in batch], alerts)
        if alerts:
            self._deliver(self._report)

    def _alerts(self, articles: list[tuple[Article, str, SegmentedPage | None]]) -> list[tuple[str, str, dict]]:
        if not self.watches or not articles:
            return []
        resolve_names(self.watches, lambda name: entity_ids(self.store, name))  # new pages bring new aliases
        out = []
        for article, uri, page in articles:
            for watch in self.watches:
                why = watch.match(article)
                if why is not None:
                    meta = page.page if page is not None else None
                    entry = alert_entry(
                        watch.name,
                        article,
                        why,
                        uri=uri,
                        page_title=meta.title if meta else None,
                        outlet=meta.outlet if meta else None,
                        published=meta.published if meta else None,
                    )
                    out.append((watch.name, article.id, entry))
        return out

    def _commit_state(self, done: list[tuple[str, Validators | None]], alerts: list[tuple[str, str, dict]]) -> None:
        # One state transaction: the alerts of these pages and their items marked done (store committed).
        self._report.counts["alerts"] += self.state.add_alerts_and_done(alerts, done)

    def _deliver(self, report: RoundReport) -> None:
        if self.atom_path is not None:
            write_atom(self.atom_path, self.state.recent_alerts())
        if self.webhook is None:
            return
        delivered = []
        for entry in self.state.undelivered_webhook():
            problem = self.webhook.send(entry)
            if problem is None:
                delivered.append((entry["watch"], entry["article_id"]))
            else:
                report.counts["failures"] += 1
                report.failures.append(problem)
                break  # the receiver is down: the rest wait for the next round
        self.state.webhook_delivered(delivered)

    # --- the fetch side: per-host queues on the thread pool ----------------------------------------------

    def _enqueue(self, job: _Job) -> None:
        with self._lock:
            self._outstanding += 1
            self._queues.setdefault(job.host, deque()).append(job)
            if job.host in self._running:
                return
            self._running.add(job.host)
        self._pool.submit(self._drain, job.host)

    def _drain(self, host: str) -> None:
        """Run one host's jobs one after the other (concurrency 1 per host)."""
        while True:
            with self._lock:
                jobs = self._queues.get(host)
                if not jobs:
                    self._running.discard(host)
                    return
                job = jobs.popleft()
            try:
                message = self._run(job)
            except Exception as exc:  # a bug in one job must not leave the round waiting for it forever
                message = ("failed", job, f"{type(exc).__name__}: {exc}")
            self._post(message)

    def _post(self, message: tuple[Any, ...]) -> None:
        """Hand a result to the round's thread, waiting while the queue is full (unless closing)."""
        while not self._closing.is_set():
            try:
                self._results.put(message, timeout=0.5)
                return
            except queue.Full:
                continue

    def _run(self, job: _Job) -> tuple[Any, ...]:
        host = job.host
        if self.gate.backed_off(host):
            return ("skipped", job)
        try:
            robots = self._robots_for(job)
        except FetchError as exc:
            self._host_failed(host, f"robots.txt: {exc}")
            return ("failed", job, exc)
        if not robots.allowed(job.url, self.agent):
            return ("robots", job)
        self.gate.wait_turn(host)
        try:
            fetched = self.fetcher.get(job.url, job.validators)
        except FetchError as exc:
            if exc.host_trouble:
                self._host_failed(host, str(exc))
            return ("failed", job, exc)
        if job.kind == "feed":
            items: list[FeedItem] = []
            if not fetched.not_modified:
                try:
                    items = feed_items(fetched.body, fetched.final_url)
                except FeedError as exc:
                    self._host_failed(host, f"{job.url}: {exc}")
                    return ("failed", job, exc)
            self._host_ok(host)
            return ("feed", job, fetched, items)
        self._host_ok(host)
        return ("page", job, fetched)

    def _robots_for(self, job: _Job) -> Robots:
        # Only this host's drain thread reads or writes its entry: no lock needed beyond the dict's own.
        robots = self._robots.get(job.host)
        if robots is None or time.monotonic() - robots.read_at > ROBOTS_TTL:
            self.gate.wait_turn(job.host)
            robots = fetch_robots(self.fetcher, job.url)
            delay = robots.crawl_delay(self.agent)
            if delay is not None:
                self.gate.set_delay(job.host, min(delay, self.options.max_crawl_delay))
            self._robots[job.host] = robots
        return robots

    def _host_failed(self, host: str, error: str) -> None:
        self._post(("host_failed", host, self.gate.failed(host, error)))

    def _host_ok(self, host: str) -> None:
        if self.gate.succeeded(host):
            self._post(("host_ok", host))
