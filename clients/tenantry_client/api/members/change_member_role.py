from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.member_reply import MemberReply
from ...models.problem import Problem
from ...models.role_change import RoleChange
from ...types import UNSET, Response, Unset


def _get_kwargs(
    member_id: str,
    *,
    body: RoleChange,
    if_match: str,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["If-Match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/members/{member_id}".format(
            member_id=quote(str(member_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MemberReply | Problem:
    if response.status_code == 200:
        response_200 = MemberReply.from_dict(response.json())

        return response_200

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MemberReply | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: RoleChange,
    if_match: str,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[MemberReply | Problem]:
    """Change a member's role (members.manage_roles). If-Match is required: the member's etag as read, or *
    to change whatever is current.

    Args:
        member_id (str):
        if_match (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (RoleChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberReply | Problem]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: RoleChange,
    if_match: str,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> MemberReply | Problem | None:
    """Change a member's role (members.manage_roles). If-Match is required: the member's etag as read, or *
    to change whatever is current.

    Args:
        member_id (str):
        if_match (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (RoleChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberReply | Problem
    """

    return sync_detailed(
        member_id=member_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: RoleChange,
    if_match: str,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[MemberReply | Problem]:
    """Change a member's role (members.manage_roles). If-Match is required: the member's etag as read, or *
    to change whatever is current.

    Args:
        member_id (str):
        if_match (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (RoleChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberReply | Problem]
    """

    kwargs = _get_kwargs(
        member_id=member_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    member_id: str,
    *,
    client: AuthenticatedClient,
    body: RoleChange,
    if_match: str,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> MemberReply | Problem | None:
    """Change a member's role (members.manage_roles). If-Match is required: the member's etag as read, or *
    to change whatever is current.

    Args:
        member_id (str):
        if_match (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (RoleChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberReply | Problem
    """

    return (
        await asyncio_detailed(
            member_id=member_id,
            client=client,
            body=body,
            if_match=if_match,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
