from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.list_members_order_by import ListMembersOrderBy
from ...models.list_members_status import ListMembersStatus
from ...models.member_list import MemberList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ListMembersStatus | Unset = UNSET,
    email: str | Unset = UNSET,
    role: str | Unset = UNSET,
    group_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    order_by: ListMembersOrderBy | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["email"] = email

    params["role"] = role

    params["group_id"] = group_id

    params["search"] = search

    json_order_by: str | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = order_by.value

    params["order_by"] = json_order_by

    params["page_size"] = page_size

    params["page_token"] = page_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MemberList | Problem:
    if response.status_code == 200:
        response_200 = MemberList.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MemberList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ListMembersStatus | Unset = UNSET,
    email: str | Unset = UNSET,
    role: str | Unset = UNSET,
    group_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    order_by: ListMembersOrderBy | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[MemberList | Problem]:
    """List, search and sort members (members.read): search is a prefix of the email or name; order_by is
    `create_time desc` (default), `name` or `email`.

    Args:
        status (ListMembersStatus | Unset):
        email (str | Unset):
        role (str | Unset):
        group_id (str | Unset):
        search (str | Unset):
        order_by (ListMembersOrderBy | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberList | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        email=email,
        role=role,
        group_id=group_id,
        search=search,
        order_by=order_by,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: ListMembersStatus | Unset = UNSET,
    email: str | Unset = UNSET,
    role: str | Unset = UNSET,
    group_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    order_by: ListMembersOrderBy | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> MemberList | Problem | None:
    """List, search and sort members (members.read): search is a prefix of the email or name; order_by is
    `create_time desc` (default), `name` or `email`.

    Args:
        status (ListMembersStatus | Unset):
        email (str | Unset):
        role (str | Unset):
        group_id (str | Unset):
        search (str | Unset):
        order_by (ListMembersOrderBy | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberList | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        email=email,
        role=role,
        group_id=group_id,
        search=search,
        order_by=order_by,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ListMembersStatus | Unset = UNSET,
    email: str | Unset = UNSET,
    role: str | Unset = UNSET,
    group_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    order_by: ListMembersOrderBy | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[MemberList | Problem]:
    """List, search and sort members (members.read): search is a prefix of the email or name; order_by is
    `create_time desc` (default), `name` or `email`.

    Args:
        status (ListMembersStatus | Unset):
        email (str | Unset):
        role (str | Unset):
        group_id (str | Unset):
        search (str | Unset):
        order_by (ListMembersOrderBy | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberList | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        email=email,
        role=role,
        group_id=group_id,
        search=search,
        order_by=order_by,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ListMembersStatus | Unset = UNSET,
    email: str | Unset = UNSET,
    role: str | Unset = UNSET,
    group_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    order_by: ListMembersOrderBy | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> MemberList | Problem | None:
    """List, search and sort members (members.read): search is a prefix of the email or name; order_by is
    `create_time desc` (default), `name` or `email`.

    Args:
        status (ListMembersStatus | Unset):
        email (str | Unset):
        role (str | Unset):
        group_id (str | Unset):
        search (str | Unset):
        order_by (ListMembersOrderBy | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            email=email,
            role=role,
            group_id=group_id,
            search=search,
            order_by=order_by,
            page_size=page_size,
            page_token=page_token,
            x_request_id=x_request_id,
        )
    ).parsed
