from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.module_reply import ModuleReply
from ...models.module_switch import ModuleSwitch
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    module_id: str,
    *,
    body: ModuleSwitch,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/modules/{module_id}".format(
            module_id=quote(str(module_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModuleReply | Problem:
    if response.status_code == 200:
        response_200 = ModuleReply.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ModuleReply | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    module_id: str,
    *,
    client: AuthenticatedClient,
    body: ModuleSwitch,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ModuleReply | Problem]:
    """Switch a module on or off for the whole organization; on needs the plan's entitlement (409
    ENTITLEMENT_REQUIRED naming the plans that include it) (org.manage).

    Args:
        module_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ModuleSwitch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModuleReply | Problem]
    """

    kwargs = _get_kwargs(
        module_id=module_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    module_id: str,
    *,
    client: AuthenticatedClient,
    body: ModuleSwitch,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ModuleReply | Problem | None:
    """Switch a module on or off for the whole organization; on needs the plan's entitlement (409
    ENTITLEMENT_REQUIRED naming the plans that include it) (org.manage).

    Args:
        module_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ModuleSwitch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModuleReply | Problem
    """

    return sync_detailed(
        module_id=module_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    module_id: str,
    *,
    client: AuthenticatedClient,
    body: ModuleSwitch,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[ModuleReply | Problem]:
    """Switch a module on or off for the whole organization; on needs the plan's entitlement (409
    ENTITLEMENT_REQUIRED naming the plans that include it) (org.manage).

    Args:
        module_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ModuleSwitch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModuleReply | Problem]
    """

    kwargs = _get_kwargs(
        module_id=module_id,
        body=body,
        idempotency_key=idempotency_key,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    module_id: str,
    *,
    client: AuthenticatedClient,
    body: ModuleSwitch,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> ModuleReply | Problem | None:
    """Switch a module on or off for the whole organization; on needs the plan's entitlement (409
    ENTITLEMENT_REQUIRED naming the plans that include it) (org.manage).

    Args:
        module_id (str):
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (ModuleSwitch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModuleReply | Problem
    """

    return (
        await asyncio_detailed(
            module_id=module_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
