"""A SCIM Group's document and PATCH (RFC 7644 §3.5.2) as a plan of changes: a new displayName or externalId,
members to add, members to remove, or the whole member list replaced. Tolerant of what identity providers send
(PascalCase ops, Entra's add and remove of members in one request, Okta's no-path replace and its
`members[value eq "id"]` remove path); the plan names member ids only, so removing one member of a large group
never loads the group."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from services.membership.domain.scim_filter import Compare, Filter, InvalidFilter, Or, parse_filter, split_urn
from services.membership.domain.scim_patch import OPERATIONS, InvalidPatch, PatchOperation

GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:group"
MAX_MEMBER_REFERENCES = 1000
_MEMBER_PATH = re.compile(r"^members\[(?P<filter>.*)\]$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ScimGroupFields:
    """A Group as an identity provider sends it; `member_ids` None when the document has no members."""

    display_name: str
    external_id: str = ""
    member_ids: tuple[str, ...] | None = None


@dataclass
class GroupPlan:
    """What a PATCH changes: attributes (None: unchanged) and members, applied in the operations' order."""

    display_name: str | None = None
    external_id: str | None = None
    adds: dict[str, None] = field(default_factory=dict)
    removes: dict[str, None] = field(default_factory=dict)
    # The whole member list when an operation replaced (or removed) it all; later adds and removes edit it.
    members: dict[str, None] | None = None

    def add(self, member_ids: list[str]) -> None:
        for member_id in member_ids:
            if self.members is not None:
                self.members[member_id] = None
            else:
                self.removes.pop(member_id, None)
                self.adds[member_id] = None

    def remove(self, member_ids: list[str]) -> None:
        for member_id in member_ids:
            if self.members is not None:
                self.members.pop(member_id, None)
            else:
                self.adds.pop(member_id, None)
                self.removes[member_id] = None

    def references(self) -> int:
        return len(self.adds) + len(self.removes) + len(self.members or {})


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidPatch(f"{name} must be a string.", "invalidValue")
    return value


def member_ids_of(value: Any) -> list[str]:
    """Member ids of a `members` value: a list of {"value": id} (one object alone is accepted too)."""
    items = value if isinstance(value, list) else [value]
    ids = []
    for item in items:
        member_id = item.get("value") if isinstance(item, dict) else None
        if not isinstance(member_id, str) or not member_id.strip():
            raise InvalidPatch('Each member is an object with a "value" (the User id).', "invalidValue")
        ids.append(member_id.strip()[:64])
    if len(ids) > MAX_MEMBER_REFERENCES:
        raise InvalidPatch(f"At most {MAX_MEMBER_REFERENCES} members per request.", "invalidValue")
    return ids


def _ids_of_filter(tree: Filter) -> list[str]:
    """The ids a `members[...]` filter names: `value eq "id"`, joined by `or`."""
    match tree:
        case Compare(attribute="value", op="eq", value=str(member_id)):
            return [member_id]
        case Or(left=left, right=right):
            return _ids_of_filter(left) + _ids_of_filter(right)
    raise InvalidPatch('A members filter names members as value eq "id".', "invalidFilter")


def _attribute(path: str) -> str:
    try:
        urn, name = split_urn(path.strip())
    except InvalidFilter as exc:
        raise InvalidPatch(str(exc), "invalidPath") from exc
    if urn and urn.lower() != GROUP_URN:
        raise InvalidPatch(f"Groups have no attribute {path!r}.", "invalidPath")
    return name.lower()


class _Planner:
    def __init__(self) -> None:
        self.plan = GroupPlan()

    def apply(self, operation: PatchOperation) -> None:
        op = operation.op.strip().lower()
        if op not in OPERATIONS:
            raise InvalidPatch(f"Unknown op {operation.op!r}.", "invalidSyntax")
        path = operation.path.strip()
        if not path:
            if op == "remove" or not isinstance(operation.value, dict):
                raise InvalidPatch("An operation without a path needs an object value.", "noTarget")
            for key, value in operation.value.items():
                self._set(op, key, value)
            return
        member_path = _MEMBER_PATH.match(path)
        if member_path:
            try:
                ids = _ids_of_filter(parse_filter(member_path.group("filter")))
            except InvalidFilter as exc:
                raise InvalidPatch(str(exc), "invalidFilter") from exc
            if op != "remove":
                raise InvalidPatch("A members filter path only removes members.", "invalidPath")
            self.plan.remove(ids)
            return
        if op == "remove":
            self._remove(path, operation.value)
        else:
            self._set(op, path, operation.value)

    def _set(self, op: str, path: str, value: Any) -> None:
        name = _attribute(path)
        if name == "displayname":
            self.plan.display_name = _text(value, "displayName")
        elif name == "externalid":
            self.plan.external_id = _text(value, "externalId")
        elif name == "members":
            ids = member_ids_of(value) if value not in (None, []) else []
            if op == "replace":
                self.plan.members = dict.fromkeys(ids)
                self.plan.adds.clear()
                self.plan.removes.clear()
            else:
                self.plan.add(ids)
        elif name in ("id", "schemas", "meta"):
            return  # Okta's no-path replace repeats the id; read-only attributes are left as they are.
        else:
            raise InvalidPatch(f"Groups have no attribute {path!r}.", "invalidPath")

    def _remove(self, path: str, value: Any) -> None:
        name = _attribute(path)
        if name == "members":
            if value in (None, []):
                self.plan.members = {}
                self.plan.adds.clear()
                self.plan.removes.clear()
            else:
                # Entra sends the members to remove as the value of a remove of "members".
                self.plan.remove(member_ids_of(value))
        elif name == "externalid":
            self.plan.external_id = ""
        elif name == "displayname":
            raise InvalidPatch("displayName is required; it cannot be removed.", "mutability")
        else:
            raise InvalidPatch(f"Groups have no attribute {path!r}.", "invalidPath")


def plan_patch(operations: list[PatchOperation]) -> GroupPlan:
    planner = _Planner()
    for operation in operations:
        planner.apply(operation)
    if planner.plan.references() > MAX_MEMBER_REFERENCES:
        raise InvalidPatch(f"At most {MAX_MEMBER_REFERENCES} members per request.", "invalidValue")
    return planner.plan


def group_from_json(document: dict[str, Any]) -> ScimGroupFields:
    """A Group document (create or replace)."""
    members = document.get("members")
    return ScimGroupFields(
        display_name=_text(document.get("displayName"), "displayName"),
        external_id=_text(document.get("externalId"), "externalId"),
        member_ids=None if members is None else tuple(dict.fromkeys(member_ids_of(members) if members else [])),
    )
