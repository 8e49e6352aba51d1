from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    export_id: str,
    *,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/organization/exports/{export_id}/archive".format(
            export_id=quote(str(export_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem:
    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    export_id: str,
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem]:
    """Download the data export as a ZIP, streamed: audit log (JSON lines) with its checkpoints and keys,
    members.json/csv, groups.csv, roles.json, billing/invoices.json with every PDF, analytics CSVs, and
    manifest.json naming any part the caller's role may not read (409 EXPORT_NOT_READY before,
    EXPORT_EXPIRED after 24 hours; audited).

    Args:
        export_id (str):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        export_id=export_id,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    export_id: str,
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
) -> Problem | None:
    """Download the data export as a ZIP, streamed: audit log (JSON lines) with its checkpoints and keys,
    members.json/csv, groups.csv, roles.json, billing/invoices.json with every PDF, analytics CSVs, and
    manifest.json naming any part the caller's role may not read (409 EXPORT_NOT_READY before,
    EXPORT_EXPIRED after 24 hours; audited).

    Args:
        export_id (str):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return sync_detailed(
        export_id=export_id,
        client=client,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    export_id: str,
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem]:
    """Download the data export as a ZIP, streamed: audit log (JSON lines) with its checkpoints and keys,
    members.json/csv, groups.csv, roles.json, billing/invoices.json with every PDF, analytics CSVs, and
    manifest.json naming any part the caller's role may not read (409 EXPORT_NOT_READY before,
    EXPORT_EXPIRED after 24 hours; audited).

    Args:
        export_id (str):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        export_id=export_id,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    export_id: str,
    *,
    client: AuthenticatedClient,
    x_request_id: str | Unset = UNSET,
) -> Problem | None:
    """Download the data export as a ZIP, streamed: audit log (JSON lines) with its checkpoints and keys,
    members.json/csv, groups.csv, roles.json, billing/invoices.json with every PDF, analytics CSVs, and
    manifest.json naming any part the caller's role may not read (409 EXPORT_NOT_READY before,
    EXPORT_EXPIRED after 24 hours; audited).

    Args:
        export_id (str):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return (
        await asyncio_detailed(
            export_id=export_id,
            client=client,
            x_request_id=x_request_id,
        )
    ).parsed
