"""The log stream worker: delivers each due stream, one replica at a time per stream (a lease of its own)."""

from __future__ import annotations

from services.audit.adapters.webhook_sender import HttpWebhookSender
from services.audit.domain.log_stream_cases import LogStreamUseCases
from services.common.periodic import PeriodicWorker

LOG_STREAMS_WORKER = "audit-log-streams"


def lease_name(stream_id: str) -> str:
    return f"audit-log-stream:{stream_id}"


class LogStreamWorker:
    """Runs delivery passes; on stop, closes the sender's connections once no pass uses them."""

    def __init__(self, streams: LogStreamUseCases, sender: HttpWebhookSender, pass_seconds: float):
        # No lease for the pass itself: each stream takes its own, so replicas share the streams between them.
        self._passes = PeriodicWorker(LOG_STREAMS_WORKER, streams.deliver_due, pass_seconds)
        self._sender = sender

    def start(self) -> None:
        self._passes.start()

    async def stop(self) -> None:
        await self._passes.stop()
        await self._sender.close()
