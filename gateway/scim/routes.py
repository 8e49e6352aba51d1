"""The /scim/v2 routes: one membership RPC per operation, behind the SCIM token's check (calls.py)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from tenantry.membership.v1 import provisioning_service_pb2 as pb

from gateway.scim import resources
from gateway.scim.bulk import BulkHandlers, bulk
from gateway.scim.calls import MAX_ID, PREFIX, ScimCall, ScimFailure, patch_operations, scim_endpoint
from gateway.scim.errors import ScimResponse, scim_error


def _user_response(call: ScimCall, user: pb.ScimUser, status: int = 200) -> ScimResponse:
    document = resources.user_json(user, call.base_url)
    params = call.request.query_params
    document = resources.project(document, params.get("attributes", ""), params.get("excludedAttributes", ""))
    return ScimResponse(
        document,
        status_code=status,
        headers={"ETag": resources.etag(user.version), "Location": f"{call.base_url}/Users/{user.id}"},
    )


def _int_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ScimFailure(scim_error(400, f"{name} must be an integer.", "invalidValue")) from exc


async def list_users(call: ScimCall) -> Response:
    params = await call.search_parameters()
    start_index = max(_int_param(params, "startIndex", 1), 1)
    count = min(max(_int_param(params, "count", 100), 0), resources.MAX_RESULTS)
    reply = await call.call(
        call.clients.provisioning.ListScimUsers,
        pb.ListScimUsersRequest(
            organization_id=call.organization_id,
            filter=params.get("filter", "")[:4096],
            start_index=start_index,
            count=count,
            sort_by=params.get("sortBy", "")[:200],
            sort_descending=params.get("sortOrder", "").lower() == "descending",
        ),
    )
    found = [
        resources.project(
            resources.user_json(user, call.base_url),
            params.get("attributes", ""),
            params.get("excludedAttributes", ""),
        )
        for user in reply.users
    ]
    return ScimResponse(resources.list_response(found, reply.total_results, start_index))


async def create_user(call: ScimCall) -> Response:
    document = await call.body()
    reply = await call.call(
        call.clients.provisioning.CreateScimUser,
        pb.CreateScimUserRequest(organization_id=call.organization_id, user_json=json.dumps(document)),
    )
    return _user_response(call, reply.user, 201)


async def get_user(call: ScimCall) -> Response:
    reply = await call.call(
        call.clients.provisioning.GetScimUser,
        pb.GetScimUserRequest(organization_id=call.organization_id, user_id=call.user_id()),
    )
    if_none_match = call.request.headers.get("if-none-match", "")
    if if_none_match and resources.version_of(if_none_match) == reply.user.version:
        return Response(status_code=304, headers={"ETag": resources.etag(reply.user.version)})
    return _user_response(call, reply.user)


async def replace_user(call: ScimCall) -> Response:
    document = await call.body()
    reply = await call.call(
        call.clients.provisioning.ReplaceScimUser,
        pb.ReplaceScimUserRequest(
            organization_id=call.organization_id,
            user_id=call.user_id(),
            user_json=json.dumps(document),
            expected_version=call.expected_version(),
        ),
    )
    return _user_response(call, reply.user)


async def patch_user(call: ScimCall) -> Response:
    reply = await call.call(
        call.clients.provisioning.PatchScimUser,
        pb.PatchScimUserRequest(
            organization_id=call.organization_id,
            user_id=call.user_id(),
            operations=patch_operations(await call.body()),
            expected_version=call.expected_version(),
        ),
    )
    return _user_response(call, reply.user)


async def delete_user(call: ScimCall) -> Response:
    await call.call(
        call.clients.provisioning.DeleteScimUser,
        pb.DeleteScimUserRequest(
            organization_id=call.organization_id, user_id=call.user_id(), expected_version=call.expected_version()
        ),
    )
    return Response(status_code=204)


def _group_response(call: ScimCall, group: pb.ScimGroup, status: int = 200) -> ScimResponse:
    document = resources.group_json(group, call.base_url)
    params = call.request.query_params
    document = resources.project(document, params.get("attributes", ""), params.get("excludedAttributes", ""))
    return ScimResponse(
        document,
        status_code=status,
        headers={"ETag": resources.etag(group.version), "Location": f"{call.base_url}/Groups/{group.id}"},
    )


async def list_groups(call: ScimCall) -> Response:
    params = await call.search_parameters()
    start_index = max(_int_param(params, "startIndex", 1), 1)
    count = min(max(_int_param(params, "count", 100), 0), resources.MAX_RESULTS)
    reply = await call.call(
        call.clients.provisioning.ListScimGroups,
        pb.ListScimGroupsRequest(
            organization_id=call.organization_id,
            filter=params.get("filter", "")[:4096],
            start_index=start_index,
            count=count,
            exclude_members=not resources.wants_members(
                params.get("attributes", ""), params.get("excludedAttributes", "")
            ),
        ),
    )
    found = [
        resources.project(
            resources.group_json(group, call.base_url),
            params.get("attributes", ""),
            params.get("excludedAttributes", ""),
        )
        for group in reply.groups
    ]
    return ScimResponse(resources.list_response(found, reply.total_results, start_index))


async def create_group(call: ScimCall) -> Response:
    document = await call.body()
    reply = await call.call(
        call.clients.provisioning.CreateScimGroup,
        pb.CreateScimGroupRequest(organization_id=call.organization_id, group_json=json.dumps(document)),
    )
    return _group_response(call, reply.group, 201)


async def get_group(call: ScimCall) -> Response:
    reply = await call.call(
        call.clients.provisioning.GetScimGroup,
        pb.GetScimGroupRequest(
            organization_id=call.organization_id, group_id=call.group_id(), exclude_members=not call.wants_members()
        ),
    )
    if_none_match = call.request.headers.get("if-none-match", "")
    if if_none_match and resources.version_of(if_none_match) == reply.group.version:
        return Response(status_code=304, headers={"ETag": resources.etag(reply.group.version)})
    return _group_response(call, reply.group)


async def replace_group(call: ScimCall) -> Response:
    document = await call.body()
    reply = await call.call(
        call.clients.provisioning.ReplaceScimGroup,
        pb.ReplaceScimGroupRequest(
            organization_id=call.organization_id,
            group_id=call.group_id(),
            group_json=json.dumps(document),
            expected_version=call.expected_version(),
        ),
    )
    return _group_response(call, reply.group)


async def patch_group(call: ScimCall) -> Response:
    """200 with the Group when attributes were asked for, else 204 (RFC 7644 §3.5.2): a group of 50,000 is not
    sent back for each member added."""
    params = call.request.query_params
    asked = bool(params.get("attributes", "").strip())
    reply = await call.call(
        call.clients.provisioning.PatchScimGroup,
        pb.PatchScimGroupRequest(
            organization_id=call.organization_id,
            group_id=call.group_id(),
            operations=patch_operations(await call.body()),
            expected_version=call.expected_version(),
            include_members=asked and call.wants_members(),
        ),
    )
    if asked:
        return _group_response(call, reply.group)
    return Response(status_code=204, headers={"ETag": resources.etag(reply.group.version)})


async def delete_group(call: ScimCall) -> Response:
    await call.call(
        call.clients.provisioning.DeleteScimGroup,
        pb.DeleteScimGroupRequest(
            organization_id=call.organization_id, group_id=call.group_id(), expected_version=call.expected_version()
        ),
    )
    return Response(status_code=204)


async def service_provider_config(call: ScimCall) -> Response:
    return ScimResponse(resources.service_provider_config(call.base_url))


async def resource_types(call: ScimCall) -> Response:
    found = resources.resource_types(call.base_url)
    return ScimResponse(resources.list_response(found, len(found), 1))


async def schemas(call: ScimCall) -> Response:
    found = resources.schemas(call.base_url)
    return ScimResponse(resources.list_response(found, len(found), 1))


async def search_every_resource_type(call: ScimCall) -> Response:
    return scim_error(501, "Search one resource type at a time: POST to /Users/.search or /Groups/.search.")


def _one_of(described: list[dict[str, Any]], wanted: str, kind: str) -> Response:
    """One discovery document by its id (RFC 7644 §4), or the SCIM 404."""
    for document in described:
        if document["id"] == wanted:
            return ScimResponse(document)
    return scim_error(404, f"No {kind} {wanted[: MAX_ID * 2]!r}.")


async def resource_type(call: ScimCall) -> Response:
    return _one_of(resources.resource_types(call.base_url), str(call.request.path_params["id"]), "resource type")


async def schema(call: ScimCall) -> Response:
    return _one_of(resources.schemas(call.base_url), str(call.request.path_params["id"]), "schema")


_BULK_HANDLERS: BulkHandlers = {
    ("POST", "Users"): create_user,
    ("PUT", "Users"): replace_user,
    ("PATCH", "Users"): patch_user,
    ("DELETE", "Users"): delete_user,
    ("POST", "Groups"): create_group,
    ("PUT", "Groups"): replace_group,
    ("PATCH", "Groups"): patch_group,
    ("DELETE", "Groups"): delete_group,
}


def build_scim_routes() -> list[BaseRoute]:
    return [
        Route(f"{PREFIX}/Users", scim_endpoint(list_users), methods=["GET"]),
        Route(f"{PREFIX}/Users", scim_endpoint(create_user), methods=["POST"]),
        Route(f"{PREFIX}/Users/.search", scim_endpoint(list_users), methods=["POST"]),
        Route(f"{PREFIX}/Users/{{user_id}}", scim_endpoint(get_user), methods=["GET"]),
        Route(f"{PREFIX}/Users/{{user_id}}", scim_endpoint(replace_user), methods=["PUT"]),
        Route(f"{PREFIX}/Users/{{user_id}}", scim_endpoint(patch_user), methods=["PATCH"]),
        Route(f"{PREFIX}/Users/{{user_id}}", scim_endpoint(delete_user), methods=["DELETE"]),
        Route(f"{PREFIX}/ServiceProviderConfig", scim_endpoint(service_provider_config), methods=["GET"]),
        Route(f"{PREFIX}/ResourceTypes", scim_endpoint(resource_types), methods=["GET"]),
        Route(f"{PREFIX}/Schemas", scim_endpoint(schemas), methods=["GET"]),
        Route(f"{PREFIX}/ResourceTypes/{{id}}", scim_endpoint(resource_type), methods=["GET"]),
        Route(f"{PREFIX}/Schemas/{{id}}", scim_endpoint(schema), methods=["GET"]),
        Route(f"{PREFIX}/Groups", scim_endpoint(list_groups), methods=["GET"]),
        Route(f"{PREFIX}/Groups", scim_endpoint(create_group), methods=["POST"]),
        Route(f"{PREFIX}/Groups/.search", scim_endpoint(list_groups), methods=["POST"]),
        Route(f"{PREFIX}/Groups/{{group_id}}", scim_endpoint(get_group), methods=["GET"]),
        Route(f"{PREFIX}/Groups/{{group_id}}", scim_endpoint(replace_group), methods=["PUT"]),
        Route(f"{PREFIX}/Groups/{{group_id}}", scim_endpoint(patch_group), methods=["PATCH"]),
        Route(f"{PREFIX}/Groups/{{group_id}}", scim_endpoint(delete_group), methods=["DELETE"]),
        Route(f"{PREFIX}/.search", scim_endpoint(search_every_resource_type), methods=["POST"]),
        Route(f"{PREFIX}/Bulk", scim_endpoint(lambda call: bulk(call, _BULK_HANDLERS)), methods=["POST"]),
    ]
