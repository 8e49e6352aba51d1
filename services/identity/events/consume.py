"""Identity's consumers: the projection of membership (who holds which permissions where), which also ends
or rotates sessions when a member loses access or changes role, and the password reset mailer."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.clock import Clock
from services.common.mail import Mailer
from services.common.member_events import MEMBER_EVENT_TYPES, member_state
from services.common.messaging import EventHandler, unpack
from services.common.principal import ACTOR_SYSTEM, Principal
from services.identity.domain.credentials import CredentialUseCases
from services.identity.domain.model import Membership
from services.identity.domain.use_cases import revoke_sessions_with_events
from services.identity.store.sql import SqlIdentityStore

MEMBERSHIPS_CONSUMER = "identity-memberships"
RESET_MAILER_CONSUMER = "identity-reset-mailer"
# Acts on identity's own side effects of membership's decisions (ending a deactivated member's sessions).
IDENTITY_SYSTEM = Principal(actor_type=ACTOR_SYSTEM, actor_id="identity", actor_display="identity")


class MembershipProjection:
    def __init__(self, store: SqlIdentityStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def on_member_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        member = member_state(envelope)
        if not member.account_id:
            return  # a pending invitation has no account yet
        tx = self._store.bind(connection)
        before = await tx.get_membership(envelope.organization_id, member.account_id)
        after = Membership(
            organization_id=envelope.organization_id,
            member_id=member.member_id,
            account_id=member.account_id,
            permissions=frozenset(member.permissions),
            status=member.status,
            version=member.version,
        )
        if not await tx.upsert_membership(after):
            return  # older than what we hold
        if after.status != "active":
            # Deactivated or removed: their sessions in this organization end now (A6).
            await revoke_sessions_with_events(
                tx,
                after.account_id,
                after.organization_id,
                IDENTITY_SYSTEM,
                self._clock.now(),
                f"member_{after.status}",
            )
        elif before is not None and before.permissions != after.permissions:
            # A privilege change gives the session a new id at its next use (A4).
            await tx.require_session_rotation(after.account_id, after.organization_id)

    def handlers(self) -> dict[str, EventHandler]:
        return dict.fromkeys(MEMBER_EVENT_TYPES, self.on_member_changed)


class PasswordResetMailer:
    """Sends the reset link; the token is derived from the reset id here, so no event ever carries it."""

    def __init__(self, mailer: Mailer, credentials: CredentialUseCases, public_url: str):
        self._mailer = mailer
        self._credentials = credentials
        self._public_url = public_url.rstrip("/")

    async def on_reset_requested(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, identity_events_pb2.PasswordResetRequested)
        assert isinstance(event, identity_events_pb2.PasswordResetRequested)
        token = self._credentials.reset_token(event.reset_id)
        link = f"{self._public_url}/reset-password?id={event.reset_id}&token={token}"
        expires = event.expire_time.ToDatetime().strftime("%Y-%m-%d %H:%M UTC")
        who = "An administrator of your organization asked" if event.sent_by_admin else "Someone asked"
        text = (
            f"{who} to reset the password of your Tenantry account ({event.email}).\n\n"
            f"Choose a new password here (the link works once, until {expires}):\n{link}\n\n"
            "If you did not ask for this, ignore this email: your password stays as it is.\n"
        )
        message = self._mailer.compose(
            to=event.email, subject="Reset your Tenantry password", text=text, message_id=f"reset-{event.reset_id}"
        )
        await self._mailer.send(message)

    def handlers(self) -> dict[str, EventHandler]:
        return {"identity.password_reset.requested": self.on_reset_requested}
