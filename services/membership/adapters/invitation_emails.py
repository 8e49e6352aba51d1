"""Invitation emails composed by the platform's mailer: the InvitationEmails port of membership's domain."""

from __future__ import annotations

from email.message import EmailMessage

from services.common.mail import Mailer


class MailerInvitationEmails:
    def __init__(self, mailer: Mailer):
        self._mailer = mailer

    def compose(self, *, to: str, subject: str, text: str, message_id: str) -> EmailMessage:
        return self._mailer.compose(to=to, subject=subject, text=text, message_id=message_id)
