from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.group_member_list import GroupMemberList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: str,
    *,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    params: dict[str, Any] = {}

    params["page_size"] = page_size

    params["page_token"] = page_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/groups/{group_id}/members".format(
            group_id=quote(str(group_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> GroupMemberList | Problem:
    if response.status_code == 200:
        response_200 = GroupMemberList.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[GroupMemberList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    group_id: str,
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[GroupMemberList | Problem]:
    """A group's members, one page at a time (members.read).

    Args:
        group_id (str):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GroupMemberList | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group_id: str,
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> GroupMemberList | Problem | None:
    """A group's members, one page at a time (members.read).

    Args:
        group_id (str):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GroupMemberList | Problem
    """

    return sync_detailed(
        group_id=group_id,
        client=client,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    group_id: str,
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[GroupMemberList | Problem]:
    """A group's members, one page at a time (members.read).

    Args:
        group_id (str):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GroupMemberList | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: str,
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> GroupMemberList | Problem | None:
    """A group's members, one page at a time (members.read).

    Args:
        group_id (str):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GroupMemberList | Problem
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            page_size=page_size,
            page_token=page_token,
            x_request_id=x_request_id,
        )
    ).parsed
