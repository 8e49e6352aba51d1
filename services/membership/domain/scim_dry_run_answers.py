"""What the identity provider is answered in dry-run mode, and the words a dry-run record keeps: the resource as
the write would leave it, computed in memory and never saved (domain/scim_dry_run.py says what the IdP sees)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from services.membership.domain import roles
from services.membership.domain.model import Member, MemberStatus
from services.membership.domain.scim_group_patch import GroupPlan
from services.membership.domain.scim_model import ScimUser, ScimUserFields

# Member ids a summary names before it says "and N more" (a group of 50,000 stays a short record).
MAX_NAMED_MEMBERS = 20


def would_be_created(
    user_id: str, organization_id: str, checked: ScimUserFields, email: str, now: datetime
) -> ScimUser:
    """The User a create would make: the document as sent, under the stable dry-run id, in no group."""
    member = Member(
        id=user_id,
        organization_id=organization_id,
        account_id=None,
        email=email,
        display_name=checked.display_name,
        role=roles.MEMBER,
        status=MemberStatus.ACTIVE if checked.active else MemberStatus.DEACTIVATED,
        created_at=now,
        updated_at=now,
        external_id=checked.external_id or None,
    )
    return ScimUser(member, checked.attributes)


def would_be_user(current: ScimUser, checked: ScimUserFields, email: str) -> ScimUser:
    """The User as a replace or patch would leave it (its version, the ETag, unchanged: nothing was written)."""
    status = current.member.status
    if current.active and not checked.active:
        status = MemberStatus.DEACTIVATED
    elif checked.active and not current.active:
        status = MemberStatus.ACTIVE
    member = replace(
        current.member,
        display_name=checked.display_name or current.member.display_name,
        external_id=checked.external_id or None,
        email=email,
        status=status,
    )
    return ScimUser(member, checked.attributes, current.groups)


def describe_user_change(current: ScimUser, checked: ScimUserFields, email: str) -> str:
    """The attributes that would change, "name: before -> after" joined by "; ", or "no change"."""
    before = current.attributes
    after = checked.attributes
    pairs: list[tuple[str, object, object]] = [
        ("active", current.active, checked.active),
        ("userName", before.user_name, after.user_name),
        ("email", current.member.email, email),
        ("displayName", current.member.display_name, checked.display_name or current.member.display_name),
        ("externalId", current.member.external_id or "", checked.external_id),
        ("name.givenName", before.given_name, after.given_name),
        ("name.familyName", before.family_name, after.family_name),
        ("title", before.title, after.title),
        ("employeeNumber", before.employee_number, after.employee_number),
        ("department", before.department, after.department),
        ("costCenter", before.cost_center, after.cost_center),
        ("organization", before.organization, after.organization),
        ("division", before.division, after.division),
        ("manager", before.manager_id, after.manager_id),
    ]
    changed = [f"{name}: {_shown(old)} -> {_shown(new)}" for name, old, new in pairs if old != new]
    if [e.value for e in before.emails] != [e.value for e in after.emails] and email == current.member.email:
        changed.append("emails changed")
    return "; ".join(changed) or "no change"


def describe_group_plan(plan: GroupPlan) -> str:
    """The group change a replace or patch asks for, in words."""
    parts: list[str] = []
    if plan.display_name is not None:
        parts.append(f"displayName -> {_shown(plan.display_name)}")
    if plan.external_id is not None:
        parts.append(f"externalId -> {_shown(plan.external_id)}")
    if plan.members is not None:
        parts.append(f"members set to {_ids(list(plan.members))}")
    if plan.adds:
        parts.append(f"add members {_ids(list(plan.adds))}")
    if plan.removes:
        parts.append(f"remove members {_ids(list(plan.removes))}")
    return "; ".join(parts) or "no change"


def _ids(member_ids: list[str]) -> str:
    named = ", ".join(member_ids[:MAX_NAMED_MEMBERS])
    more = len(member_ids) - MAX_NAMED_MEMBERS
    return f"[{named}{f' and {more} more' if more > 0 else ''}] ({len(member_ids)})"


def _shown(value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else repr(str(value))
    return text[:200]
