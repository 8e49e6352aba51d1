"""What every service's domain events share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.principal import Principal


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened, by whom, when, and for which request; the events room makes it an envelope."""

    actor: Principal
    occurred_at: datetime
    request_id: str
