"""BillingService over real gRPC: the principal travels in metadata and refusals carry a stable reason."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from tenantry.billing.v1 import billing_service_pb2 as pb
from tenantry.billing.v1 import billing_service_pb2_grpc as pb_grpc

from services.billing.main import build
from services.billing.tests.harness import INVITER, ORG, open_harness, served_settings
from services.common.nats_server import NatsServer
from services.common.principal import PRINCIPAL_METADATA_KEY, Principal


@pytest.fixture
async def billing_stub(
    tmp_path: Path, nats_server: NatsServer, principal_keys: tuple[str, str]
) -> AsyncIterator[pb_grpc.BillingServiceStub]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'billing.db'}"
    harness = await open_harness(database_url, default_seats=2)
    await harness.open_organization()
    await harness.db.dispose()
    runtime = build(served_settings(tmp_path, database_url, nats_server.url, principal_keys[1]))
    port = await runtime.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield pb_grpc.BillingServiceStub(channel)
    await runtime.stop()


def reason_of(error: grpc.aio.AioRpcError) -> str:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


async def test_seats_are_held_released_and_refused_over_grpc(
    billing_stub: pb_grpc.BillingServiceStub, mint: Callable[[Principal], str]
) -> None:
    metadata = ((PRINCIPAL_METADATA_KEY, mint(INVITER)),)
    first = await billing_stub.ReserveSeat(pb.ReserveSeatRequest(organization_id=ORG, member_id="a"), metadata=metadata)
    assert (first.seat_usage.invited, first.seat_usage.available) == (1, 1)
    await billing_stub.ReserveSeat(pb.ReserveSeatRequest(organization_id=ORG, member_id="b"), metadata=metadata)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await billing_stub.ReserveSeat(pb.ReserveSeatRequest(organization_id=ORG, member_id="c"), metadata=metadata)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert reason_of(refused.value) == "NO_SEATS_AVAILABLE"
    await billing_stub.ReleaseSeat(pb.ReleaseSeatRequest(organization_id=ORG, member_id="b"), metadata=metadata)
    usage = await billing_stub.GetSeatUsage(pb.GetSeatUsageRequest(organization_id=ORG), metadata=metadata)
    assert (usage.seat_usage.in_use, usage.seat_usage.available) == (1, 1)
    with pytest.raises(grpc.aio.AioRpcError) as unauthenticated:
        await billing_stub.ReserveSeat(pb.ReserveSeatRequest(organization_id=ORG, member_id="c"))
    assert unauthenticated.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_the_dashboard_seat_changes_and_invoice_pdfs_over_grpc(
    billing_stub: pb_grpc.BillingServiceStub, mint: Callable[[Principal], str]
) -> None:
    admin = Principal(
        actor_type="user",
        actor_id="admin",
        organization_id=ORG,
        permissions=frozenset({"billing.read", "billing.manage"}),
    )
    metadata = ((PRINCIPAL_METADATA_KEY, mint(admin)),)
    dashboard = await billing_stub.GetSubscription(pb.GetSubscriptionRequest(organization_id=ORG), metadata=metadata)
    assert (dashboard.subscription.status, dashboard.plan.id, dashboard.seat_usage.purchased) == (
        "trialing",
        "team-monthly",
        2,
    )
    assert (dashboard.upcoming_invoice.total.amount_minor, dashboard.upcoming_invoice.total.currency) == (2400, "EUR")
    plans = await billing_stub.ListPlans(pb.ListPlansRequest(organization_id=ORG), metadata=metadata)
    assert "team-yearly" in [plan.id for plan in plans.plans]
    changed = await billing_stub.ChangeSeats(pb.ChangeSeatsRequest(organization_id=ORG, seats=5), metadata=metadata)
    assert changed.subscription.seats_purchased == 5 and not changed.HasField("invoice")  # free in the trial
    preview = await billing_stub.PreviewSeatChange(
        pb.PreviewSeatChangeRequest(organization_id=ORG, seats=7), metadata=metadata
    )
    assert preview.subscription.seats_purchased == 7 and not preview.HasField("charge_now")
    assert preview.next_invoice.total.amount_minor == 7 * 1200 and preview.next_invoice.status == "preview"
    with pytest.raises(grpc.aio.AioRpcError) as invalid:
        await billing_stub.UpdateBillingProfile(
            pb.UpdateBillingProfileRequest(
                organization_id=ORG, billing_profile=pb.BillingProfile(tax_rate_basis_points=20_000)
            ),
            metadata=metadata,
        )
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await billing_stub.GetInvoicePdf(
            pb.GetInvoicePdfRequest(organization_id=ORG, invoice_id="none"), metadata=metadata
        )
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
