"""Membership's consumers: the invitation mailer sends one email per member.invited event; the identity
projection keeps last sign-in times and allowed invitation domains."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import billing_events_pb2, envelope_pb2, identity_events_pb2, membership_events_pb2

from services.common.clock import Clock
from services.common.mail import Mailer
from services.common.messaging import EventHandler, unpack
from services.membership.domain.invitations import invitation_email_text, invitation_link
from services.membership.store.sql import SqlMembershipTransaction

MAILER_CONSUMER = "membership-mailer"


class InvitationMailer:
    def __init__(self, mailer: Mailer, public_url: str, secret: str, clock: Clock):
        self._mailer = mailer
        self._public_url = public_url
        self._secret = secret
        self._clock = clock

    def handlers(self) -> dict:
        return {
            "membership.member.invited": self.on_member_invited,
            "membership.member.invitation_resent": self.on_member_invited,
        }

    async def on_member_invited(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, membership_events_pb2.MemberInvited)
        assert isinstance(event, membership_events_pb2.MemberInvited)
        reader = SqlMembershipTransaction(connection)
        invitation = await reader.get_invitation(event.invitation_id)
        organization = await reader.get_organization(envelope.organization_id)
        if invitation is None or organization is None:
            return  # revoked or gone before we got here: nothing to send
        link = invitation_link(self._public_url, self._secret, invitation)
        text = invitation_email_text(
            organization.display_name,
            envelope.actor.display,
            link,
            invitation.expires_at.strftime("%Y-%m-%d %H:%M"),
        )
        message = self._mailer.compose(
            to=invitation.email,
            subject=f"You are invited to join {organization.display_name}",
            text=text,
            message_id=f"invitation-{invitation.id}-{invitation.token_version}",
        )
        await self._mailer.send(message)


IDENTITY_CONSUMER = "membership-identity"


class IdentityProjection:
    """What membership keeps from identity: members' last sign-in, and the allowed invitation domains of
    each organization's security policy (membership enforces them when inviting)."""

    def __init__(self, clock: Clock):
        self._clock = clock

    def handlers(self) -> dict[str, EventHandler]:
        return {
            "identity.session.started": self.on_session_started,
            "identity.security_policy.updated": self.on_security_policy_updated,
        }

    async def on_session_started(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, identity_events_pb2.SessionStarted)
        assert isinstance(event, identity_events_pb2.SessionStarted)
        if envelope.organization_id and event.account_id:
            await SqlMembershipTransaction(connection).record_sign_in(
                envelope.organization_id, event.account_id, envelope.occurred_at.ToDatetime(tzinfo=UTC)
            )

    async def on_security_policy_updated(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, identity_events_pb2.SecurityPolicyUpdated)
        assert isinstance(event, identity_events_pb2.SecurityPolicyUpdated)
        await SqlMembershipTransaction(connection).put_invitation_policy(
            envelope.organization_id, list(event.after.allowed_invitation_domains), event.version, self._clock.now()
        )


BILLING_CONSUMER = "membership-billing"


class BillingProjection:
    """What membership keeps from billing: when an organization whose subscription ended is to be deleted, so
    the portal and the API can say so (and offer the export before)."""

    def handlers(self) -> dict[str, EventHandler]:
        return {"billing.organization.deletion_scheduled": self.on_deletion_scheduled}

    async def on_deletion_scheduled(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, billing_events_pb2.OrganizationDeletionScheduled)
        assert isinstance(event, billing_events_pb2.OrganizationDeletionScheduled)
        await SqlMembershipTransaction(connection).schedule_deletion(
            envelope.organization_id, event.deletion_time.ToDatetime(tzinfo=UTC)
        )
