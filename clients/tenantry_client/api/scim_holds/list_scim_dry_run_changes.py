from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.scim_dry_run_change_list import ScimDryRunChangeList
from ...types import UNSET, Response, Unset


def _get_kwargs(
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
        "url": "/v1/scim/dry-run-changes",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ScimDryRunChangeList:
    if response.status_code == 200:
        response_200 = ScimDryRunChangeList.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | ScimDryRunChangeList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | ScimDryRunChangeList]:
    """What SCIM writes would have changed while dry-run mode was on, oldest first, a page at a time
    (security.manage).

    Args:
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScimDryRunChangeList]
    """

    kwargs = _get_kwargs(
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
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | ScimDryRunChangeList | None:
    """What SCIM writes would have changed while dry-run mode was on, oldest first, a page at a time
    (security.manage).

    Args:
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScimDryRunChangeList
    """

    return sync_detailed(
        client=client,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | ScimDryRunChangeList]:
    """What SCIM writes would have changed while dry-run mode was on, oldest first, a page at a time
    (security.manage).

    Args:
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScimDryRunChangeList]
    """

    kwargs = _get_kwargs(
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | ScimDryRunChangeList | None:
    """What SCIM writes would have changed while dry-run mode was on, oldest first, a page at a time
    (security.manage).

    Args:
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScimDryRunChangeList
    """

    return (
        await asyncio_detailed(
            client=client,
            page_size=page_size,
            page_token=page_token,
            x_request_id=x_request_id,
        )
    ).parsed
