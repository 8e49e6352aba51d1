"""A background task that runs a pass every few seconds, or sooner when woken, and survives a failing pass."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class PeriodicWorker:
    def __init__(self, name: str, run_pass: Callable[[], Awaitable[int]], interval_seconds: float):
        """`run_pass` returns how much it handled; a pass that handled something is logged."""
        self._name = name
        self._run_pass = run_pass
        self._interval = interval_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                handled = await self._run_pass()
                if handled:
                    log.info("worker pass", extra={"worker": self._name, "handled": handled})
            except Exception:
                log.exception("worker pass failed; retrying after the interval", extra={"worker": self._name})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
