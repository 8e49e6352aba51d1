"""What one invitation costs membership's database, counted rather than timed (so the figure holds on a loaded
machine): SQL statements and write transactions per `InviteMembers` call of one invitee with an Idempotency-Key,
through membership's real gRPC server (interceptor included), with billing holding the seats, over SQLite.

    .venv/bin/python -m bench.invite_cost [--invitations 50] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import grpc
from pydantic import SecretStr
from sqlalchemy import event
from tenantry.membership.v1 import membership_service_pb2 as pb
from tenantry.membership.v1 import membership_service_pb2_grpc as pb_grpc

from services.billing.main import MIGRATIONS_DIR as BILLING_MIGRATIONS_DIR
from services.billing.main import build as build_billing
from services.billing.settings import BillingSettings
from services.common import migrations
from services.common.keys import generate_principal_key_pair
from services.common.nats_server import NatsServer, free_port
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata, system_principal
from services.membership.domain import roles
from services.membership.main import MIGRATIONS_DIR, build
from services.membership.settings import MembershipSettings


class Statements:
    """Counts an engine's statements, and its write transactions (SQLite's BEGIN IMMEDIATE)."""

    def __init__(self, engine: Any):
        self.statements = 0
        self.writes = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        self.statements += 1
        if statement.strip().upper() == "BEGIN IMMEDIATE":
            self.writes += 1


async def run(invitations: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="tenantry-invite-cost-") as tmp:
        nats = NatsServer(Path(tmp) / "nats")
        nats.start()
        private_key, public_key = generate_principal_key_pair()
        billing_settings = BillingSettings(
            data_dir=Path(tmp) / "billing",
            database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'billing.db'}",
            grpc_port=free_port(),
            nats_url=nats.url,
            principal_public_key=SecretStr(public_key),
            secret_key=SecretStr("b" * 48),
            shutdown_grace_seconds=1,
            default_seats=invitations + 10,
        )
        settings = MembershipSettings(
            data_dir=Path(tmp),
            database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'membership.db'}",
            grpc_port=free_port(),
            nats_url=nats.url,
            principal_public_key=SecretStr(public_key),
            secret_key=SecretStr("s" * 48),
            shutdown_grace_seconds=1,
            billing_address=f"127.0.0.1:{billing_settings.grpc_port}",
        )
        migrations.upgrade(MIGRATIONS_DIR, settings.database_url)
        migrations.upgrade(BILLING_MIGRATIONS_DIR, billing_settings.database_url)
        membership = build(settings)
        billing = build_billing(billing_settings)
        port = await membership.start()
        await billing.start()
        signer = PrincipalSigner(private_key, ttl=timedelta(hours=1))
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = pb_grpc.MembershipServiceStub(channel)
                created = await stub.CreateOrganization(
                    pb.CreateOrganizationRequest(
                        display_name="Acme", owner_account_id="acc-owner", owner_email="o@a.test"
                    ),
                    metadata=outgoing_metadata(signer.mint(system_principal())[0]),
                )
                org = created.organization.id
                owner = Principal(
                    actor_type="user",
                    actor_id="acc-owner",
                    account_id="acc-owner",
                    organization_id=org,
                    permissions=roles.permissions_of("owner"),
                )
                token = signer.mint(owner)[0]

                async def invite(index: int) -> None:
                    for _attempt in range(100):  # billing learns the organization from membership's event first
                        reply = await stub.InviteMembers(
                            pb.InviteMembersRequest(
                                organization_id=org, invitees=[pb.Invitee(email=f"person{index}@acme.test")]
                            ),
                            metadata=(*outgoing_metadata(token), ("idempotency-key", f"invite-{index}")),
                            timeout=30,
                        )
                        if reply.results[0].member.id:
                            return
                        await asyncio.sleep(0.1)
                    raise RuntimeError(f"invitation {index} failed: {reply}")

                await invite(-1)  # warm-up, and billing knows the organization
                await asyncio.sleep(2)
                counter = Statements(membership.db.engine)
                for index in range(invitations):
                    await invite(index)
                calls = (counter.statements, counter.writes)
                await asyncio.sleep(3)  # the relay, the mailer consumer and the mail sender catch up
                statements, writes = counter.statements, counter.writes
        finally:
            await billing.stop()
            await membership.stop()
            nats.stop()
    return {
        "invitations": invitations,
        "call_statements_per_invitation": round(calls[0] / invitations, 1),
        "call_write_transactions_per_invitation": round(calls[1] / invitations, 2),
        "statements_per_invitation": round(statements / invitations, 1),
        "write_transactions_per_invitation": round(writes / invitations, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=50)
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args()
    figures = asyncio.run(run(args.invitations))
    print(f"\nInviteMembers, one invitee with an Idempotency-Key, {args.invitations} calls (membership, SQLite)")
    print("(during the calls; in brackets with the relay, consumers and mail sender after them)")
    print(
        f"statements per invitation:          {figures['call_statements_per_invitation']}"
        f"  ({figures['statements_per_invitation']})"
    )
    print(
        f"write transactions per invitation:  {figures['call_write_transactions_per_invitation']}"
        f"  ({figures['write_transactions_per_invitation']})"
    )
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
