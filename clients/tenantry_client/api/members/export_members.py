from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.export_members_format import ExportMembersFormat
from ...models.organization_export import OrganizationExport
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    format_: ExportMembersFormat | Unset = ExportMembersFormat.CSV,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members/export",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> OrganizationExport | Problem:
    if response.status_code == 200:
        response_200 = OrganizationExport.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[OrganizationExport | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    format_: ExportMembersFormat | Unset = ExportMembersFormat.CSV,
    x_request_id: str | Unset = UNSET,
) -> Response[OrganizationExport | Problem]:
    """Export members (format=csv), groups (format=groups_csv) or both (format=json); CSV formulas are
    neutralised (members.read).

    Args:
        format_ (ExportMembersFormat | Unset):  Default: ExportMembersFormat.CSV.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrganizationExport | Problem]
    """

    kwargs = _get_kwargs(
        format_=format_,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    format_: ExportMembersFormat | Unset = ExportMembersFormat.CSV,
    x_request_id: str | Unset = UNSET,
) -> OrganizationExport | Problem | None:
    """Export members (format=csv), groups (format=groups_csv) or both (format=json); CSV formulas are
    neutralised (members.read).

    Args:
        format_ (ExportMembersFormat | Unset):  Default: ExportMembersFormat.CSV.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrganizationExport | Problem
    """

    return sync_detailed(
        client=client,
        format_=format_,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    format_: ExportMembersFormat | Unset = ExportMembersFormat.CSV,
    x_request_id: str | Unset = UNSET,
) -> Response[OrganizationExport | Problem]:
    """Export members (format=csv), groups (format=groups_csv) or both (format=json); CSV formulas are
    neutralised (members.read).

    Args:
        format_ (ExportMembersFormat | Unset):  Default: ExportMembersFormat.CSV.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrganizationExport | Problem]
    """

    kwargs = _get_kwargs(
        format_=format_,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    format_: ExportMembersFormat | Unset = ExportMembersFormat.CSV,
    x_request_id: str | Unset = UNSET,
) -> OrganizationExport | Problem | None:
    """Export members (format=csv), groups (format=groups_csv) or both (format=json); CSV formulas are
    neutralised (members.read).

    Args:
        format_ (ExportMembersFormat | Unset):  Default: ExportMembersFormat.CSV.
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrganizationExport | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            format_=format_,
            x_request_id=x_request_id,
        )
    ).parsed
