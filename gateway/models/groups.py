"""Bodies of the group routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from gateway.models.fields import (
    Id,
    LongText,
    MemberIds,
    Name,
    PageSize,
    PageToken,
    QueryParameters,
    RequestBody,
    ResponseBody,
    Timestamp,
)

GroupKind = Literal["team", "workspace"]
Category = Annotated[str, StringConstraints(max_length=100)]


class Group(ResponseBody):
    id: str
    organization_id: str
    name: str
    description: str
    kind: GroupKind
    category: str
    is_default: bool
    locked: bool
    member_count: int
    create_time: Timestamp | None
    etag: str
    scim_managed: Annotated[bool, Field(description="only the identity provider changes it, through SCIM")] = False


class GroupReply(ResponseBody):
    group: Group


class GroupListQuery(QueryParameters):
    kind: GroupKind | None = None
    category: Category | None = None
    page_size: PageSize | None = None
    page_token: PageToken | None = None


class GroupList(ResponseBody):
    groups: list[Group]
    next_page_token: str


class GroupChanges(RequestBody):
    """Only the fields sent change."""

    name: Name | None = None
    description: LongText | None = None
    category: Category | None = None
    is_default: Annotated[bool | None, Field(description="new members join it (groups.manage)")] = None
    locked: Annotated[bool | None, Field(description="only admins change its members")] = None


class NewGroup(RequestBody):
    name: Name
    description: LongText = ""
    kind: GroupKind = "team"
    category: Category = ""
    is_default: Annotated[bool, Field(description="new members join it (groups.manage)")] = False
    locked: Annotated[bool, Field(description="only admins change its members")] = False


class GroupMembersQuery(QueryParameters):
    page_size: PageSize | None = None
    page_token: PageToken | None = None


class GroupMember(ResponseBody):
    member_id: str
    email: str
    display_name: str
    is_admin: bool


class GroupMemberList(ResponseBody):
    members: list[GroupMember]
    next_page_token: str


class GroupMembersAddition(RequestBody):
    member_ids: MemberIds
    as_admins: bool = False


class GroupMembersRemoval(RequestBody):
    member_ids: MemberIds


class MemberGroupsAddition(RequestBody):
    group_ids: Annotated[list[Id], Field(min_length=1, max_length=100, description="at most 10 workspaces")]


class MembershipError(ResponseBody):
    reason: str
    message: str


class MembershipOutcome(ResponseBody):
    member_id: str
    group_id: str
    error: MembershipError | None


class MembershipResults(ResponseBody):
    results: list[MembershipOutcome]
