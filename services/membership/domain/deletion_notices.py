"""The email every Owner gets when an Owner asks for the organization's early deletion, or cancels it. Queued by
the mailer consumer for each organization.deletion_requested / .deletion_canceled event in its transaction; the
event's id is part of the message id, which the mail outbox keeps once (a redelivered event sends nothing more)."""

from __future__ import annotations

from datetime import datetime

from services.membership.domain import roles
from services.membership.domain.model import MemberQuery, MemberStatus
from services.membership.domain.ports import Clock, InvitationEmails, MembershipTransaction
from services.membership.domain.scim_seat_notices import MAX_RECIPIENTS


def deletion_notice_text(organization_name: str, requested: bool, deletion_at: datetime, by: str) -> str:
    date = deletion_at.strftime("%Y-%m-%d %H:%M UTC")
    if requested:
        return (
            f"Hello,\n\n{by or 'An Owner'} asked for {organization_name} to be deleted from Tenantry.\n"
            f"On {date} every member loses access and all of its data is deleted; this cannot be undone.\n\n"
            "Until then any Owner can cancel the deletion on the organization page of the admin portal, and export "
            "its data.\n"
        )
    return (
        f"Hello,\n\n{by or 'An Owner'} canceled the deletion of {organization_name} that was planned for {date}.\n"
        "Nothing will be deleted.\n"
    )


class DeletionNotices:
    def __init__(self, emails: InvitationEmails, clock: Clock):
        self._emails = emails
        self._clock = clock

    async def queue(
        self,
        tx: MembershipTransaction,
        organization_id: str,
        event_id: str,
        requested: bool,
        deletion_at: datetime,
        by: str,
    ) -> bool:
        """Queue the notice to each active Owner in `tx`; False when there is nobody to tell."""
        organization = await tx.get_organization(organization_id)
        if organization is None:
            return False
        owners = await tx.list_members(
            MemberQuery(organization_id, MAX_RECIPIENTS, status=MemberStatus.ACTIVE.value, role=roles.OWNER)
        )
        name = organization.display_name
        subject = f"{name} will be deleted on {deletion_at:%Y-%m-%d}" if requested else f"Deletion of {name} canceled"
        text = deletion_notice_text(name, requested, deletion_at, by)
        for owner in owners:
            message = self._emails.compose(
                to=owner.email, subject=subject, text=text, message_id=f"deletion-notice-{event_id}-{owner.id}"
            )
            await tx.queue_mail(message, self._clock.now())
        return bool(owners)
