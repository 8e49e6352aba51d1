"""Identity's use cases on a real database with an injected clock, as the identity tests drive them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import Outbox, actor_from_principal, new_envelope
from services.common.principal import Principal, PrincipalSigner, PrincipalVerifier, system_principal
from services.common.secret_box import SecretBox
from services.identity.domain.lockout import LockoutPolicy
from services.identity.domain.model import Session
from services.identity.domain.ports import ResetLinkComposer
from services.identity.domain.use_cases import IdentityUseCases
from services.identity.events.consume import MembershipProjection
from services.identity.events.publish import to_envelope
from services.identity.main import MIGRATIONS_DIR
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import messaging

PASSWORD = "correct horse battery staple"
OWNER_PERMISSIONS = ["members.read", "members.invite", "api_keys.manage", "security.manage", "seat.use"]
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Identity:
    use_cases: IdentityUseCases
    store: SqlIdentityStore
    clock: FrozenClock
    db: Database
    verifier: PrincipalVerifier
    # The data keys of this "deployment": another replica's store opens what this one sealed.
    secret_box: SecretBox

    async def sign_in(self, email: str, password: str = PASSWORD, **kwargs: object) -> tuple[str, Session]:
        result = await self.use_cases.sign_in.sign_in(email=email, password=password, actor=anonymous(), **kwargs)  # type: ignore[arg-type]
        assert result.session is not None, "expected a session, got a second-factor challenge"
        return result.token, result.session

    async def principal(self, session_token: str) -> Principal:
        """The principal a service would see for a request with this session."""
        return self.verifier.verify((await self.use_cases.authentication.authenticate_session(session_token)).token)

    async def member_joined(
        self,
        account_id: str,
        organization_id: str = "org-1",
        version: int = 1,
        status: str = "active",
        permissions: list[str] | None = None,
        role: str = "owner",
    ) -> None:
        """Feed the projection the way membership's event would."""
        envelope = new_envelope(
            producer="membership",
            event_type="member.added",
            organization_id=organization_id,
            actor=actor_from_principal(system_principal()),
            payload=membership_events_pb2.MemberChanged(
                member_id=f"m-{organization_id}-{account_id[-20:]}",
                account_id=account_id,
                email="x@acme.test",
                role=role,
                permissions=permissions if permissions is not None else OWNER_PERMISSIONS,
                status=status,
                version=version,
            ),
            occurred_at=self.clock.now(),
        )
        async with self.db.write() as connection:
            await MembershipProjection(self.store, self.clock).on_member_changed(connection, envelope)

    async def owner_account(self, email: str = "Owner@Acme.test", organization_id: str = "org-1") -> str:
        account = await self.use_cases.accounts.create_account(system_principal(), email=email, password=PASSWORD)
        await self.member_joined(account.id, organization_id)
        return account.id

    async def events(self, event_type: str) -> list[envelope_pb2.Envelope]:
        """Envelopes of `event_type` recorded in the outbox, oldest first."""
        outbox = messaging.outbox
        async with self.db.read() as connection:
            rows = (await connection.execute(select(outbox.c.payload).order_by(outbox.c.id))).all()
        envelopes = []
        for row in rows:
            envelope = envelope_pb2.Envelope()
            envelope.ParseFromString(row.payload)
            if envelope.type == event_type:
                envelopes.append(envelope)
        return envelopes


def anonymous(ip: str = "203.0.113.9") -> Principal:
    return Principal(actor_type="user", actor_id="", ip_address=ip)


@asynccontextmanager
async def identity_on(
    database_url: str,
    principal_keys: tuple[str, str],
    lockout: LockoutPolicy | None = None,
    reset_links: ResetLinkComposer | None = None,
) -> AsyncIterator[Identity]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(START)
    secret_box = SecretBox.ephemeral()
    store = SqlIdentityStore(db, Outbox(messaging, clock), clock, to_envelope, secret_box)
    signer = PrincipalSigner(principal_keys[0], clock=clock)
    use_cases = IdentityUseCases.wire(
        store, clock, signer, link_key=b"test-link-key", lockout=lockout, reset_links=reset_links
    )
    try:
        yield Identity(
            use_cases,
            store,
            clock,
            db,
            PrincipalVerifier(principal_keys[1], clock),
            secret_box,
        )
    finally:
        await db.dispose()
