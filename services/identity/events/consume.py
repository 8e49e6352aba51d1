"""Identity's consumers: the projection of membership (who holds which permissions where, which also ends
or rotates sessions when a member loses access or changes role), and the password reset mailer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.clock import Clock
from services.common.entitlements import ENTITLEMENTS_CHANGED, EntitlementProjection
from services.common.erasure import ORGANIZATION_DELETED
from services.common.member_events import MEMBER_EVENT_TYPES, member_state
from services.common.messaging import EventHandler, unpack
from services.identity.domain.credentials import CredentialUseCases
from services.identity.domain.memberships import apply_member_change
from services.identity.domain.model import Membership
from services.identity.domain.organization_end import end_organization_sessions, has_ended
from services.identity.domain.ports import IdentityStore

log = logging.getLogger(__name__)

MEMBERSHIPS_CONSUMER = "identity-memberships"
RESET_MAILER_CONSUMER = "identity-reset-mailer"


class MembershipProjection:
    def __init__(self, store: IdentityStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def on_member_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        member = member_state(envelope)
        if not member.account_id:
            return  # a pending invitation has no account yet
        after = Membership(
            organization_id=envelope.organization_id,
            member_id=member.member_id,
            account_id=member.account_id,
            permissions=frozenset(member.permissions),
            status=member.status,
            version=member.version,
        )
        await apply_member_change(self._store.bind(connection), after, self._clock.now())

    async def on_organization_deleted(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """The organization's deletion date passed (membership deleted its own data): identity's data of it goes
        too, in the consumer's transaction, so a redelivery finds nothing more to delete."""
        accounts = await self._store.bind(connection).erase_organization(envelope.organization_id)
        log.info("organization data deleted", extra={"organization_id": envelope.organization_id, "accounts": accounts})

    def handlers(self) -> dict[str, EventHandler]:
        # The same consumer as the member events: membership's stream order puts the deletion after them.
        return {
            **dict.fromkeys(MEMBER_EVENT_TYPES, self.on_member_changed),
            ORGANIZATION_DELETED: self.on_organization_deleted,
        }


class PasswordResetMailer:
    """Queues the email of a requested reset's link in the consumer's transaction; the mail sender sends it after
    commit (services/common/mail_sender.py)."""

    def __init__(
        self, credentials: CredentialUseCases, store: IdentityStore, on_queued: Callable[[], None] = lambda: None
    ):
        self._credentials = credentials
        self._store = store
        # Wakes the mail sender; it also polls, since this runs before the consumer's transaction commits.
        self._on_queued = on_queued

    async def on_reset_requested(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, identity_events_pb2.PasswordResetRequested)
        assert isinstance(event, identity_events_pb2.PasswordResetRequested)
        await self._credentials.queue_reset_link(
            self._store.bind(connection),
            reset_id=event.reset_id,
            email=event.email,
            expires_at=event.expire_time.ToDatetime(tzinfo=UTC),
            sent_by_admin=event.sent_by_admin,
        )
        self._on_queued()

    def handlers(self) -> dict[str, EventHandler]:
        return {"identity.password_reset.requested": self.on_reset_requested}


class OrganizationEndProjection:
    """Billing's entitlement sets (services/common/entitlements.py), and what identity does when one says the
    subscription has ended: every session in the organization ends at once. Checked against the stored set after
    the upsert, so a replayed or late older set never ends a resubscribed organization's sessions."""

    def __init__(self, entitlements: EntitlementProjection, store: IdentityStore, clock: Clock):
        self._entitlements = entitlements
        self._store = store
        self._clock = clock

    async def on_entitlements_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        await self._entitlements.on_changed(connection, envelope)
        tx = self._store.bind(connection)
        if has_ended(await tx.organization_entitlements(envelope.organization_id)):
            await end_organization_sessions(tx, envelope.organization_id, self._clock.now())

    def handlers(self) -> dict[str, EventHandler]:
        return {ENTITLEMENTS_CHANGED: self.on_entitlements_changed}
