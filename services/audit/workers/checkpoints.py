"""The worker that signs due checkpoints. Every replica may run it: the checkpoint chain's unique constraint lets
only one signature follow each checkpoint."""

from __future__ import annotations

from services.audit.domain.checkpointing import Checkpointing
from services.common.periodic import PeriodicWorker


def checkpoint_worker(checkpointing: Checkpointing, pass_seconds: float) -> PeriodicWorker:
    return PeriodicWorker("audit-checkpoints", checkpointing.sign_due, pass_seconds)
