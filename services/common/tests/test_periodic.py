"""Background workers stop cleanly: a pass in progress finishes (a rolling update leaves no half-done batch), and one
that outlasts the stop's patience is cancelled rather than holding the shutdown."""

from __future__ import annotations

import asyncio

import pytest

from services.common import periodic
from services.common.periodic import PeriodicWorker


async def test_stopping_a_worker_lets_the_pass_in_progress_finish() -> None:
    started, finished = asyncio.Event(), []

    async def a_pass_that_takes_a_moment() -> int:
        started.set()
        await asyncio.sleep(0.3)
        finished.append("done")
        return 1

    worker = PeriodicWorker("moment", a_pass_that_takes_a_moment, interval_seconds=60)
    worker.start()
    await started.wait()
    await worker.stop()
    assert finished == ["done"]


async def test_a_pass_that_outlasts_the_stop_is_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(periodic, "STOP_SECONDS", 0.2)
    started, finished = asyncio.Event(), []

    async def an_endless_pass() -> int:
        started.set()
        await asyncio.sleep(3600)
        finished.append("done")
        return 1

    worker = PeriodicWorker("endless", an_endless_pass, interval_seconds=60)
    worker.start()
    await started.wait()
    await worker.stop()
    assert finished == []
