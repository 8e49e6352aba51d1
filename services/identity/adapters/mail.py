"""Password reset links by email: the adapter of the ResetLinkComposer port."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlencode

from services.common.mail import Mailer


class ResetLinkEmails:
    def __init__(self, mailer: Mailer, public_url: str):
        self._mailer = mailer
        self._public_url = public_url.rstrip("/")

    def compose_reset_link(
        self, *, reset_id: str, token: str, email: str, expires_at: datetime, sent_by_admin: bool
    ) -> EmailMessage:
        link = f"{self._public_url}/reset-password?{urlencode({'id': reset_id, 'token': token})}"
        expires = expires_at.strftime("%Y-%m-%d %H:%M UTC")
        who = "An administrator of your organization asked" if sent_by_admin else "Someone asked"
        text = (
            f"{who} to reset the password of your Tenantry account ({email}).\n\n"
            f"Choose a new password here (the link works once, until {expires}):\n{link}\n\n"
            "If you did not ask for this, ignore this email: your password stays as it is.\n"
        )
        # The Message-ID follows the reset, so a redelivered event is recognisably the same email.
        return self._mailer.compose(
            to=email, subject="Reset your Tenantry password", text=text, message_id=f"reset-{reset_id}"
        )
