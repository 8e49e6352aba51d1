"""Invitation emails through the platform's mailer: the InvitationEmails port of membership's domain."""

from __future__ import annotations

from services.common.mail import Mailer


class MailerInvitationEmails:
    def __init__(self, mailer: Mailer):
        self._mailer = mailer

    async def send(self, *, to: str, subject: str, text: str, message_id: str) -> None:
        await self._mailer.send(self._mailer.compose(to=to, subject=subject, text=text, message_id=message_id))
