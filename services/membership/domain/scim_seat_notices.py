"""The notice an organization's Owners get when their identity provider could not add someone for want of a seat
(none free and automatic purchase off, or its cap reached). Queued by the mailer consumer for each such event
(scim_true_up.no_seat, .cap_reached) in its transaction; at most one per Owner an hour, however many of the
provider's requests were refused (the hour is part of the message id, which the mail outbox keeps once)."""

from __future__ import annotations

from datetime import datetime

from services.membership.domain import roles
from services.membership.domain.model import MemberQuery, MemberStatus
from services.membership.domain.ports import Clock, InvitationEmails, MembershipTransaction

# Owners an organization has, at most, that one notice goes to.
MAX_RECIPIENTS = 50


def seat_notice_text(organization_name: str, cap_reached: bool, max_seats: int) -> str:
    reason = (
        f"automatic seat purchase reached its cap of {max_seats} seats"
        if cap_reached
        else "every seat is in use and automatic seat purchase is off"
    )
    return (
        f"Hello,\n\nYour identity provider tried to add people to {organization_name} on Tenantry, but {reason}.\n"
        "Those people were not added; the provider will see an error until a seat is free.\n\n"
        "Buy more seats, free some, or raise the cap in the SCIM provisioning settings.\n"
    )


class ScimSeatNotices:
    def __init__(self, emails: InvitationEmails, clock: Clock):
        self._emails = emails
        self._clock = clock

    async def queue(
        self, tx: MembershipTransaction, organization_id: str, cap_reached: bool, max_seats: int, at: datetime
    ) -> bool:
        """Queue the notice to each active Owner in `tx`; False when there is nobody to tell."""
        organization = await tx.get_organization(organization_id)
        if organization is None:
            return False
        owners = await tx.list_members(
            MemberQuery(organization_id, MAX_RECIPIENTS, status=MemberStatus.ACTIVE.value, role=roles.OWNER)
        )
        hour = at.strftime("%Y%m%d%H")
        text = seat_notice_text(organization.display_name, cap_reached, max_seats)
        for owner in owners:
            message = self._emails.compose(
                to=owner.email,
                subject=f"People could not be added to {organization.display_name}: no free seat",
                text=text,
                message_id=f"scim-seat-notice-{organization_id}-{owner.id}-{hour}",
            )
            await tx.queue_mail(message, self._clock.now())
        return bool(owners)
