from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.rotated_scim_token import RotatedScimToken
from ...models.scim_token_rotation import ScimTokenRotation
from ...types import UNSET, Response, Unset


def _get_kwargs(
    token_id: str,
    *,
    body: ScimTokenRotation,
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
        "url": "/v1/scim-tokens/{token_id}/rotate".format(
            token_id=quote(str(token_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RotatedScimToken:
    if response.status_code == 201:
        response_201 = RotatedScimToken.from_dict(response.json())

        return response_201

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | RotatedScimToken]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    token_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimTokenRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RotatedScimToken]:
    """Replace a SCIM token; the old one keeps working for overlap_seconds (security.manage, recent sign-
    in).

    Args:
        token_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ScimTokenRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RotatedScimToken]
    """

    kwargs = _get_kwargs(
        token_id=token_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    token_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimTokenRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | RotatedScimToken | None:
    """Replace a SCIM token; the old one keeps working for overlap_seconds (security.manage, recent sign-
    in).

    Args:
        token_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ScimTokenRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RotatedScimToken
    """

    return sync_detailed(
        token_id=token_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    token_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimTokenRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[Problem | RotatedScimToken]:
    """Replace a SCIM token; the old one keeps working for overlap_seconds (security.manage, recent sign-
    in).

    Args:
        token_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ScimTokenRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RotatedScimToken]
    """

    kwargs = _get_kwargs(
        token_id=token_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    token_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimTokenRotation,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Problem | RotatedScimToken | None:
    """Replace a SCIM token; the old one keeps working for overlap_seconds (security.manage, recent sign-
    in).

    Args:
        token_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ScimTokenRotation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RotatedScimToken
    """

    return (
        await asyncio_detailed(
            token_id=token_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
