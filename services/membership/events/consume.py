"""Membership's consumers: the invitation emails (one per member.invited or member.invitation_resent), and
what membership keeps from identity (last sign-in times, allowed invitation domains) and billing (deletion
dates). Each handler writes through the domain's transaction port, on the consumer's connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import billing_events_pb2, envelope_pb2, identity_events_pb2, membership_events_pb2

from services.common.clock import Clock
from services.common.messaging import EventHandler, unpack
from services.membership.domain.deletion_notices import DeletionNotices
from services.membership.domain.invitation_emails import InvitationEmailUseCases
from services.membership.domain.ports import MembershipTransaction
from services.membership.domain.scim_seat_notices import ScimSeatNotices

# The store's transaction on the consumer's connection, so that a handler's writes commit with the
# consumer's record of the event (store.bind).
TransactionOn = Callable[[AsyncConnection], MembershipTransaction]

MAILER_CONSUMER = "membership-mailer"


class InvitationMailer:
    """Queues each invitation's email in the consumer's transaction; the mail sender sends it after commit."""

    def __init__(
        self,
        emails: InvitationEmailUseCases,
        transaction_on: TransactionOn,
        on_queued: Callable[[], None] = lambda: None,
        seat_notices: ScimSeatNotices | None = None,
        deletion_notices: DeletionNotices | None = None,
    ):
        self._emails = emails
        self._seat_notices = seat_notices
        self._deletion_notices = deletion_notices
        self._transaction_on = transaction_on
        # Wakes the mail sender; it also polls, since this runs before the consumer's transaction commits.
        self._on_queued = on_queued

    def handlers(self) -> dict[str, EventHandler]:
        return {
            "membership.member.invited": self.on_member_invited,
            "membership.member.invitation_resent": self.on_member_invited,
            "membership.scim_true_up.no_seat": self.on_scim_refused_for_a_seat,
            "membership.scim_true_up.cap_reached": self.on_scim_refused_for_a_seat,
            "membership.organization.deletion_requested": self.on_deletion_request_changed,
            "membership.organization.deletion_canceled": self.on_deletion_request_changed,
        }

    async def on_deletion_request_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """Every Owner hears that an Owner asked for the organization's early deletion, or canceled it."""
        if self._deletion_notices is None:
            return
        event = unpack(envelope, membership_events_pb2.OrganizationDeletionRequestChanged)
        assert isinstance(event, membership_events_pb2.OrganizationDeletionRequestChanged)
        queued = await self._deletion_notices.queue(
            self._transaction_on(connection),
            envelope.organization_id,
            envelope.event_id,
            envelope.type.endswith("deletion_requested"),
            event.requested_deletion_time.ToDatetime(tzinfo=UTC),
            envelope.actor.display,
        )
        if queued:
            self._on_queued()

    async def on_scim_refused_for_a_seat(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """The Owners' notice that their identity provider could not add someone for want of a seat."""
        if self._seat_notices is None:
            return
        event = unpack(envelope, membership_events_pb2.ScimSeatTrueUp)
        assert isinstance(event, membership_events_pb2.ScimSeatTrueUp)
        queued = await self._seat_notices.queue(
            self._transaction_on(connection),
            envelope.organization_id,
            envelope.type.endswith("cap_reached"),
            event.max_seats,
            envelope.occurred_at.ToDatetime(tzinfo=UTC),
        )
        if queued:
            self._on_queued()

    async def on_member_invited(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, membership_events_pb2.MemberInvited)
        assert isinstance(event, membership_events_pb2.MemberInvited)
        queued = await self._emails.queue(
            self._transaction_on(connection), envelope.organization_id, event.invitation_id, envelope.actor.display
        )
        if queued:
            self._on_queued()


IDENTITY_CONSUMER = "membership-identity"


class IdentityProjection:
    """What membership keeps from identity: members' last sign-in, and the allowed invitation domains of
    each organization's security policy (membership enforces them when inviting)."""

    def __init__(self, clock: Clock, transaction_on: TransactionOn):
        self._clock = clock
        self._transaction_on = transaction_on

    def handlers(self) -> dict[str, EventHandler]:
        return {
            "identity.session.started": self.on_session_started,
            "identity.security_policy.updated": self.on_security_policy_updated,
        }

    async def on_session_started(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, identity_events_pb2.SessionStarted)
        assert isinstance(event, identity_events_pb2.SessionStarted)
        if envelope.organization_id and event.account_id:
            await self._transaction_on(connection).record_sign_in(
                envelope.organization_id, event.account_id, envelope.occurred_at.ToDatetime(tzinfo=UTC)
            )

    async def on_security_policy_updated(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, identity_events_pb2.SecurityPolicyUpdated)
        assert isinstance(event, identity_events_pb2.SecurityPolicyUpdated)
        await self._transaction_on(connection).put_invitation_policy(
            envelope.organization_id, list(event.after.allowed_invitation_domains), event.version, self._clock.now()
        )


BILLING_CONSUMER = "membership-billing"


class BillingProjection:
    """What membership keeps from billing: when an organization whose subscription ended is to be deleted, so
    the portal and the API can say so (and offer the export before)."""

    def __init__(self, transaction_on: TransactionOn):
        self._transaction_on = transaction_on

    def handlers(self) -> dict[str, EventHandler]:
        return {"billing.organization.deletion_scheduled": self.on_deletion_scheduled}

    async def on_deletion_scheduled(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, billing_events_pb2.OrganizationDeletionScheduled)
        assert isinstance(event, billing_events_pb2.OrganizationDeletionScheduled)
        await self._transaction_on(connection).schedule_deletion(
            envelope.organization_id, event.deletion_time.ToDatetime(tzinfo=UTC)
        )
