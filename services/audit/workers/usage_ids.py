"""The usage-id retention job: one replica at a time (a lease) drops the ids kept to count usage events once, once
no acceptable event could carry them again (domain/analytics_model.py, USAGE_ID_RETENTION)."""

from __future__ import annotations

from services.audit.domain.analytics import AnalyticsUseCases
from services.common.leases import Lease
from services.common.periodic import PeriodicWorker

USAGE_IDS_LEASE = "analytics-usage-ids"


def usage_id_worker(analytics: AnalyticsUseCases, pass_seconds: float, lease: Lease) -> PeriodicWorker:
    return PeriodicWorker(USAGE_IDS_LEASE, analytics.forget_old_usage_ids, pass_seconds, lease=lease)
