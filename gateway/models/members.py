"""Bodies of the organization, member, invitation, role, profile-field and audit routes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Base64Bytes, Field, StringConstraints

from gateway.models.fields import (
    DisplayName,
    Email,
    GroupIds,
    Id,
    Key,
    Label,
    MemberIds,
    PageSize,
    PageToken,
    Permissions,
    QueryParameters,
    RequestBody,
    ResponseBody,
    Search,
    ShortText,
    Timestamp,
    Url,
)

MemberStatus = Literal["invited", "active", "deactivated", "removed"]
GroupCreationPolicy = Literal["owners", "admins", "everyone"]
ProfileFieldType = Literal["text", "choice", "date"]
BulkAction = Literal["change_role", "deactivate", "reactivate", "remove", "add_to_groups", "remove_from_groups"]
RoleKey = Annotated[Key, Field(description="owner, billing_admin, user_admin, member or a custom role's key")]


class Actor(ResponseBody):
    type: str
    id: str
    display: str
    ip_address: str
    user_agent: str


class Member(ResponseBody):
    id: str
    organization_id: str
    account_id: str | None
    email: str
    display_name: str
    role: str
    status: str
    create_time: Timestamp | None
    last_sign_in_time: Timestamp | None
    profile: dict[str, str]
    # Holds seat.use (a product licence): their role's seat or their own seat switch.
    uses_seat: bool
    etag: str


class MemberReply(ResponseBody):
    member: Member


class MemberCounts(ResponseBody):
    active: int
    invited: int
    deactivated: int


class Organization(ResponseBody):
    id: str
    display_name: str
    create_time: Timestamp | None
    member_counts: MemberCounts
    logo_url: str
    brand_color: str
    secondary_color: str
    accent_color: str
    welcome_message: str
    welcome_video_url: str
    group_creation_policy: str
    invitation_ttl_days: int
    deletion_time: Timestamp | None
    # When an Owner's pending early deletion request deletes the organization; null while none is pending.
    requested_deletion_time: Timestamp | None
    etag: str


class OrganizationReply(ResponseBody):
    organization: Organization


class OrganizationChanges(RequestBody):
    """Only the fields sent change."""

    display_name: DisplayName | None = None
    logo_url: Annotated[Url | None, Field(description="https only")] = None
    brand_color: Annotated[str | None, StringConstraints(max_length=7), Field(description="#RRGGBB, or empty")] = None
    secondary_color: Annotated[str | None, StringConstraints(max_length=7), Field(description="#RRGGBB, or empty")] = (
        None
    )
    accent_color: Annotated[str | None, StringConstraints(max_length=7), Field(description="#RRGGBB, or empty")] = None
    welcome_message: Annotated[
        str | None,
        StringConstraints(max_length=2000),
        Field(description="Shown to people at their first sign-in; line breaks kept"),
    ] = None
    welcome_video_url: Annotated[Url | None, Field(description="https only; a video shown with the message")] = None
    group_creation_policy: GroupCreationPolicy | None = None
    invitation_ttl_days: Annotated[int | None, Field(ge=0, le=90, description="0: the default")] = None


class MemberListQuery(QueryParameters):
    status: MemberStatus | None = None
    email: Email | None = None
    role: Key | None = None
    group_id: Id | None = None
    search: Annotated[Search | None, Field(description="a prefix of the email or name")] = None
    order_by: Literal["create_time desc", "name", "email"] | None = None
    page_size: PageSize | None = None
    page_token: PageToken | None = None


class MemberList(ResponseBody):
    members: list[Member]
    next_page_token: str


class RoleChange(RequestBody):
    role: RoleKey


class SeatChange(RequestBody):
    """A member's seat switch: true gives them a seat (seat.use), false takes it; their role stays."""

    uses_seat: bool


class Outcome(ResponseBody):
    """Why one item of a batch failed."""

    reason: str
    message: str


class MemberOutcome(ResponseBody):
    """One member of a bulk action: the member when it succeeded, the error when it did not."""

    member_id: str
    member: Member | None
    error: Outcome | None


