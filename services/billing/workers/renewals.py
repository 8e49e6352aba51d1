"""The renewal worker: every few seconds, renews subscriptions whose period has ended and retries due
collections (dunning). Time comes from the injected clock, so tests move it instead of waiting."""

from __future__ import annotations

from services.billing.domain.renewals import RenewalUseCases
from services.billing.workers.periodic import PeriodicWorker
from services.common.leases import Lease


def renewal_worker(renewals: RenewalUseCases, interval_seconds: float, lease: Lease | None = None) -> PeriodicWorker:
    """With a `lease`, one billing replica at a time renews."""
    return PeriodicWorker("billing-renewals", renewals.run_renewals, interval_seconds, lease)
