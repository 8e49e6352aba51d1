"""Who may change whom: pure rules, applied on every path (gRPC, REST, bulk, SCIM)."""

from __future__ import annotations

from enum import StrEnum

from services.common.errors import FailedPrecondition, FieldViolation, InvalidArgument, PermissionDenied
from services.common.principal import PLATFORM_ADMIN, Principal
from services.membership.domain import roles
from services.membership.domain.model import Member, MemberStatus


class MemberAction(StrEnum):
    CHANGE_ROLE = "change_role"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    REMOVE = "remove"


REQUIRED_PERMISSION = {
    MemberAction.CHANGE_ROLE: roles.MEMBERS_MANAGE_ROLES,
    MemberAction.DEACTIVATE: roles.MEMBERS_REMOVE,
    MemberAction.REACTIVATE: roles.MEMBERS_REMOVE,
    MemberAction.REMOVE: roles.MEMBERS_REMOVE,
}


def check_grantable(principal: Principal, role: str, catalog: roles.RoleCatalog = roles.BUILT_IN_CATALOG) -> None:
    """A role exists and the caller holds every permission it grants."""
    granted = catalog.permissions_of(role)
    if granted is None:
        raise InvalidArgument(
            f"Unknown role {role!r}.", [FieldViolation("role", "unknown role")], reason="UNKNOWN_ROLE"
        )
    # A seat is a licence, not a power: an Owner who gave theirs up still invites people who use the product.
    missing = granted - principal.permissions - {roles.SEAT_USE}
    if missing and PLATFORM_ADMIN not in principal.permissions:
        raise PermissionDenied(
            f"You can grant only permissions you hold; role {role!r} needs {sorted(missing)}.",
            reason="CANNOT_GRANT_PERMISSION",
        )


def check_member_action(
    principal: Principal,
    target: Member,
    action: MemberAction,
    new_role: str = "",
    catalog: roles.RoleCatalog = roles.BUILT_IN_CATALOG,
) -> None:
    """Raise unless `principal` may apply `action` to `target` (the last-Owner rule needs the store)."""
    principal.authorize(REQUIRED_PERMISSION[action], target.organization_id)
    acting_on_self = bool(target.account_id) and target.account_id == principal.account_id
    if acting_on_self and action in (MemberAction.REMOVE, MemberAction.DEACTIVATE):
        raise FailedPrecondition("Nobody removes or deactivates themselves.", reason="CANNOT_ACT_ON_SELF")
    check_may_touch(principal, target)
    if action is MemberAction.CHANGE_ROLE:
        check_grantable(principal, new_role, catalog)
        # Taking a role away is granting its absence: the caller must hold what the member loses too.
        check_grantable(principal, target.role, catalog)


def allowed_actions(
    principal: Principal, target: Member, catalog: roles.RoleCatalog = roles.BUILT_IN_CATALOG
) -> tuple[MemberAction, ...]:
    """The actions `principal` may apply to `target` now, by the same rules as `check_member_action` (a role
    change counts as allowed when some role could be given; the new role is checked when it is asked)."""
    allowed: list[MemberAction] = []
    for action in MemberAction:
        if action is MemberAction.DEACTIVATE and target.status is not MemberStatus.ACTIVE:
            continue
        if action is MemberAction.REACTIVATE and target.status is not MemberStatus.DEACTIVATED:
            continue
        if action is MemberAction.CHANGE_ROLE and target.status is MemberStatus.INVITED:
            continue
        try:
            check_member_action(principal, target, action, new_role=target.role, catalog=catalog)
        except (PermissionDenied, FailedPrecondition, InvalidArgument):
            continue
        allowed.append(action)
    return tuple(allowed)


def check_seat_switch(principal: Principal, target: Member) -> None:
    """Who may turn a member's seat on or off: whoever manages roles (an Owner, their own seat included), since
    the seat is one of the member's permissions; the member must be invited or active."""
    principal.authorize(roles.MEMBERS_MANAGE_ROLES, target.organization_id)
    if target.status not in (MemberStatus.INVITED, MemberStatus.ACTIVE):
        raise FailedPrecondition("Only an invited or active member's seat can be switched.", reason="NOT_ACTIVE")


def check_may_touch(principal: Principal, target: Member) -> None:
    """Without the right to manage roles (a User admin) only members of the Member role can be changed."""
    if not principal.has(roles.MEMBERS_MANAGE_ROLES) and target.role != roles.MEMBER:
        raise PermissionDenied(
            "You can change only members whose role is Member.",
            reason="TARGET_ROLE_NOT_MANAGEABLE",
        )


def loses_ownership(target: Member, action: MemberAction, new_role: str = "") -> bool:
    """Whether the action leaves `target` no longer an active Owner."""
    if target.role != roles.OWNER or target.status.value != "active":
        return False
    if action is MemberAction.CHANGE_ROLE:
        return new_role != roles.OWNER
    return action in (MemberAction.DEACTIVATE, MemberAction.REMOVE)


def check_invitation_domain(email: str, allowed_domains: frozenset[str]) -> None:
    """The organization's security policy may limit invitations to its own email domains (exact match)."""
    domain = email.rsplit("@", 1)[-1].lower()
    if allowed_domains and domain not in allowed_domains:
        raise InvalidArgument(
            f"Invitations are limited to addresses at {', '.join(sorted(allowed_domains))}.",
            [FieldViolation("email", f"domain {domain} is not allowed by the security policy")],
            reason="DOMAIN_NOT_ALLOWED",
        )


def holds_seat(member: Member) -> bool:
    """A pending or active member whose role has seat.use occupies a licence seat."""
    return roles.is_seat_consuming(member.permissions) and member.status in (
        MemberStatus.INVITED,
        MemberStatus.ACTIVE,
    )
