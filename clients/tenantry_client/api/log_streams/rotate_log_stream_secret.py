from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.rotated_log_stream_secret import RotatedLogStreamSecret
from ...models.secret_rotation import SecretRotation
from ...types import UNSET, Response, Unset


def _get_kwargs(
    log_stream_id: str,
    *,
    body: SecretRotation,
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
        "url": "/v1/audit/log-streams/{log_stream_id}/rotate-secret".format(
            log_stream_id=quote(str(log_stream_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RotatedLogStreamSecret:
    if response.status_code == 200:
        response_200 = RotatedLogStreamSecret.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | RotatedLogStreamSecret]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    log_stream_id: str,
    *,
    client: AuthenticatedClient,
    body: SecretRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RotatedLogStreamSecret]:
    """Replace the signing secret, shown once; the old one keeps signing alongside it for overlap_seconds
    (default 24 hours, both v1 in Tenantry-Signature), then stops (security.manage, a recent sign-in).
    Audited.

    Args:
        log_stream_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (SecretRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RotatedLogStreamSecret]
    """

    kwargs = _get_kwargs(
        log_stream_id=log_stream_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    log_stream_id: str,
    *,
    client: AuthenticatedClient,
    body: SecretRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | RotatedLogStreamSecret | None:
    """Replace the signing secret, shown once; the old one keeps signing alongside it for overlap_seconds
    (default 24 hours, both v1 in Tenantry-Signature), then stops (security.manage, a recent sign-in).
    Audited.

    Args:
        log_stream_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (SecretRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RotatedLogStreamSecret
    """

    return sync_detailed(
        log_stream_id=log_stream_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    log_stream_id: str,
    *,
    client: AuthenticatedClient,
    body: SecretRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RotatedLogStreamSecret]:
    """Replace the signing secret, shown once; the old one keeps signing alongside it for overlap_seconds
    (default 24 hours, both v1 in Tenantry-Signature), then stops (security.manage, a recent sign-in).
    Audited.

    Args:
        log_stream_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (SecretRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RotatedLogStreamSecret]
    """

    kwargs = _get_kwargs(
        log_stream_id=log_stream_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    log_stream_id: str,
    *,
    client: AuthenticatedClient,
    body: SecretRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | RotatedLogStreamSecret | None:
    """Replace the signing secret, shown once; the old one keeps signing alongside it for overlap_seconds
    (default 24 hours, both v1 in Tenantry-Signature), then stops (security.manage, a recent sign-in).
    Audited.

    Args:
        log_stream_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (SecretRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RotatedLogStreamSecret
    """

    return (
        await asyncio_detailed(
            log_stream_id=log_stream_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
