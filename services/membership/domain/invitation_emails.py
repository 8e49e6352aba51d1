"""The email that carries an invitation's link, sent once per invitation or resend (the events room calls this
for each member.invited and member.invitation_resent). It is queued in the consumer's transaction and sent only
after that commits (services/common/mail_sender.py): a transaction can be rolled back and replayed."""

from __future__ import annotations

from urllib.parse import urlencode

from services.membership.domain.invitations import invitation_token
from services.membership.domain.model import Invitation
from services.membership.domain.ports import Clock, InvitationEmails, MembershipTransaction


def invitation_link(public_url: str, secret: str, invitation: Invitation) -> str:
    query = urlencode(
        {"invitation": invitation.id, "token": invitation_token(secret, invitation.id, invitation.token_version)}
    )
    return f"{public_url.rstrip('/')}/accept-invitation?{query}"


def invitation_email_text(organization_name: str, inviter: str, link: str, expires: str) -> str:
    return (
        f"Hello,\n\n{inviter or 'An administrator'} invited you to join {organization_name} on Tenantry.\n\n"
        f"Accept the invitation: {link}\n\nThe link works until {expires} (UTC).\n"
    )


class InvitationEmailUseCases:
    def __init__(self, emails: InvitationEmails, clock: Clock, public_url: str, secret: str):
        self._emails = emails
        self._clock = clock
        self._public_url = public_url
        # Signs the link (see invitation_token); the same secret verifies it on acceptance.
        self._secret = secret

    async def queue(self, tx: MembershipTransaction, organization_id: str, invitation_id: str, inviter: str) -> bool:
        """Queue the email of the invitation's current link in `tx` (True), or nothing (False) when the invitation
        was revoked or its organization is gone."""
        invitation = await tx.get_invitation(invitation_id)
        organization = await tx.get_organization(organization_id)
        if invitation is None or organization is None:
            return False
        link = invitation_link(self._public_url, self._secret, invitation)
        text = invitation_email_text(
            organization.display_name, inviter, link, invitation.expires_at.strftime("%Y-%m-%d %H:%M")
        )
        message = self._emails.compose(
            to=invitation.email,
            subject=f"You are invited to join {organization.display_name}",
            text=text,
            # One message per link: a redelivered event sends the same message, a resend a new one.
            message_id=f"invitation-{invitation.id}-{invitation.token_version}",
        )
        await tx.queue_mail(message, self._clock.now())
        return True
