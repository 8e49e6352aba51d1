"""SCIM PATCH (RFC 7644 §3.5.2) on a User, tolerant of what real identity providers send: a PascalCase `op`
("Replace"), booleans as strings ("False"), Okta's replace without a path whose value holds several attributes,
dotted or URN-prefixed keys in such a value (Entra), and value paths such as `emails[type eq "work"].value`.
Input is tolerant; the effect is strict: an attribute we do not know is an error (invalidPath), not ignored."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from services.common.errors import FieldViolation, InvalidArgument
from services.membership.domain.scim_filter import (
    And,
    Compare,
    Filter,
    InvalidFilter,
    Not,
    Or,
    Present,
    parse_filter,
    split_urn,
)
from services.membership.domain.scim_model import ENTERPRISE_URN, ScimAttributes, ScimEmail, ScimUserFields

CORE_URN = "urn:ietf:params:scim:schemas:core:2.0:user"
OPERATIONS = frozenset({"add", "replace", "remove"})
MAX_OPERATIONS = 100


@dataclass(frozen=True)
class PatchOperation:
    op: str
    path: str
    # The JSON value, decoded (None for remove).
    value: Any = None


class InvalidPatch(InvalidArgument):
    """A patch we cannot apply; `scim_type` is SCIM's (invalidPath, invalidValue, noTarget, invalidSyntax)."""

    def __init__(self, message: str, scim_type: str, field: str = "operations"):
        super().__init__(message, [FieldViolation(field, message)], reason=scim_type)


