"""Billing's settings: environment variables prefixed TENANTRY_BILLING_."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from services.billing.domain.catalogue import DEFAULT_CATALOGUE_PATH
from services.common.settings import MailSettings, ServiceSettings


class BillingSettings(ServiceSettings, MailSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_BILLING_", extra="ignore")
    service_name: ClassVar[str] = "billing"
    default_grpc_port: ClassVar[int] = 7053

    # Seats a new organization has until plans and subscriptions are managed here.
    default_seats: int = 10
    # The plan catalogue (TOML), loaded and validated when billing starts.
    catalogue_path: Path = DEFAULT_CATALOGUE_PATH
    # Payment providers enabled: "invoice" (bank transfer or purchase order, marked paid by an operator) and
    # "test" (card tokens decide the outcome: those ending in _fail are declined; for tests and demos).
    payment_providers: list[str] = ["invoice", "test"]
    # Seconds between passes of the renewal worker (renewals at period end, dunning retries).
    renewal_interval_seconds: float = 60.0
    # Membership's gRPC address; ReconcileSeats lists its members there.
    membership_address: str = "127.0.0.1:7052"
