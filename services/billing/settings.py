"""Billing's settings: environment variables prefixed TENANTRY_BILLING_."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class BillingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_BILLING_", extra="ignore")
    service_name: ClassVar[str] = "billing"
    default_grpc_port: ClassVar[int] = 50053

    # Seats a new organization has until plans and subscriptions are managed here.
    default_seats: int = 10
