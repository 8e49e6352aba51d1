"""Billing's fixtures, over the shared SQLite and PostgreSQL `database_url`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.billing.tests.harness import BillingHarness, open_harness


@pytest.fixture
async def billing(database_url: str) -> AsyncIterator[BillingHarness]:
    harness = await open_harness(database_url)
    yield harness
    await harness.db.dispose()