def as_bool(value: Any, name: str) -> bool:
    """A SCIM boolean, also as Entra's "True"/"False" strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidPatch(f"{name} must be true or false.", "invalidValue")


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidPatch(f"{name} must be a string.", "invalidValue")
    return str(value)


def _emails(value: Any) -> tuple[ScimEmail, ...]:
    items = value if isinstance(value, list) else [value]
    emails = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise InvalidPatch("emails take objects with a value.", "invalidValue")
        emails.append(
            ScimEmail(item["value"], _text(item.get("type"), "type"), as_bool(item.get("primary", False), "primary"))
        )
    return tuple(emails)


def _email_matches(email: ScimEmail, tree: Filter) -> bool:
    match tree:
        case Compare(attribute="type", op="eq", value=value):
            return email.type.lower() == str(value).lower()
        case Compare(attribute="value", op="eq", value=value):
            return email.value.lower() == str(value).lower()
        case Compare(attribute="primary", op="eq", value=value):
            return email.primary == (value is True or str(value).lower() == "true")
        case Present(attribute="type"):
            return bool(email.type)
        case And(left=left, right=right):
            return _email_matches(email, left) and _email_matches(email, right)
        case Or(left=left, right=right):
            return _email_matches(email, left) or _email_matches(email, right)
        case Not(inner=inner):
            return not _email_matches(email, inner)
    raise InvalidPatch("Unsupported filter in an emails path.", "invalidFilter")


_CORE_TEXT = {
    "username": "user_name",
    "name.givenname": "given_name",
    "name.familyname": "family_name",
    "title": "title",
}
_ENTERPRISE_TEXT = {
    "employeenumber": "employee_number",
    "department": "department",
    "costcenter": "cost_center",
    "organization": "organization",
    "division": "division",
}


class _Patcher:
    def __init__(self, fields: ScimUserFields):
        self.fields = fields

    def _attributes(self, **changes: Any) -> None:
        self.fields = replace(self.fields, attributes=replace(self.fields.attributes, **changes))

    def set(self, path: str, value: Any, op: str) -> None:
        """Add or replace one attribute (for single-valued ones the same; add appends emails); None unassigns it."""
        if path.lower() == ENTERPRISE_URN:  # the whole extension, as one object
            self._set_enterprise("user", value)
            return
        urn, attribute = split_urn(path) if path.lower().startswith("urn:") else ("", path.lower())
        if urn == ENTERPRISE_URN:
            self._set_enterprise(attribute, value)
            return
        if urn not in ("", CORE_URN):
            raise InvalidPatch(f"Unknown schema {urn!r}.", "invalidPath")
        if "[" in attribute:
            self._set_email_value_path(path[len(urn) + 1 :] if urn else path, value)
            return
        if attribute == "active":
            self.fields = replace(self.fields, active=as_bool(value, "active"))
        elif attribute == "displayname":
            self.fields = replace(self.fields, display_name=_text(value, "displayName"))
        elif attribute == "externalid":
            self.fields = replace(self.fields, external_id=_text(value, "externalId"))
        elif attribute in _CORE_TEXT:
            self._attributes(**{_CORE_TEXT[attribute]: _text(value, attribute)})
        elif attribute == "name" and value is None:
            self._attributes(given_name="", family_name="")
        elif attribute == "name":
            if not isinstance(value, dict):
                raise InvalidPatch("name takes an object.", "invalidValue")
            for key, item in value.items():
                if f"name.{key.lower()}" in _CORE_TEXT:
                    self.set(f"name.{key}", item, op)
        elif attribute == "emails":
            added = _emails(value)
            kept = self.fields.attributes.emails if op == "add" else ()
            self._attributes(
                emails=(*[e for e in kept if e.value.lower() not in {a.value.lower() for a in added}], *added)
            )
        elif attribute in ("", "urn"):
            raise InvalidPatch("A path is required here.", "noTarget")
        else:
            raise InvalidPatch(f"Users have no attribute {path!r} we keep.", "invalidPath")

    def _set_enterprise(self, attribute: str, value: Any) -> None:
        if attribute in _ENTERPRISE_TEXT:
            self._attributes(**{_ENTERPRISE_TEXT[attribute]: _text(value, attribute)})
        elif attribute in ("manager", "manager.value"):
            manager = value.get("value") if isinstance(value, dict) else value
            self._attributes(manager_id=_text(manager, "manager"))
        elif attribute == "user" and value is None:
            self._attributes(**dict.fromkeys(_ENTERPRISE_TEXT.values(), ""), manager_id="")
        elif attribute == "user" and isinstance(value, dict):
            # The whole extension as one object: {"urn:...:enterprise:2.0:User": {"department": ...}}; the keys it
            # leaves out keep their values (RFC 7644 §3.5.2.3).
            for key, item in value.items():
                if key.lower() != "schemas":
                    self._set_enterprise(key.lower(), item)
        else:
            raise InvalidPatch(f"The enterprise extension has no attribute {attribute!r}.", "invalidPath")

    def _email_path(self, path: str) -> tuple[Filter, str]:
        """(filter, sub-attribute) of `emails[<filter>].<sub>`."""
        head, _, rest = path.partition("[")
        inner, _, tail = rest.rpartition("]")
        if head.strip().lower() != "emails":
            raise InvalidPatch(f"Users have no multi-valued attribute {head!r} we keep.", "invalidPath")
        try:
            tree = parse_filter(inner)
        except InvalidFilter as exc:
            raise InvalidPatch(str(exc), "invalidPath") from exc
        return tree, tail.lstrip(".").lower()

    def _set_email_value_path(self, path: str, value: Any) -> None:
        tree, sub = self._email_path(path)
        emails = list(self.fields.attributes.emails)
        matched = [i for i, email in enumerate(emails) if _email_matches(email, tree)]
        if not matched:
            # Entra adds the work email this way: the filter's type becomes the new email's type.
            kind = tree.value if isinstance(tree, Compare) and tree.attribute == "type" else ""
            emails.append(ScimEmail("", str(kind or ""), False))
            matched = [len(emails) - 1]
        for index in matched:
            email = emails[index]
            if sub == "value":
                emails[index] = replace(email, value=_text(value, "emails.value"))
            elif sub == "type":
                emails[index] = replace(email, type=_text(value, "emails.type"))
            elif sub == "primary":
                emails[index] = replace(email, primary=as_bool(value, "emails.primary"))
            elif sub == "" and isinstance(value, dict):
                emails[index] = _emails(value)[0]
            else:
                raise InvalidPatch(f"emails have no sub-attribute {sub!r}.", "invalidPath")
        self._attributes(emails=tuple(emails))

    def remove(self, path: str, value: Any) -> None:
        if not path:
            raise InvalidPatch("remove needs a path.", "noTarget")
        urn, attribute = split_urn(path) if path.lower().startswith("urn:") else ("", path.lower())
        if "[" in attribute and urn in ("", CORE_URN):
            tree, sub = self._email_path(path[len(urn) + 1 :] if urn else path)
            if sub:
                raise InvalidPatch("remove takes the whole matching email.", "invalidPath")
            kept = tuple(e for e in self.fields.attributes.emails if not _email_matches(e, tree))
            self._attributes(emails=kept)
        elif attribute == "emails" and urn in ("", CORE_URN):
            removed = {e.value.lower() for e in _emails(value)} if value else None
            kept = tuple(
                e for e in self.fields.attributes.emails if removed is not None and e.value.lower() not in removed
            )
            self._attributes(emails=kept)
        elif attribute in ("active", "username"):
            raise InvalidPatch(f"{path} cannot be removed.", "mutability")
        else:
            self.set(path, None, "replace")


def apply_patch(fields: ScimUserFields, operations: list[PatchOperation]) -> ScimUserFields:
    """The user after the operations, applied in order; InvalidPatch for anything we cannot apply."""
    if not 1 <= len(operations) <= MAX_OPERATIONS:
        raise InvalidPatch(f"Send 1 to {MAX_OPERATIONS} operations.", "invalidSyntax")
    patcher = _Patcher(fields)
    for operation in operations:
        op = operation.op.strip().lower()
        if op not in OPERATIONS:
            raise InvalidPatch(f"Unknown op {operation.op!r}.", "invalidSyntax")
        if op == "remove":
            patcher.remove(operation.path, operation.value)
        elif operation.path:
            patcher.set(operation.path, operation.value, op)
        elif isinstance(operation.value, dict):
            # Okta and Entra: no path, the value holds the attributes (possibly dotted or URN-prefixed keys).
            for key, value in operation.value.items():
                if key.lower() == ENTERPRISE_URN:
                    patcher.set(f"{key}:user", value, op)
                elif key.lower() == "schemas":
                    continue
                else:
                    patcher.set(key, value, op)
        else:
            raise InvalidPatch("An operation without a path takes an object of attributes.", "invalidValue")
    return patcher.fields


def attributes_from_json(document: dict[str, Any]) -> ScimUserFields:
    """A User resource's JSON (create, replace) as fields: a replace of every attribute on an empty user."""
    empty = ScimUserFields(ScimAttributes(user_name=""), active=True)
    patcher = _Patcher(empty)
    for key, value in document.items():
        lowered = key.lower()
        if lowered in ("schemas", "id", "meta", "groups", "password"):
            continue
        if lowered == ENTERPRISE_URN:
            patcher.set(f"{key}:user", value, "replace")
        elif lowered in ("active", "displayname", "externalid", "username", "name", "title", "emails"):
            patcher.set(key, value, "replace")
        # Other core attributes (phoneNumbers, addresses, locale...) are accepted and not kept; /Schemas says so.
    return patcher.fields
