from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.audit_export import AuditExport
from ...models.new_audit_export import NewAuditExport
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NewAuditExport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/audit/exports",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditExport | Problem:
    if response.status_code == 202:
        response_202 = AuditExport.from_dict(response.json())

        return response_202

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditExport | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: NewAuditExport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[AuditExport | Problem]:
    """Ask for a CSV or JSON-lines file of the audit log, filtered by time range, action, actor, target or
    text; a job writes it (poll the export for its progress). One at a time per organization (409
    EXPORT_IN_PROGRESS); needs the plan's audit_export. Audited (audit.read).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewAuditExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditExport | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: NewAuditExport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> AuditExport | Problem | None:
    """Ask for a CSV or JSON-lines file of the audit log, filtered by time range, action, actor, target or
    text; a job writes it (poll the export for its progress). One at a time per organization (409
    EXPORT_IN_PROGRESS); needs the plan's audit_export. Audited (audit.read).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewAuditExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditExport | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: NewAuditExport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[AuditExport | Problem]:
    """Ask for a CSV or JSON-lines file of the audit log, filtered by time range, action, actor, target or
    text; a job writes it (poll the export for its progress). One at a time per organization (409
    EXPORT_IN_PROGRESS); needs the plan's audit_export. Audited (audit.read).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewAuditExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditExport | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: NewAuditExport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> AuditExport | Problem | None:
    """Ask for a CSV or JSON-lines file of the audit log, filtered by time range, action, actor, target or
    text; a job writes it (poll the export for its progress). One at a time per organization (409
    EXPORT_IN_PROGRESS); needs the plan's audit_export. Audited (audit.read).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewAuditExport):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditExport | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
