"""SCIM resources as JSON: Users from membership's ScimUser, list responses, and the discovery documents
(truthful: what /scim/v2 serves and nothing more)."""

from __future__ import annotations

from typing import Any

from tenantry.membership.v1 import provisioning_service_pb2 as pb

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
MAX_RESULTS = 1000
# /Bulk's limits, advertised in ServiceProviderConfig and enforced by bulk.py.
MAX_BULK_OPERATIONS = 100
MAX_BULK_PAYLOAD = 1024 * 1024


def etag(version: int) -> str:
    return f'W/"{version}"'


def version_of(if_match: str) -> int:
    """The version in an If-Match header (W/"7" or "7"); 0 for none or "*"."""
    text = if_match.strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() else 0


def _assigned(values: dict[str, Any]) -> dict[str, Any]:
    """Only the attributes that have a value: an empty string is not "unassigned" to a client (RFC 7643 §2.5)."""
    return {key: value for key, value in values.items() if value not in ("", None, [], {})}


def user_json(user: pb.ScimUser, base_url: str) -> dict[str, Any]:
    name = {"givenName": user.given_name, "familyName": user.family_name}
    document: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": user.user_name,
        "active": user.active,
        **_assigned(
            {
                "displayName": user.display_name,
                "name": _assigned(name),
                "emails": [_assigned({"value": e.value, "type": e.type, "primary": e.primary}) for e in user.emails],
                "groups": [
                    _assigned({"value": g.id, "display": g.display, "$ref": f"{base_url}/Groups/{g.id}"})
                    for g in user.groups
                ],
            }
        ),
        "meta": {
            "resourceType": "User",
            "created": user.create_time.ToDatetime().isoformat() + "Z",
            "lastModified": user.update_time.ToDatetime().isoformat() + "Z",
            "version": etag(user.version),
            "location": f"{base_url}/Users/{user.id}",
        },
    }
    if user.external_id:
        document["externalId"] = user.external_id
    if user.title:
        document["title"] = user.title
    enterprise = {
        "employeeNumber": user.employee_number,
        "department": user.department,
        "costCenter": user.cost_center,
        "organization": user.organization,
        "division": user.division,
    }
    extension: dict[str, Any] = _assigned(enterprise)
    if user.manager_id:
        extension["manager"] = {"value": user.manager_id, "$ref": f"{base_url}/Users/{user.manager_id}"}
    if extension:
        document["schemas"].append(ENTERPRISE_SCHEMA)
        document[ENTERPRISE_SCHEMA] = extension
    return document


def group_json(group: pb.ScimGroup, base_url: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": group.create_time.ToDatetime().isoformat() + "Z",
            "lastModified": group.update_time.ToDatetime().isoformat() + "Z",
            "version": etag(group.version),
            "location": f"{base_url}/Groups/{group.id}",
        },
    }
    if group.external_id:
        document["externalId"] = group.external_id
    if group.members_included:
        document["members"] = [
            _assigned({"value": m.value, "display": m.display, "type": "User", "$ref": f"{base_url}/Users/{m.value}"})
            for m in group.members
        ]
    return document


def wants_members(attributes: str, excluded: str) -> bool:
    """Whether a response shows members (Entra lists groups with excludedAttributes=members)."""
    if attributes.strip():
        return "members" in {_top(a) for a in attributes.split(",")}
    return "members" not in {_top(a) for a in excluded.split(",")}


def _top(name: str) -> str:
    """The top-level key an attribute path names (its complex parent, or the extension's URN)."""
    name = name.strip().lower()
    if name.startswith(ENTERPRISE_SCHEMA.lower()):
        return ENTERPRISE_SCHEMA.lower()
    for core in (USER_SCHEMA.lower() + ":", GROUP_SCHEMA.lower() + ":"):
        name = name.removeprefix(core)
    return name.split(".")[0]


def project(document: dict[str, Any], attributes: str, excluded: str) -> dict[str, Any]:
    """`attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) at the top level (a complex attribute comes whole);
    id, schemas and meta are always returned."""
    always = {"id", "schemas", "meta"}
    if attributes.strip():
        wanted = {_top(a) for a in attributes.split(",")} | always
        return {k: v for k, v in document.items() if k.lower() in wanted}
    if excluded.strip():
        dropped = {_top(a) for a in excluded.split(",")} - always
        return {k: v for k, v in document.items() if k.lower() not in dropped}
    return document


def list_response(resources: list[dict[str, Any]], total: int, start_index: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def service_provider_config(base_url: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://tenantry.dev/docs/scim",
        "patch": {"supported": True},
        "bulk": {"supported": True, "maxOperations": MAX_BULK_OPERATIONS, "maxPayloadSize": MAX_BULK_PAYLOAD},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "SCIM token",
                "description": "A per-organization SCIM token sent as Authorization: Bearer <token>.",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    }


def resource_types(base_url: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/User"},
        },
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "schema": GROUP_SCHEMA,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/Group"},
        },
    ]


def _attribute(name: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "multiValued": False,
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
        **extra,
    }


def schemas(base_url: str) -> list[dict[str, Any]]:
    """The attributes we keep; others sent by a client are accepted and not stored."""
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A member of the organization.",
        "attributes": [
            _attribute("userName", required=True, uniqueness="server"),
            _attribute("externalId", caseExact=True),
            _attribute("displayName"),
            _attribute(
                "name",
                "complex",
                subAttributes=[_attribute("givenName"), _attribute("familyName")],
            ),
            _attribute("title"),
            # Every member is active or not: it cannot be removed (a create without it makes an active member).
            _attribute("active", "boolean", required=True),
            # Required here, unlike RFC 7643's User: a member is reached by email, and userName need not be one
            # (Entra sends the UPN). The primary email is the member's, else the first work one, else the first.
            _attribute(
                "emails",
                "complex",
                multiValued=True,
                required=True,
                subAttributes=[
                    _attribute("value", required=True),
                    _attribute("type", canonicalValues=["work", "home", "other"]),
                    _attribute("primary", "boolean"),
                ],
            ),
            _attribute(
                "groups",
                "complex",
                multiValued=True,
                mutability="readOnly",
                subAttributes=[_attribute("value"), _attribute("display")],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{USER_SCHEMA}"},
    }
    enterprise = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": ENTERPRISE_SCHEMA,
        "name": "EnterpriseUser",
        "description": "Enterprise User",
        "attributes": [
            _attribute("employeeNumber"),
            _attribute("costCenter"),
            _attribute("organization"),
            _attribute("division"),
            _attribute("department"),
            _attribute(
                "manager",
                "complex",
                subAttributes=[
                    _attribute("value", caseExact=True),
                    _attribute("$ref", "reference", referenceTypes=["User"]),
                    _attribute("displayName", mutability="readOnly"),
                ],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{ENTERPRISE_SCHEMA}"},
    }
    group = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": GROUP_SCHEMA,
        "name": "Group",
        "description": "A group of the organization's members.",
        "attributes": [
            _attribute("displayName", required=True, uniqueness="server"),
            _attribute("externalId", caseExact=True),
            _attribute(
                "members",
                "complex",
                multiValued=True,
                subAttributes=[
                    _attribute("value", mutability="immutable"),
                    _attribute("display", mutability="readOnly"),
                    _attribute("type", mutability="immutable", canonicalValues=["User"]),
                    _attribute("$ref", "reference", mutability="immutable", referenceTypes=["User"]),
                ],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{GROUP_SCHEMA}"},
    }
    return [user, enterprise, group]
