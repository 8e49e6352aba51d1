"""The renewal worker: every few seconds, renews subscriptions whose period has ended and retries due
collections (dunning). Time comes from the injected clock, so tests move it instead of waiting."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from services.billing.domain.subscription_use_cases import SubscriptionUseCases

log = logging.getLogger(__name__)


class RenewalWorker:
    def __init__(self, use_cases: SubscriptionUseCases, interval_seconds: float):
        self._use_cases = use_cases
        self._interval = interval_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="billing-renewals")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                handled = await self._use_cases.run_renewals()
                if handled:
                    log.info("renewals run", extra={"organizations": handled})
            except Exception:
                log.exception("renewal pass failed; retrying after the interval")
            await asyncio.sleep(self._interval)
