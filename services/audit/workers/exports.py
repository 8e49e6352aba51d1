"""The export job: one replica at a time (a lease) writes queued exports page by page and drops expired files."""

from __future__ import annotations

from services.audit.domain.export_cases import AuditExports
from services.common.leases import Lease
from services.common.periodic import PeriodicWorker

EXPORT_LEASE = "audit-exports"


def export_worker(exports: AuditExports, pass_seconds: float, lease: Lease) -> PeriodicWorker:
    async def run_pass() -> int:
        written, more = await exports.write_pending()
        if more:  # a long export goes on at once, in passes that each end soon
            worker.wake()
        return written + await exports.expire()

    worker = PeriodicWorker(EXPORT_LEASE, run_pass, pass_seconds, lease=lease)
    return worker
