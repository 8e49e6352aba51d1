from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.scim_token_list import ScimTokenList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    include_inactive: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    params: dict[str, Any] = {}

    params["include_inactive"] = include_inactive

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/scim-tokens",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ScimTokenList:
    if response.status_code == 200:
        response_200 = ScimTokenList.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | ScimTokenList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    include_inactive: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | ScimTokenList]:
    """The organization's SCIM tokens, without secrets, with their last use (security.manage).

    Args:
        include_inactive (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScimTokenList]
    """

    kwargs = _get_kwargs(
        include_inactive=include_inactive,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    include_inactive: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Problem | ScimTokenList | None:
    """The organization's SCIM tokens, without secrets, with their last use (security.manage).

    Args:
        include_inactive (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScimTokenList
    """

    return sync_detailed(
        client=client,
        include_inactive=include_inactive,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    include_inactive: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | ScimTokenList]:
    """The organization's SCIM tokens, without secrets, with their last use (security.manage).

    Args:
        include_inactive (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScimTokenList]
    """

    kwargs = _get_kwargs(
        include_inactive=include_inactive,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    include_inactive: bool | Unset = False,
    x_request_id: str | Unset = UNSET,
) -> Problem | ScimTokenList | None:
    """The organization's SCIM tokens, without secrets, with their last use (security.manage).

    Args:
        include_inactive (bool | Unset):  Default: False.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScimTokenList
    """

    return (
        await asyncio_detailed(
            client=client,
            include_inactive=include_inactive,
            x_request_id=x_request_id,
        )
    ).parsed
