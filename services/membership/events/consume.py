"""Membership's own consumers: the invitation mailer sends one email per member.invited event."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import Clock
from services.common.mail import Mailer
from services.common.messaging import unpack
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
        return {"membership.member.invited": self.on_member_invited}

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
