"""What every service's domain events share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.principal import Principal


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened, by whom and when; the events room makes it an envelope. The request it happened in
    (its correlation id, never an idempotency key) travels with the actor: `actor.request_id`."""

    actor: Principal
    occurred_at: datetime
