"""An organization's deletion in billing (membership's organization.deleted, through billing's consumer), on
SQLite and PostgreSQL: the invoicing records the law requires stay (invoices with their lines and billing profile
snapshot, payments, credit notes); the subscription with its payment method reference and the seats go; another
organization keeps everything; a renewal pass afterwards invoices nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from tenantry.events.v1 import membership_events_pb2

from services.billing.store.tables import invoice_lines, invoices, metadata
from services.billing.tests.harness import ORG, START, BillingHarness, membership_event
from services.billing.tests.test_subscriptions import activate
from services.common.messaging import timestamp

OTHER = "org-2"
KEPT = {"invoices", "payments", "credit_notes"}


async def rows_naming(billing: BillingHarness, organization_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with billing.db.read() as connection:
        for table in metadata.sorted_tables:
            if "organization_id" in table.c:
                count = await connection.scalar(
                    select(func.count()).select_from(table).where(table.c.organization_id == organization_id)
                )
                if count:
                    counts[table.name] = int(count)
        (lines,) = (
            await connection.execute(
                select(func.count())
                .select_from(invoice_lines.join(invoices, invoices.c.id == invoice_lines.c.invoice_id))
                .where(invoices.c.organization_id == organization_id)
            )
        ).one()
    return counts | ({"invoice_lines": int(lines)} if lines else {})


def organization_deleted(organization_id: str) -> membership_events_pb2.OrganizationDeleted:
    return membership_events_pb2.OrganizationDeleted(organization_id=organization_id, deleted_time=timestamp(START))


async def test_only_the_invoicing_records_of_a_deleted_organization_stay(billing: BillingHarness) -> None:
    await activate(billing)  # a card on file, a paid first invoice
    await billing.member_event("member.added", "owner", "active", 1)
    await billing.open_organization(OTHER)
    before = await rows_naming(billing, ORG)
    assert {"subscriptions", "seat_holders", "invoices", "payments", "invoice_lines"} <= set(before)
    other_before = await rows_naming(billing, OTHER)
    deleted = membership_event("organization.deleted", organization_deleted(ORG))

    await billing.deliver(deleted)

    after = await rows_naming(billing, ORG)
    assert set(after) <= KEPT | {"invoice_lines"}
    assert {table: after[table] for table in after} == {table: before[table] for table in after}
    assert await rows_naming(billing, OTHER) == other_before
    billing.clock.advance(timedelta(days=400))
    await billing.use_cases.renewals.run_renewals()  # no subscription left: nothing renews or is invoiced
    assert await rows_naming(billing, ORG) == after
    await billing.deliver(membership_event("organization.deleted", organization_deleted(ORG)))  # nothing more
    assert await rows_naming(billing, ORG) == after
