from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.plan_change_preview import PlanChangePreview
from ...models.plan_choice import PlanChoice
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PlanChoice,
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
        "url": "/v1/billing/subscription/plan/preview",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanChangePreview | Problem:
    if response.status_code == 200:
        response_200 = PlanChangePreview.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PlanChangePreview | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PlanChoice,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[PlanChangePreview | Problem]:
    """What moving to this plan would do now, changing nothing: whether it applies now or at the renewal,
    the prorated charge of an upgrade (the amount then charged) and the next renewal's invoice; refused
    as the change would be (billing.manage).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (PlanChoice):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanChangePreview | Problem]
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
    body: PlanChoice,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> PlanChangePreview | Problem | None:
    """What moving to this plan would do now, changing nothing: whether it applies now or at the renewal,
    the prorated charge of an upgrade (the amount then charged) and the next renewal's invoice; refused
    as the change would be (billing.manage).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (PlanChoice):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanChangePreview | Problem
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
    body: PlanChoice,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[PlanChangePreview | Problem]:
    """What moving to this plan would do now, changing nothing: whether it applies now or at the renewal,
    the prorated charge of an upgrade (the amount then charged) and the next renewal's invoice; refused
    as the change would be (billing.manage).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (PlanChoice):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanChangePreview | Problem]
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
    body: PlanChoice,
    idempotency_key: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> PlanChangePreview | Problem | None:
    """What moving to this plan would do now, changing nothing: whether it applies now or at the renewal,
    the prorated charge of an upgrade (the amount then charged) and the next renewal's invoice; refused
    as the change would be (billing.manage).

    Args:
        idempotency_key (str | Unset):
        x_request_id (str | Unset):
        body (PlanChoice):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanChangePreview | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_request_id=x_request_id,
        )
    ).parsed
