"""Renewal is idempotent per period: run twice, concurrently from two replicas, or replayed after a crash, it
never issues a second invoice for the same period, and a unique index (not only the code) says so."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy.exc import IntegrityError

from services.billing.domain.catalogue import load_catalogue
from services.billing.domain.invoices import INVOICE_OPEN, REASON_RENEWAL, Invoice
from services.billing.domain.use_cases import BillingUseCases
from services.billing.tests.harness import ORG, START, BillingHarness, open_harness
from services.billing.tests.test_subscriptions import OWNER, TRIAL, activate
from services.common.db import Database
from services.common.ids import new_id


def replica_of(billing: BillingHarness, db: Database) -> BillingUseCases:
    return billing.use_cases_on(db, load_catalogue())


async def renewal_invoices(billing: BillingHarness) -> list[Invoice]:
    invoices = await billing.use_cases.records.list_invoices(OWNER, ORG, 100)
    return [invoice for invoice in invoices if invoice.draft.reason == REASON_RENEWAL]


async def test_two_replicas_renewing_at_once_issue_one_invoice_per_period(database_url: str) -> None:
    billing = await open_harness(database_url)
    replica = Database(database_url)
    try:
        await activate(billing)
        assert len(await renewal_invoices(billing)) == 1  # the first period, after the trial
        billing.clock.advance(TRIAL * 3)  # the period has ended
        other = replica_of(billing, replica)
        await asyncio.gather(
            *((billing.use_cases if attempt % 2 else other).renewals.renew_organization(ORG) for attempt in range(6))
        )
        await billing.use_cases.renewals.run_renewals()  # and once more after it, as after a crash
        invoices = await renewal_invoices(billing)
        assert len(invoices) == 2
        assert len({invoice.draft.period_start for invoice in invoices}) == 2
        assert sorted(invoice.number for invoice in invoices) == [
            f"{ORG.replace('-', '').upper()}-00000{n}" for n in (1, 2)
        ]
    finally:
        await replica.dispose()
        await billing.db.dispose()


async def test_a_second_renewal_invoice_for_the_same_period_is_refused_by_the_database(
    billing: BillingHarness,
) -> None:
    await activate(billing)
    (first,) = await renewal_invoices(billing)
    duplicate = replace(first, id=new_id(), number="DUPLICATE-000001", status=INVOICE_OPEN)
    with pytest.raises(IntegrityError):
        async with billing.store.write() as tx:
            await tx.insert_invoice(duplicate)
    # Other invoices of that period (seats added, plan changes) are not renewals and are not held back.
    other = replace(first, id=new_id(), number="OTHER-000001", draft=replace(first.draft, reason="seats_added"))
    async with billing.store.write() as tx:
        await tx.insert_invoice(other)
    assert first.draft.period_start >= START
