"""A background task that runs a pass every few seconds, or sooner when woken, and survives a failing pass."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from services.common.leases import Lease

log = logging.getLogger(__name__)

# How long stopping waits for a pass in progress to end.
STOP_SECONDS = 10


class PeriodicWorker:
    def __init__(
        self,
        name: str,
        run_pass: Callable[[], Awaitable[int]],
        interval_seconds: float,
        lease: Lease | None = None,
    ):
        """`run_pass` returns how much it handled; a pass that handled something is logged. With a `lease`, only
        the replica holding it runs passes (a job that N replicas would otherwise all run)."""
        self._lease = lease
        self._name = name
        self._run_pass = run_pass
        self._interval = interval_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        """Ends the worker: a pass in progress may finish (up to STOP_SECONDS), so a replica shut down in a rolling
        update leaves no half-done batch behind (mails it claimed would wait for their claim to lapse); then it is
        cancelled. A cancellation can be swallowed (asyncio.wait_for racing its timeout, a driver that catches it),
        so the loop also checks a flag, and stopping never waits unbounded."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        done, _ = await asyncio.wait({self._task}, timeout=STOP_SECONDS)
        if not done:
            log.warning("worker pass did not end in time; cancelling it", extra={"worker": self._name})
            self._task.cancel()
            done, _ = await asyncio.wait({self._task}, timeout=1)
        for task in done:  # its outcome is read, so no "exception never retrieved" at collection
            if not task.cancelled():
                task.exception()
        self._task = None
        if self._lease is not None:
            with contextlib.suppress(Exception):
                await self._lease.release()

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                holds = self._lease is None or await self._lease.acquire()
                handled = await self._run_pass() if holds else 0
                if handled:
                    log.info("worker pass", extra={"worker": self._name, "handled": handled})
            except Exception:
                log.exception("worker pass failed; retrying after the interval", extra={"worker": self._name})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
