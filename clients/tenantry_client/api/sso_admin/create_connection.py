from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.new_sso_connection import NewSsoConnection
from ...models.problem import Problem
from ...models.sso_connection_reply import SsoConnectionReply
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NewSsoConnection,
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
        "url": "/v1/sso/connections",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SsoConnectionReply:
    if response.status_code == 201:
        response_201 = SsoConnectionReply.from_dict(response.json())

        return response_201

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
    *,
    client: AuthenticatedClient,
    body: NewSsoConnection,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | SsoConnectionReply]:
    """Connect a SAML IdP (by metadata URL or XML, or by hand) or an OIDC provider (security.manage,
    privileged window); it starts disabled. Metadata the service refuses leaves no connection.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewSsoConnection): A connection; it starts disabled. SAML takes `saml`, OIDC takes
            `oidc`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoConnectionReply]
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
    body: NewSsoConnection,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | SsoConnectionReply | None:
    """Connect a SAML IdP (by metadata URL or XML, or by hand) or an OIDC provider (security.manage,
    privileged window); it starts disabled. Metadata the service refuses leaves no connection.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewSsoConnection): A connection; it starts disabled. SAML takes `saml`, OIDC takes
            `oidc`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoConnectionReply
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
    body: NewSsoConnection,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | SsoConnectionReply]:
    """Connect a SAML IdP (by metadata URL or XML, or by hand) or an OIDC provider (security.manage,
    privileged window); it starts disabled. Metadata the service refuses leaves no connection.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewSsoConnection): A connection; it starts disabled. SAML takes `saml`, OIDC takes
            `oidc`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoConnectionReply]
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
    body: NewSsoConnection,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | SsoConnectionReply | None:
    """Connect a SAML IdP (by metadata URL or XML, or by hand) or an OIDC provider (security.manage,
    privileged window); it starts disabled. Metadata the service refuses leaves no connection.

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (NewSsoConnection): A connection; it starts disabled. SAML takes `saml`, OIDC takes
            `oidc`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoConnectionReply
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
