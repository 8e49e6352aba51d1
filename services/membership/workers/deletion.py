"""The deletion worker: one replica at a time (a lease) deletes the organizations whose deletion date has passed."""

from __future__ import annotations

from services.common.leases import Lease
from services.common.periodic import PeriodicWorker
from services.membership.domain.deletion import OrganizationDeletion

DELETION_LEASE = "membership-deletion"


def deletion_worker(deletion: OrganizationDeletion, pass_seconds: float, lease: Lease) -> PeriodicWorker:
    return PeriodicWorker(DELETION_LEASE, deletion.delete_due, pass_seconds, lease=lease)
