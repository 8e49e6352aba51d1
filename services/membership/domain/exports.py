"""The organization's export, so admins keep their data: members as CSV, groups as CSV, or both as JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from services.common.errors import FieldViolation, InvalidArgument
from services.common.principal import Principal
from services.common.spreadsheet import neutralise
from services.membership.domain import roles
from services.membership.domain.model import Group, GroupQuery, Member, MemberQuery
from services.membership.domain.ports import MembershipStore

EXPORT_PAGE = 500
EXPORT_FORMATS = ("csv", "groups_csv", "json")


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    file_name: str


def members_csv(members: Sequence[Member], groups_of: dict[str, list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["email", "name", "role", "status", "groups", "created", "last_sign_in"])
    for member in members:
        writer.writerow(
            neutralise(cell)
            for cell in (
                member.email,
                member.display_name,
                member.role,
                member.status.value,
                ";".join(groups_of.get(member.id, [])),
                member.created_at.isoformat(),
                member.last_sign_in_at.isoformat() if member.last_sign_in_at else "",
            )
        )
    return out.getvalue().encode()


def groups_csv(groups: Sequence[Group], members: Sequence[Member], groups_of: dict[str, list[str]]) -> bytes:
    """One row per group, with its members' emails."""
    emails_in: dict[str, list[str]] = {}
    for member in members:
        for name in groups_of.get(member.id, []):
            emails_in.setdefault(name, []).append(member.email)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "kind", "category", "description", "default", "locked", "members"])
    for group in groups:
        writer.writerow(
            neutralise(cell)
            for cell in (
                group.name,
                group.kind.value,
                group.category,
                group.description,
                "yes" if group.is_default else "no",
                "yes" if group.locked else "no",
                ";".join(sorted(emails_in.get(group.name, []))),
            )
        )
    return out.getvalue().encode()


def organization_json(members: Sequence[Member], groups: Sequence[Group], groups_of: dict[str, list[str]]) -> bytes:
    document = {
        "members": [
            {
                "id": m.id,
                "email": m.email,
                "name": m.display_name,
                "role": m.role,
                "status": m.status.value,
                "groups": groups_of.get(m.id, []),
                "created": m.created_at.isoformat(),
                "last_sign_in": m.last_sign_in_at.isoformat() if m.last_sign_in_at else None,
            }
            for m in members
        ],
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "description": g.description,
                "kind": g.kind.value,
                "category": g.category,
                "is_default": g.is_default,
                "locked": g.locked,
                "member_count": g.member_count,
            }
            for g in groups
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


class ExportUseCases:
    def __init__(self, store: MembershipStore):
        self._store = store

    async def export(self, principal: Principal, organization_id: str, file_format: str) -> Export:
        principal.authorize(roles.MEMBERS_READ, organization_id)
        if file_format not in EXPORT_FORMATS:
            raise InvalidArgument(
                f"format is one of {', '.join(EXPORT_FORMATS)}.", [FieldViolation("format", "csv, groups_csv or json")]
            )
        async with self._store.read() as tx:
            members: list[Member] = []
            while True:
                after = members[-1].id if members else None
                page = await tx.list_members(MemberQuery(organization_id, limit=EXPORT_PAGE, after_id=after))
                members += page
                if len(page) < EXPORT_PAGE:
                    break
            groups: list[Group] = []
            while True:
                position = (groups[-1].name.lower(), groups[-1].id) if groups else None
                group_page = await tx.list_groups(GroupQuery(organization_id, limit=EXPORT_PAGE, after=position))
                groups += group_page
                if len(group_page) < EXPORT_PAGE:
                    break
            names = {group.id: group.name for group in groups}
            groups_of: dict[str, list[str]] = {}
            for group_id, member_id in await tx.organization_group_memberships(organization_id):
                groups_of.setdefault(member_id, []).append(names[group_id])
        if file_format == "csv":
            return Export(members_csv(members, groups_of), "text/csv; charset=utf-8", "members.csv")
        if file_format == "groups_csv":
            return Export(groups_csv(groups, members, groups_of), "text/csv; charset=utf-8", "groups.csv")
        return Export(organization_json(members, groups, groups_of), "application/json", "organization.json")
