"""Outgoing email: SMTP when a host is configured, otherwise .eml files in a folder (local default)."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from services.common.settings import MailSettings


class Mailer:
    def __init__(
        self,
        *,
        sender: str,
        smtp_host: str = "",
        smtp_port: int = 25,
        smtp_username: str = "",
        smtp_password: str = "",
        smtp_starttls: bool = False,
        drop_dir: Path | None = None,
        timeout_seconds: float = 15.0,
    ):
        self.sender = sender
        self._host = smtp_host
        self._port = smtp_port
        self._username = smtp_username
        self._password = smtp_password
        self._starttls = smtp_starttls
        self._drop_dir = drop_dir
        self._timeout = timeout_seconds

    def compose(self, *, to: str, subject: str, text: str, message_id: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        # A stable Message-ID lets a receiving system recognise a re-sent copy.
        message["Message-ID"] = f"<{message_id}@tenantry>"
        message.set_content(text)
        return message

    async def send(self, message: EmailMessage) -> None:
        if self._host:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                username=self._username or None,
                password=self._password or None,
                start_tls=self._starttls,
                timeout=self._timeout,
            )
            return
        if self._drop_dir is None:
            raise RuntimeError("no SMTP host and no mail folder configured")
        await asyncio.to_thread(self._drop, message)

    def _drop(self, message: EmailMessage) -> None:
        assert self._drop_dir is not None
        self._drop_dir.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").split("@")[0]
        path = self._drop_dir / f"{name}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(bytes(message))
        tmp.replace(path)


def mailer_from_settings(settings: MailSettings, data_dir: Path) -> Mailer:
    return Mailer(
        sender=settings.mail_from,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password.get_secret_value(),
        smtp_starttls=settings.smtp_starttls,
        drop_dir=data_dir / "mail",
    )
