"""Membership's settings: environment variables prefixed TENANTRY_MEMBERSHIP_."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import MailSettings, ServiceSettings
from services.membership.domain.modules import DEFAULT_MODULES_PATH


class MembershipSettings(ServiceSettings, MailSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_MEMBERSHIP_", extra="ignore")
    service_name: ClassVar[str] = "membership"
    default_grpc_port: ClassVar[int] = 7052

    invitation_ttl_days: int = 7
    # Billing's gRPC address: seat-consuming invitations, reactivations and role changes reserve a seat there.
    billing_address: str = "127.0.0.1:7053"
    # The product's module catalogue (services/membership/modules.toml by default).
    modules_path: Path = DEFAULT_MODULES_PATH
    # How long CheckAccess answers from its cache before reading again (a change is seen within this time).
    access_cache_seconds: float = 2.0
    # How often the deletion worker (one replica at a time) deletes organizations whose deletion date has passed.
    deletion_pass_seconds: float = Field(default=300.0, gt=0)
    # Days between an Owner's early deletion request and the deletion, during which any Owner can cancel it.
    early_deletion_grace_days: int = Field(default=14, ge=1, le=90)
