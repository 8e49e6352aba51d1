from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.metadata_import import MetadataImport
from ...models.problem import Problem
from ...models.sso_connection_reply import SsoConnectionReply
from ...types import UNSET, Response, Unset


def _get_kwargs(
    connection_id: str,
    *,
    body: MetadataImport,
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
        "url": "/v1/sso/connections/{connection_id}/metadata".format(
            connection_id=quote(str(connection_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SsoConnectionReply:
    if response.status_code == 200:
        response_200 = SsoConnectionReply.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SsoConnectionReply]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    connection_id: str,
    *,
    client: AuthenticatedClient,
    body: MetadataImport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | SsoConnectionReply]:
    """Import SAML IdP metadata from an https URL (refreshed on a schedule) or XML (security.manage,
    privileged window).

    Args:
        connection_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (MetadataImport): Exactly one of the two.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoConnectionReply]
    """

    kwargs = _get_kwargs(
        connection_id=connection_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    connection_id: str,
    *,
    client: AuthenticatedClient,
    body: MetadataImport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | SsoConnectionReply | None:
    """Import SAML IdP metadata from an https URL (refreshed on a schedule) or XML (security.manage,
    privileged window).

    Args:
        connection_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (MetadataImport): Exactly one of the two.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoConnectionReply
    """

    return sync_detailed(
        connection_id=connection_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    connection_id: str,
    *,
    client: AuthenticatedClient,
    body: MetadataImport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | SsoConnectionReply]:
    """Import SAML IdP metadata from an https URL (refreshed on a schedule) or XML (security.manage,
    privileged window).

    Args:
        connection_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (MetadataImport): Exactly one of the two.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoConnectionReply]
    """

    kwargs = _get_kwargs(
        connection_id=connection_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    connection_id: str,
    *,
    client: AuthenticatedClient,
    body: MetadataImport,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | SsoConnectionReply | None:
    """Import SAML IdP metadata from an https URL (refreshed on a schedule) or XML (security.manage,
    privileged window).

    Args:
        connection_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (MetadataImport): Exactly one of the two.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoConnectionReply
    """

    return (
        await asyncio_detailed(
            connection_id=connection_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
