"""An ordered, bounded process pool that survives its workers: results come back in input order, at
most `in_flight` chunks are read ahead (back-pressure: memory stays bounded whatever the input size),
and a worker that dies or hangs costs only the page that killed it.

`multiprocessing.Pool.imap` would read its whole input ahead in a feeder thread and wait forever for
the result of a worker killed by the OOM killer; concurrent.futures reports a dead worker as
BrokenProcessPool, which this pool turns into a restart and a page-by-page replay of the chunks it lost.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


def start_method() -> str:
    # forkserver: workers fork from a clean server process, never from the main process and its
    # threads (progress bar, store connections); spawn where fork is not available.
    methods = mp.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


class OrderedPool(Generic[T, R]):
    """`fn(chunk) -> results` (one result per item) over `workers` processes.

    `failed(item, reason)` makes the result of an item whose worker died or ran past `item_timeout`
    seconds; the other items of its chunk are replayed one by one and come back as usual."""

    def __init__(
        self,
        fn: Callable[[list[T]], list[R]],
        workers: int,
        *,
        failed: Callable[[T, str], R],
        initializer: Callable[..., None] | None = None,
        initargs: Sequence[Any] = (),
        in_flight: int | None = None,
        item_timeout: float | None = 300.0,
        preload: Sequence[str] = ("rawi.engine.worker",),
    ) -> None:
        self.fn = fn
        self.workers = max(1, workers)
        self.failed = failed
        self.initializer = initializer
        self.initargs = tuple(initargs)
        self.in_flight = in_flight or 4 * self.workers
        self.item_timeout = item_timeout
        self.preload = list(preload)  # modules imported once in the fork server, not on each worker's first task
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None

    # lifecycle

    def __enter__(self) -> OrderedPool[T, R]:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        ctx = mp.get_context(start_method())
        if start_method() == "forkserver":
            ctx.set_forkserver_preload(self.preload)
        self._executor = ProcessPoolExecutor(
            self.workers,
            mp_context=ctx,
            initializer=_worker_start,
            initargs=(os.getpid(), self.initializer, self.initargs),
        )

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _restart(self) -> None:
        self.restarts += 1
        self._kill()
        self._start()

    def _kill(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        # A hung worker never returns: end the processes themselves (the executor keeps them privately).
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    # work

    def _submit(self, chunk: list[T]) -> Future[list[R]]:
        if self._executor is None:
            self._start()
        try:
            return self._executor.submit(self.fn, chunk)  # type: ignore[union-attr]
        except BrokenProcessPool as exc:  # broken by an earlier chunk: handled when that one is collected
            future: Future[list[R]] = Future()
            future.set_exception(exc)
            return future

    def _collect(self, future: Future[list[R]], items: int) -> list[R]:
        timeout = None if self.item_timeout is None else self.item_timeout * max(1, items)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            raise BrokenProcessPool(f"no result after {timeout:.0f} s") from None

    def map(self, chunks: Iterable[list[T]]) -> Iterator[list[R]]:
        """Results of each chunk, in order, reading at most `in_flight` chunks ahead."""
        pending: deque[tuple[list[T], Future[list[R]]]] = deque()
        source = iter(chunks)
        more = True
        while True:
            while more and len(pending) < self.in_flight:
                chunk = next(source, None)
                if chunk is None:
                    more = False
                    break
                pending.append((chunk, self._submit(chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            try:
                results = self._collect(future, len(chunk))
            except BrokenProcessPool as exc:
                log.warning("a worker process died or hung (%s); replaying its pages one by one", exc)
                waiting = [c for c, _ in pending]
                pending.clear()
                self._restart()
                results = self._one_by_one(chunk)
                pending.extend((c, self._submit(c)) for c in waiting)
            yield results

    def submit_side(self, fn: Callable[..., Any], *args: Any) -> Future[Any] | None:
        """Run `fn(*args)` on a worker, outside the ordered chunks (it starts after the chunks submitted
        before it); None when the pool is not running or is broken (the caller then does the work itself,
        and `map` restarts the pool as usual)."""
        executor = self._executor
        if executor is None:
            return None
        try:
            return executor.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError):
            return None

    def _one_by_one(self, chunk: list[T]) -> list[R]:
        results: list[R] = []
        for item in chunk:
            try:
                results.extend(self._collect(self._submit([item]), 1))
            except BrokenProcessPool as exc:
                results.append(self.failed(item, f"the worker process died or hung on it ({exc})"))
                self._restart()
        return results


_LENT: list[OrderedPool[Any, Any]] = []  # pools lent to whoever runs in this process while they analyze


@contextmanager
def lent(pool: OrderedPool[Any, Any]) -> Iterator[OrderedPool[Any, Any]]:
    """Lend `pool` for side tasks while the block runs: the update hooks that `rawi ingest` runs between
    batches, in the main process, may hand work to the workers (`side_submit`). When the main process is
    the slower side, the workers have finished the chunks read ahead and would otherwise wait."""
    _LENT.append(pool)
    try:
        yield pool
    finally:
        _LENT.remove(pool)


def side_available() -> bool:
    """Whether a pool is lent now (side_submit may run tasks elsewhere)."""
    return bool(_LENT)


def side_submit(fn: Callable[..., Any], *args: Any) -> Future[Any] | None:
    """`fn(*args)` on a worker of the pool lent now (see `lent`), or None when there is none."""
    return _LENT[-1].submit_side(fn, *args) if _LENT else None


def _worker_start(main_pid: int, initializer: Callable[..., None] | None, initargs: Sequence[Any]) -> None:
    """A worker's first step: watch the main process, then the caller's own initializer. Workers are the
    fork server's children, not the main process's, so nothing else ends them when the main process is
    killed (SIGKILL, the OOM killer): they would wait on their queue for ever, holding their memory."""
    threading.Thread(target=_exit_with, args=(main_pid,), name="rawi-parent-watch", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _exit_with(main_pid: int, every: float = 1.0) -> None:
    while True:
        time.sleep(every)
        try:
            os.kill(main_pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # exists, owned by someone else: the pid was reused, our main process is gone
            os._exit(1)