class BulkChange(RequestBody):
    member_ids: MemberIds
    action: BulkAction
    role: Annotated[str, StringConstraints(max_length=64)] = ""
    group_ids: GroupIds = []


class BulkResults(ResponseBody):
    results: list[MemberOutcome]


class ExportQuery(QueryParameters):
    format: Annotated[
        Literal["csv", "groups_csv", "json"],
        Field(description="members (csv), groups (groups_csv) or both (json)"),
    ] = "csv"


class ProfileValues(RequestBody):
    values: Annotated[
        dict[Key, ShortText],
        Field(max_length=50, description="field key to text; an empty string clears the value"),
    ]


class MemberRename(RequestBody):
    display_name: Annotated[DisplayName, Field(min_length=1, description="The name the member goes by here.")]


class Invitee(RequestBody):
    email: Email
    role: Annotated[str, StringConstraints(max_length=64)] = ""
    display_name: DisplayName = ""
    group_ids: GroupIds = []


class Invitation(RequestBody):
    invitees: Annotated[list[Invitee], Field(min_length=1, max_length=100)]


class InvitationOutcome(ResponseBody):
    email: str
    member: Member | None
    error: Outcome | None


class InvitationResults(ResponseBody):
    results: list[InvitationOutcome]


class ResentInvitation(ResponseBody):
    member: Member
    expire_time: Timestamp | None


class InvitationImport(RequestBody):
    csv: Annotated[str, Field(description="columns email, name, role, groups; at most 1000 rows")]
    dry_run: bool = False


class ImportRow(ResponseBody):
    row: int
    email: str
    member: Member | None
    error: Outcome | None


class ImportReport(ResponseBody):
    rows: list[ImportRow]
    valid_rows: int
    invalid_rows: int


class Role(ResponseBody):
    key: str
    name: str
    permissions: list[str]


class RoleReply(ResponseBody):
    role: Role


class RoleList(ResponseBody):
    roles: list[Role]


class RoleDefinition(RequestBody):
    key: Annotated[Key, Field(description="lower case letters, digits and _, starting with a letter")]
    name: Label
    permissions: Permissions


class ProfileField(ResponseBody):
    key: str
    label: str
    type: str
    choices: list[str]
    shown: bool


class ProfileFieldReply(ResponseBody):
    field: ProfileField


class ProfileFieldList(ResponseBody):
    fields: list[ProfileField]


class ProfileFieldDefinition(RequestBody):
    key: Annotated[Key, Field(description="lower case letters, digits and _, starting with a letter")]
    label: Label
    type: ProfileFieldType
    choices: Annotated[list[Label], Field(max_length=100)] = []
    shown: bool = True


class AuditEntry(ResponseBody):
    id: str
    organization_id: str
    action: str
    actor: Actor
    target_type: str
    target_id: str
    target_display: str
    occur_time: Timestamp | None
    request_id: str
    sequence: int
    hash: str
    details: dict[str, Any] | None


class AuditEntryList(ResponseBody):
    entries: list[AuditEntry]
    next_page_token: str


class ExportedMember(ResponseBody):
    id: str
    email: str
    name: str
    role: str
    status: str
    groups: list[str]
    created: Timestamp
    last_sign_in: Timestamp | None


class ExportedGroup(ResponseBody):
    id: str
    name: str
    description: str
    kind: str
    category: str
    is_default: bool
    locked: bool
    member_count: int


class OrganizationExport(ResponseBody):
    """format=json: members and groups in one document."""

    members: list[ExportedMember]
    groups: list[ExportedGroup]


class AvatarUpload(RequestBody):
    picture: Annotated[
        Base64Bytes,
        Field(description="The picture, base64: a PNG, JPEG or WebP of at most 256 KiB (recognised by its content)."),
    ]


class MemberAvatar(ResponseBody):
    member_id: str
    content_type: str = Field(description="image/png, image/jpeg or image/webp; empty when the member has none.")
    initials: str = Field(description="Up to two letters to draw when there is no picture.")
    url: str = Field(description="Where the picture (or, without one, an SVG of the initials) is served.")
