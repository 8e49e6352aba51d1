"""Who may put whom into a group or take them out, decided for a whole request at once (pure: the caller reads
what the decision needs first, in as few queries as the request allows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.model import Group, GroupMemberOutcome, Member, MemberStatus
from services.membership.domain.scim_locks import is_scim_locked


def may_manage(principal: Principal, caller_is_group_admin: bool) -> bool:
    return principal.has(roles.GROUPS_MANAGE) or caller_is_group_admin


def membership_change_refusal(
    principal: Principal, group: Group, caller: Member | None, target_id: str, caller_is_group_admin: bool
) -> str:
    """Why the caller may not add or remove this member, or "" when they may: admins change any group;
    anyone may add or remove themselves in an unlocked group; nobody but SCIM changes a SCIM-managed group."""
    if is_scim_locked(principal, group):
        return "GROUP_MANAGED_BY_SCIM"
    if may_manage(principal, caller_is_group_admin):
        return ""
    if caller is not None and caller.id == target_id and not group.locked:
        return ""
    return "GROUP_LOCKED" if group.locked else "MISSING_PERMISSION"


def refused(member_id: str, group_id: str, reason: str) -> GroupMemberOutcome:
    message = {
        "GROUP_LOCKED": "This group is locked: only its admins change its members.",
        "GROUP_MANAGED_BY_SCIM": "This group is managed by your identity provider through SCIM; change it there.",
    }.get(reason, "Only admins of this group add or remove other members.")
    return GroupMemberOutcome(member_id, group_id, reason, message)


def decide_additions(
    principal: Principal,
    group: Group,
    caller: Member | None,
    caller_is_admin: bool,
    members: Mapping[str, Member],
    present: set[str],
    member_ids: Sequence[str],
) -> tuple[list[GroupMemberOutcome], list[str]]:
    """(one outcome per member, the members to add): `present` are those already in the group."""
    outcomes: list[GroupMemberOutcome] = []
    added: list[str] = []
    for member_id in member_ids:
        member = members.get(member_id)
        refusal = membership_change_refusal(principal, group, caller, member_id, caller_is_admin)
        if refusal:
            outcomes.append(refused(member_id, group.id, refusal))
        elif member is None or member.status is MemberStatus.REMOVED:
            outcomes.append(GroupMemberOutcome(member_id, group.id, "NOT_FOUND", "No such member."))
        elif member_id in present or member_id in added:
            outcomes.append(GroupMemberOutcome(member_id, group.id, "ALREADY_IN_GROUP", "This member is in the group."))
        else:
            added.append(member_id)
            outcomes.append(GroupMemberOutcome(member_id, group.id))
    return outcomes, added


def decide_removals(
    principal: Principal,
    group: Group,
    caller: Member | None,
    caller_is_admin: bool,
    present: set[str],
    member_ids: Sequence[str],
) -> tuple[list[GroupMemberOutcome], list[str]]:
    """(one outcome per member, the members to remove): `present` are those in the group."""
    outcomes: list[GroupMemberOutcome] = []
    removed: list[str] = []
    for member_id in member_ids:
        refusal = membership_change_refusal(principal, group, caller, member_id, caller_is_admin)
        if refusal:
            outcomes.append(refused(member_id, group.id, refusal))
        elif member_id not in present or member_id in removed:
            outcomes.append(GroupMemberOutcome(member_id, group.id, "NOT_IN_GROUP", "This member is not in the group."))
        else:
            removed.append(member_id)
            outcomes.append(GroupMemberOutcome(member_id, group.id))
    return outcomes, removed
