"""The retention job: one replica at a time (a lease) deletes what each organization's retention no longer keeps."""

from __future__ import annotations

from services.audit.domain.retention_cases import RetentionUseCases
from services.common.leases import Lease
from services.common.periodic import PeriodicWorker

RETENTION_LEASE = "audit-retention"


def retention_worker(retention: RetentionUseCases, pass_seconds: float, lease: Lease) -> PeriodicWorker:
    return PeriodicWorker(RETENTION_LEASE, retention.prune_due, pass_seconds, lease=lease)
