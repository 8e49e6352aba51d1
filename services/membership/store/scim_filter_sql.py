"""A parsed SCIM filter (domain/scim_filter.py) as a SQL condition over members and their SCIM attributes.

Every attribute maps to a column; the selective ones are indexed (userName, externalId, id, emails.value);
the organization's index bounds the rest. An attribute we do not keep is an invalid filter, never a scan in
Python."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select, true, union_all
from sqlalchemy.orm import aliased

from services.membership.domain.model import MemberStatus
from services.membership.domain.scim_filter import (
    And,
    Compare,
    Filter,
    InvalidFilter,
    Not,
    Or,
    Present,
    ValuePath,
)
from services.membership.domain.scim_model import ENTERPRISE_URN
from services.membership.store.tables import members, scim_user_emails, scim_users

CORE_URN = "urn:ietf:params:scim:schemas:core:2.0:user"

# The user's name as SCIM compares it: its SCIM userName, or its email for a member nobody provisioned.
user_name_key = func.coalesce(scim_users.c.user_name_key, members.c.email)

# How a column compares strings: EXACT, CASELESS (lower-cased on both sides) or KEY (the column holds the
# lower-cased value already, so its index serves).
EXACT, CASELESS, KEY = "exact", "caseless", "key"
# Attribute (lower-case) → (column, how it compares).
_CORE: dict[str, tuple[Any, str]] = {
    "id": (members.c.id, EXACT),
    "externalid": (members.c.external_id, EXACT),
    "username": (user_name_key, KEY),
    "displayname": (members.c.display_name_key, KEY),
    "name.givenname": (scim_users.c.given_name, CASELESS),
    "name.familyname": (scim_users.c.family_name, CASELESS),
    "title": (scim_users.c.title, CASELESS),
    "meta.created": (members.c.created_at, EXACT),
    "meta.lastmodified": (members.c.updated_at, EXACT),
}
_ENTERPRISE: dict[str, tuple[Any, str]] = {
    "employeenumber": (scim_users.c.employee_number, EXACT),
    "department": (scim_users.c.department, CASELESS),
    "costcenter": (scim_users.c.cost_center, CASELESS),
    "organization": (scim_users.c.organization_name, CASELESS),
    "division": (scim_users.c.division, CASELESS),
    "manager.value": (scim_users.c.manager_id, EXACT),
    "manager": (scim_users.c.manager_id, EXACT),
}
_EMAIL: dict[str, tuple[Any, str]] = {
    "value": (scim_user_emails.c.value_key, KEY),
    "type": (scim_user_emails.c.type, CASELESS),
    "primary": (scim_user_emails.c.is_primary, EXACT),
}
SORTABLE = {**_CORE, **{f"{ENTERPRISE_URN}:{k}": v for k, v in _ENTERPRISE.items()}}


def _column(attribute: str, urn: str) -> tuple[Any, str]:
    if urn == ENTERPRISE_URN and attribute in _ENTERPRISE:
        return _ENTERPRISE[attribute]
    if urn in ("", CORE_URN) and attribute in _CORE:
        return _CORE[attribute]
    if urn == "" and attribute in _ENTERPRISE:
        return _ENTERPRISE[attribute]
    raise InvalidFilter(f"Users cannot be filtered on {attribute!r}.")


def sort_column(attribute: str) -> Any:
    """The column of a sortBy attribute; InvalidFilter for one we cannot sort on."""
    lowered = attribute.lower()
    if lowered.startswith("urn:"):
        urn, _, name = lowered.rpartition(":")
        return _column(name, urn)[0]
    return _column(lowered, "")[0]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _compare(column: Any, mode: str, op: str, value: object) -> ColumnElement[bool]:
    if isinstance(value, bool) or value is None:
        if op not in ("eq", "ne"):
            raise InvalidFilter(f"{op!r} does not compare with {value!r}.")
        condition = column.is_(None) if value is None else column == value
        return condition if op == "eq" else not_(condition)
    if isinstance(value, int | float) and op in ("co", "sw", "ew"):
        raise InvalidFilter(f"{op!r} needs a string.")
    if isinstance(value, str) and mode != EXACT:
        value = value.lower()
        if mode == CASELESS:
            column = func.lower(column)
    if op == "eq":
        return column == value  # type: ignore[no-any-return]
    if op == "ne":
        return or_(column != value, column.is_(None))
    if op in ("co", "sw", "ew"):
        pattern = _escape_like(str(value))
        pattern = {"co": f"%{pattern}%", "sw": f"{pattern}%", "ew": f"%{pattern}"}[op]
        return column.like(pattern, escape="\\")  # type: ignore[no-any-return]
    return {"gt": column > value, "ge": column >= value, "lt": column < value, "le": column <= value}[op]  # type: ignore[no-any-return]


def _active(op: str, value: object) -> ColumnElement[bool]:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        value = value.lower() == "true"
    if op not in ("eq", "ne") or not isinstance(value, bool):
        raise InvalidFilter("active compares with eq or ne and true or false.")
    active = members.c.status.in_([MemberStatus.ACTIVE.value, MemberStatus.INVITED.value])
    return active if value == (op == "eq") else not_(active)


def _email_condition(tree: Filter) -> ColumnElement[bool]:
    match tree:
        case Compare(attribute=attribute, op=op, value=value):
            column, mode = _EMAIL.get(attribute, (None, EXACT))
            if column is None:
                raise InvalidFilter(f"emails has no sub-attribute {attribute!r}.")
            return _compare(column, mode, op, value)
        case Present(attribute=attribute):
            column, _ = _EMAIL.get(attribute, (None, EXACT))
            if column is None:
                raise InvalidFilter(f"emails has no sub-attribute {attribute!r}.")
            return and_(column.is_not(None), column != "")
        case And(left=left, right=right):
            return and_(_email_condition(left), _email_condition(right))
        case Or(left=left, right=right):
            return or_(_email_condition(left), _email_condition(right))
        case Not(inner=inner):
            return not_(_email_condition(inner))
    raise InvalidFilter("A value path cannot nest another.")


def _some_email(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(scim_user_emails.c.member_id).where(
            scim_user_emails.c.member_id == members.c.id,
            scim_user_emails.c.organization_id == members.c.organization_id,
            condition,
        )
    )


def _member_email(op: str, value: object) -> ColumnElement[bool]:
    """A member without SCIM emails has its membership email (as its work email)."""
    return and_(scim_users.c.member_id.is_(None), _compare(members.c.email, KEY, op, value))


def _user_name_is(organization_id: str, value: str) -> ColumnElement[bool]:
    """`userName eq` as index lookups: the SCIM userName's unique index, or the membership email's for a member
    nobody provisioned. (The coalesce of both, which other operators compare, can use no index: every lookup
    would read the whole organization, as the identity provider's "does this user exist?" does before each create.)"""
    key = value.lower()
    unprovisioned = aliased(scim_users)
    matching = union_all(
        select(scim_users.c.member_id).where(
            scim_users.c.organization_id == organization_id, scim_users.c.user_name_key == key
        ),
        select(members.c.id)
        .select_from(members.outerjoin(unprovisioned, unprovisioned.c.member_id == members.c.id))
        .where(
            members.c.organization_id == organization_id, members.c.email == key, unprovisioned.c.member_id.is_(None)
        ),
    )
    return members.c.id.in_(matching)


def condition(tree: Filter, organization_id: str) -> ColumnElement[bool]:
    """The SQL condition of a filter on the organization's Users; InvalidFilter for attributes we do not keep."""
    match tree:
        case And(left=left, right=right):
            return and_(condition(left, organization_id), condition(right, organization_id))
        case Or(left=left, right=right):
            return or_(condition(left, organization_id), condition(right, organization_id))
        case Not(inner=inner):
            return not_(condition(inner, organization_id))
        case Compare(attribute="username", op="eq", value=str() as value, urn=urn) if urn in ("", CORE_URN):
            return _user_name_is(organization_id, value)
        case ValuePath(attribute="emails", inner=inner, urn=urn) if urn in ("", CORE_URN):
            return _some_email(_email_condition(inner))
        case ValuePath(attribute=attribute):
            raise InvalidFilter(f"Users cannot be filtered on {attribute!r}.")
        case Compare(attribute="active", op=op, value=value, urn=urn) if urn in ("", CORE_URN):
            return _active(op, value)
        case Present(attribute="active"):
            return true()
        case Compare(attribute="emails" | "emails.value", op=op, value=value, urn=urn) if urn in ("", CORE_URN):
            return or_(_some_email(_compare(scim_user_emails.c.value_key, KEY, op, value)), _member_email(op, value))
        case Compare(attribute=attribute, op=op, value=value, urn=urn):
            column, mode = _column(attribute, urn)
            if attribute in ("meta.created", "meta.lastmodified") and isinstance(value, str):
                try:
                    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError as exc:
                    raise InvalidFilter(f"{value!r} is not a date-time.") from exc
                return _compare(column, mode, op, moment)
            return _compare(column, mode, op, value)
        case Present(attribute="emails" | "emails.value"):
            return or_(_some_email(true()), scim_users.c.member_id.is_(None))
        case Present(attribute=attribute, urn=urn):
            column, _ = _column(attribute, urn)
            return and_(column.is_not(None), column != "")
    raise InvalidFilter("Unsupported filter.")
