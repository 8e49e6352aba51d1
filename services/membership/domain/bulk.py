"""Bulk actions on a selection of members: the single-member rules, applied member by member (group changes: group
by group for the whole selection, in one transaction). A caller who lacks the action's permission altogether is
refused the whole request, not each member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import DomainError, FieldViolation, InvalidArgument, Unavailable
from services.common.principal import Principal
from services.membership.domain.groups import GroupUseCases
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member
from services.membership.domain.rules import REQUIRED_PERMISSION, MemberAction

MAX_BULK_MEMBERS = 1000
MAX_BULK_GROUPS = 10


class BulkAction(StrEnum):
    CHANGE_ROLE = "change_role"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    REMOVE = "remove"
    ADD_TO_GROUPS = "add_to_groups"
    REMOVE_FROM_GROUPS = "remove_from_groups"


GROUP_ACTIONS = frozenset({BulkAction.ADD_TO_GROUPS, BulkAction.REMOVE_FROM_GROUPS})
# The single-member action behind each bulk action on members (group actions are checked group by group).
MEMBER_ACTIONS = {
    BulkAction.CHANGE_ROLE: MemberAction.CHANGE_ROLE,
    BulkAction.DEACTIVATE: MemberAction.DEACTIVATE,
    BulkAction.REACTIVATE: MemberAction.REACTIVATE,
    BulkAction.REMOVE: MemberAction.REMOVE,
}


@dataclass(frozen=True)
class BulkOutcome:
    """The result for one selected member: done (with its new state unless removed), or why not."""

    member_id: str
    member: Member | None = None
    error_reason: str = ""
    error_message: str = ""
    # Failed for a passing reason (billing unreachable): the same request may succeed later.
    retryable: bool = False


def check_bulk_request(member_ids: Sequence[str], action: str, role: str, group_ids: Sequence[str]) -> BulkAction:
    """The action of a well-formed request; InvalidArgument listing what is wrong otherwise."""
    problems: list[FieldViolation] = []
    if not 1 <= len(member_ids) <= MAX_BULK_MEMBERS:
        problems.append(FieldViolation("member_ids", f"1 to {MAX_BULK_MEMBERS} members"))
    try:
        chosen = BulkAction(action)
    except ValueError:
        problems.append(FieldViolation("action", f"one of {[a.value for a in BulkAction]}"))
        raise InvalidArgument("The bulk action is not valid.", problems) from None
    if chosen is BulkAction.CHANGE_ROLE and not role:
        problems.append(FieldViolation("role", "required to change roles"))
    if chosen in GROUP_ACTIONS and not 1 <= len(group_ids) <= MAX_BULK_GROUPS:
        problems.append(FieldViolation("group_ids", f"1 to {MAX_BULK_GROUPS} groups"))
    if problems:
        raise InvalidArgument("The bulk action is not valid.", problems)
    return chosen


class BulkUseCases:
    def __init__(self, members: MemberUseCases, groups: GroupUseCases):
        self._members = members
        self._groups = groups

    async def update_members(
        self,
        principal: Principal,
        organization_id: str,
        member_ids: Sequence[str],
        action: str,
        role: str = "",
        group_ids: Sequence[str] = (),
    ) -> list[BulkOutcome]:
        principal.require_organization(organization_id)
        chosen = check_bulk_request(member_ids, action, role, group_ids)
        member_action = MEMBER_ACTIONS.get(chosen)
        if member_action is None:
            return await self._change_groups(principal, organization_id, member_ids, chosen, group_ids)
        principal.authorize(REQUIRED_PERMISSION[member_action], organization_id)
        outcomes = []
        for member_id in member_ids:
            try:
                outcomes.append(await self._apply(principal, organization_id, member_id, member_action, role))
            except DomainError as exc:
                retryable = isinstance(exc, Unavailable)
                outcomes.append(
                    BulkOutcome(member_id, error_reason=exc.reason, error_message=exc.message, retryable=retryable)
                )
        return outcomes

    async def _change_groups(
        self,
        principal: Principal,
        organization_id: str,
        member_ids: Sequence[str],
        action: BulkAction,
        group_ids: Sequence[str],
    ) -> list[BulkOutcome]:
        """Every selected member into or out of the groups in one transaction, group by group (see
        GroupUseCases.change_groups_of_members): the same results as member by member, in a few statements."""
        changed = await self._groups.change_groups_of_members(
            principal, organization_id, member_ids, group_ids, adding=action is BulkAction.ADD_TO_GROUPS
        )
        outcomes = []
        for member_id in member_ids:
            result = changed[member_id]
            if isinstance(result, DomainError):
                outcomes.append(BulkOutcome(member_id, error_reason=result.reason, error_message=result.message))
                continue
            failed = [r for r in result if r.error_reason]
            if failed:
                outcomes.append(
                    BulkOutcome(
                        member_id,
                        error_reason=failed[0].error_reason,
                        error_message="; ".join(f"group {r.group_id}: {r.error_message}" for r in failed),
                    )
                )
            else:
                outcomes.append(BulkOutcome(member_id))
        return outcomes

    async def _apply(
        self, principal: Principal, organization_id: str, member_id: str, action: MemberAction, role: str
    ) -> BulkOutcome:
        changed = await self._members.change(principal, organization_id, member_id, action, new_role=role)
        return BulkOutcome(member_id, None if action is MemberAction.REMOVE else changed)
