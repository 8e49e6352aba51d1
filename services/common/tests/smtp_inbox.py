"""A real SMTP server (aiosmtpd) on a free port for mail tests, which can refuse the next messages it is sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from services.common.mail import Mailer
from services.common.nats_server import free_port


@dataclass
class SmtpInbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    refuse_next: int = 0  # how many of the next messages to refuse with a temporary failure

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 Requested action aborted: try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def mailer(self) -> Mailer:
        return Mailer(sender="Tenantry <noreply@tenantry.test>", smtp_host="127.0.0.1", smtp_port=self.port)

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


@contextmanager
def running_smtp_inbox() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
