"""SCIM's view of a member (RFC 7643 User with the enterprise extension), as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.membership.domain.model import Member, MemberStatus

ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"
MAX_EMAILS = 10
MAX_SCIM_TEXT = 200


@dataclass(frozen=True)
class ScimEmail:
    value: str
    type: str = ""
    primary: bool = False


@dataclass(frozen=True)
class ScimAttributes:
    """What SCIM keeps about a person beyond membership's own fields (id, externalId, displayName, active)."""

    user_name: str
    given_name: str = ""
    family_name: str = ""
    title: str = ""
    emails: tuple[ScimEmail, ...] = ()
    # Enterprise extension.
    employee_number: str = ""
    department: str = ""
    cost_center: str = ""
    organization: str = ""
    division: str = ""
    manager_id: str = ""


@dataclass(frozen=True)
class ScimUserFields:
    """A User as an identity provider sends it (create, replace, or the result of a patch)."""

    attributes: ScimAttributes
    external_id: str = ""
    display_name: str = ""
    active: bool = True


@dataclass(frozen=True)
class ScimUser:
    member: Member
    attributes: ScimAttributes
    # Groups the member is in: (id, name).
    groups: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def active(self) -> bool:
        return self.member.status in (MemberStatus.ACTIVE, MemberStatus.INVITED)

    def fields(self) -> ScimUserFields:
        return ScimUserFields(self.attributes, self.member.external_id or "", self.member.display_name, self.active)


@dataclass(frozen=True)
class ScimUserQuery:
    organization_id: str
    # Parsed filter (services/membership/domain/scim_filter.py), None for every user.
    filter: object | None
    # 1-based index of the first result, and how many at most.
    start_index: int = 1
    count: int = 100
    sort_by: str = ""
    descending: bool = False


@dataclass(frozen=True)
class ScimUserPage:
    users: list[ScimUser]
    total_results: int


def attributes_of_member(member: Member) -> ScimAttributes:
    """A member nobody provisioned over SCIM yet: its email is its userName."""
    return ScimAttributes(user_name=member.email, emails=(ScimEmail(member.email, "work", True),))
