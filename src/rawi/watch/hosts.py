"""Per-host politeness: one request at a time, a minimum delay between requests, exponential back-off
for a host that fails. Shared by the fetch threads; all state behind one lock."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass(slots=True)
class HostStatus:
    failures: int = 0  # consecutive
    retry_at: float = 0.0  # wall-clock time before which the host is left alone
    last_error: str | None = None


class HostGate:
    """`wait_turn(host)` before each request; `failed` / `succeeded` after. A host's requests are made
    by one thread at a time (the scheduler's per-host queue), so the gate only has to space them."""

    def __init__(self, min_delay: float, backoff_base: float, backoff_max: float) -> None:
        self.min_delay = min_delay
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._delay: dict[str, float] = {}  # per host: robots Crawl-delay when above min_delay
        self.status: dict[str, HostStatus] = {}

    def set_delay(self, host: str, delay: float) -> None:
        with self._lock:
            self._delay[host] = max(self.min_delay, delay)

    def wait_turn(self, host: str) -> None:
        with self._lock:
            delay = self._delay.get(host, self.min_delay)
            now = time.monotonic()
            start = max(now, self._last.get(host, 0.0) + delay)
            self._last[host] = start  # reserve the slot before sleeping
        if start > now:
            time.sleep(start - now)

    def backed_off(self, host: str, now: float | None = None) -> bool:
        with self._lock:
            status = self.status.get(host)
            return status is not None and status.retry_at > (time.time() if now is None else now)

    def failed(self, host: str, error: str) -> HostStatus:
        with self._lock:
            status = self.status.setdefault(host, HostStatus())
            status.failures += 1
            wait = min(self.backoff_max, self.backoff_base * 2 ** (status.failures - 1))
            status.retry_at = time.time() + wait
            status.last_error = error
            return HostStatus(status.failures, status.retry_at, error)

    def succeeded(self, host: str) -> bool:
        """Clear a host's failures; True when there were some (the state then forgets them)."""
        with self._lock:
            status = self.status.pop(host, None)
            return status is not None and status.failures > 0
