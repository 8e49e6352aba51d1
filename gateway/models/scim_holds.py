"""Bodies of the SCIM safety hold's routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from gateway.models.fields import RequestBody, ResponseBody


class HeldScimChange(ResponseBody):
    id: str
    member_id: str
    action: Literal["deactivate", "remove"]
    # The SCIM token that asked for it.
    requested_by: str
    held_at: datetime


class HeldScimChangeList(ResponseBody):
    held_changes: list[HeldScimChange]


# Membership refuses a floor above the same bound (domain/scim_holds.py MAX_FLOOR) for gRPC callers.
MAX_HOLD_FLOOR = 100_000


class ScimHoldPolicy(RequestBody):
    percent: int = Field(ge=1, le=100, description="Percent of the members within a sliding hour (default 10).")
    floor: int = Field(
        ge=0, le=MAX_HOLD_FLOOR, description="Deprovisions an hour never held, whatever the organization's size."
    )


class ScimHoldPolicyReply(ResponseBody):
    percent: int
    floor: int


# Membership refuses a cap above the same bound (domain/scim_dry_run.py MAX_SEATS_CAP) for gRPC callers.
MAX_SEATS_CAP = 100_000


class ScimProvisioningSettings(RequestBody):
    dry_run: bool = Field(
        description="Record what every SCIM write would change instead of applying it; the identity provider is "
        "answered as if it had succeeded."
    )
    auto_purchase_seats: bool = Field(
        description="Buy a seat (prorated) when a SCIM create or reactivation needs one and none is free."
    )
    max_seats: int = Field(ge=0, le=MAX_SEATS_CAP, description="The most seats automatic purchases may reach.")


class ScimProvisioningSettingsReply(ResponseBody):
    dry_run: bool
    auto_purchase_seats: bool
    max_seats: int


class ScimDryRunChange(ResponseBody):
    id: str
    kind: Literal[
        "create_user",
        "replace_user",
        "patch_user",
        "delete_user",
        "create_group",
        "replace_group",
        "patch_group",
        "delete_group",
    ]
    # The user's or group's id (for a create, the id the identity provider was given).
    target_id: str
    # The userName or group displayName.
    target: str
    summary: str
    # The SCIM token that sent the write.
    requested_by: str
    recorded_at: datetime


class ScimDryRunChangeList(ResponseBody):
    changes: list[ScimDryRunChange]
    next_page_token: str = Field(description="empty on the last page")


class ClearedScimDryRunChanges(ResponseBody):
    cleared: int
