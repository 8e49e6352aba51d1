"""REST models of audit retention."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from gateway.models.fields import RequestBody, ResponseBody, Timestamp


class Retention(ResponseBody):
    configured: bool = Field(description="False while no retention is set: a year, or the plan's limit if less.")
    days: int = Field(description="Days entries are kept once they happened (365 while none is set).")
    legal_hold: bool = Field(description="An operator's legal hold stops deletion.")
    legal_hold_reason: str
    update_time: Timestamp | None


class RetentionChange(RequestBody):
    days: Annotated[int, Field(ge=30, le=365, description="Days to keep entries, within the plan's retention_days.")]
