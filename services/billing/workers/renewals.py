"""The renewal worker: every few seconds, renews subscriptions whose period has ended and retries due
collections (dunning). Time comes from the injected clock, so tests move it instead of waiting."""

from __future__ import annotations

from services.billing.domain.renewals import RenewalUseCases
from services.billing.workers.periodic import PeriodicWorker


def renewal_worker(renewals: RenewalUseCases, interval_seconds: float) -> PeriodicWorker:
    return PeriodicWorker("billing-renewals", renewals.run_renewals, interval_seconds)
