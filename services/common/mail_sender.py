"""The mail sender: sends the mails queued in a service's mail outbox (services/common/mail_outbox.py) outside
any transaction, when woken by a consumer that queued one and every second (a mail queued by a transaction that
had not committed yet when it woke the sender).

Mails are claimed in batches before they are sent, so two senders (replicas) never send the same one at once, and
a sent batch is marked in one transaction; a sender that dies between sending and marking sends them again once
their claim lapses, with the same Message-IDs, which receiving systems recognise. A failed send is retried when its
claim lapses, up to MAX_SEND_ATTEMPTS times. Sent mails are deleted after SENT_RETENTION.

A service whose mail needs work too heavy for the queuing transaction gives the sender a completion, run on each
claimed mail just before it is sent (billing renders and attaches the invoice PDF there, after commit).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import Table

from services.common.clock import Clock
from services.common.db import Database
from services.common.mail_outbox import QueuedMail, claim_mails, mails_due, mark_mails_sent, prune_sent_mails
from services.common.periodic import PeriodicWorker

log = logging.getLogger(__name__)

# Longer than any SMTP exchange takes (the mailer times out after 15 s); a failed send is retried after it.
CLAIM_LEASE = timedelta(minutes=2)
MAX_SEND_ATTEMPTS = 10
SEND_BATCH = 20
# Sent mails are kept a week (what was sent, when), then deleted as later mails are claimed.
SENT_RETENTION = timedelta(days=7)
PRUNE_BATCH = 100
# Sent mails are pruned at most this often (not on every claim: a busy sender claims a batch per queued mail).
PRUNE_INTERVAL = timedelta(minutes=1)
POLL_SECONDS = 1.0


class MailTransport(Protocol):
    """How a mail leaves (services/common/mail.py: SMTP, or .eml files when no SMTP host is set)."""

    async def send(self, message: EmailMessage) -> None: ...


# Finishes a queued message just before it is sent (outside any transaction).
MailCompletion = Callable[[EmailMessage], Awaitable[EmailMessage]]


class MailSender:
    def __init__(
        self,
        db: Database,
        outbox: Table,
        transport: MailTransport,
        clock: Clock,
        *,
        lease: timedelta = CLAIM_LEASE,
        max_attempts: int = MAX_SEND_ATTEMPTS,
        complete: MailCompletion | None = None,
    ):
        self._db = db
        self._outbox = outbox
        self._transport = transport
        self._clock = clock
        self._lease = lease
        self._max_attempts = max_attempts
        self._complete = complete
        # When this sender last pruned sent mails and found no more to prune; None before it first did.
        self._pruned_at: datetime | None = None

    async def send_pending(self, limit: int = SEND_BATCH) -> int:
        """Send the due mails no other sender holds, at most `limit`; returns how many were sent."""
        return (await self._send_batch(limit))[1]

    async def send_all(self) -> int:
        """Send every due mail, batch after batch; returns how many were sent."""
        claimed, total = await self._send_batch(SEND_BATCH)
        while claimed == SEND_BATCH:  # a full batch may have more behind it
            claimed, sent = await self._send_batch(SEND_BATCH)
            total += sent
        return total

    async def _send_batch(self, limit: int) -> tuple[int, int]:
        """(claimed, sent) of one batch of at most `limit` due mails."""
        now = self._clock.now()
        async with self._db.read() as connection:
            if not await mails_due(connection, self._outbox, now, self._max_attempts):
                return 0, 0
        async with self._db.write() as connection:
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_INTERVAL:
                pruned = await prune_sent_mails(connection, self._outbox, now - SENT_RETENTION, PRUNE_BATCH)
                self._pruned_at = now if pruned < PRUNE_BATCH else None  # a full prune may have more behind it
            claimed = await claim_mails(connection, self._outbox, now, now + self._lease, limit, self._max_attempts)
        sent = [mail.message_id for mail in claimed if await self._send(mail)]
        # The batch is marked in one transaction (not one per mail): a sender that dies before it sends the
        # batch's mails again once their claim lapses, with the same Message-IDs, as it would one mail.
        if sent:
            async with self._db.write() as connection:
                await mark_mails_sent(connection, self._outbox, sent, self._clock.now())
        return len(claimed), len(sent)

    async def _send(self, mail: QueuedMail) -> bool:
        try:
            message = mail.email()
            if self._complete is not None:
                message = await self._complete(message)
            await self._transport.send(message)
        except Exception:
            # Left claimed: retried when the claim lapses.
            log.exception("mail not sent", extra={"message_id": mail.message_id, "attempt": mail.attempts})
            return False
        return True


def mail_sender_worker(name: str, sender: MailSender, interval_seconds: float = POLL_SECONDS) -> PeriodicWorker:
    """The background task of a service's mail sender; `wake()` it after queuing a mail."""
    return PeriodicWorker(f"{name}-mail-sender", sender.send_all, interval_seconds)
