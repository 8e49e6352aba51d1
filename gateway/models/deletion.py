"""REST models of an Owner's early deletion of the organization."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from gateway.models.fields import RequestBody, ResponseBody, Timestamp


class DeletionRequest(RequestBody):
    confirm_name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=200),
        Field(description="The organization's exact name, typed to confirm."),
    ]


class DeletionState(ResponseBody):
    organization_id: str
    deletion_time: Timestamp | None = Field(
        description="When the organization is deleted: the earlier of billing's date and the Owner's request."
    )
    requested_deletion_time: Timestamp | None = Field(
        description="When the pending early deletion request deletes it; null while none is pending."
    )
    request_time: Timestamp | None = Field(description="When the pending request was made.")
    requested_by_account_id: str = Field(description="Account of the Owner who made the pending request.")
    legal_hold: bool = Field(description="An operator's legal hold stops the deletion.")


class DeletionReply(ResponseBody):
    deletion: DeletionState
