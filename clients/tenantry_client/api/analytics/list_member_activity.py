import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.member_activity_list import MemberActivityList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start_day: datetime.date | Unset = UNSET,
    end_day: datetime.date | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    params: dict[str, Any] = {}

    json_start_day: str | Unset = UNSET
    if not isinstance(start_day, Unset):
        json_start_day = start_day.isoformat()
    params["start_day"] = json_start_day

    json_end_day: str | Unset = UNSET
    if not isinstance(end_day, Unset):
        json_end_day = end_day.isoformat()
    params["end_day"] = json_end_day

    params["page_size"] = page_size

    params["page_token"] = page_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/analytics/members",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MemberActivityList | Problem:
    if response.status_code == 200:
        response_200 = MemberActivityList.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MemberActivityList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    start_day: datetime.date | Unset = UNSET,
    end_day: datetime.date | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[MemberActivityList | Problem]:
    """Activity per member over a period: active days, last active day, sign-ins, usage (analytics.read).

    Args:
        start_day (datetime.date | Unset):
        end_day (datetime.date | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberActivityList | Problem]
    """

    kwargs = _get_kwargs(
        start_day=start_day,
        end_day=end_day,
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
    start_day: datetime.date | Unset = UNSET,
    end_day: datetime.date | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> MemberActivityList | Problem | None:
    """Activity per member over a period: active days, last active day, sign-ins, usage (analytics.read).

    Args:
        start_day (datetime.date | Unset):
        end_day (datetime.date | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberActivityList | Problem
    """

    return sync_detailed(
        client=client,
        start_day=start_day,
        end_day=end_day,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    start_day: datetime.date | Unset = UNSET,
    end_day: datetime.date | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[MemberActivityList | Problem]:
    """Activity per member over a period: active days, last active day, sign-ins, usage (analytics.read).

    Args:
        start_day (datetime.date | Unset):
        end_day (datetime.date | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberActivityList | Problem]
    """

    kwargs = _get_kwargs(
        start_day=start_day,
        end_day=end_day,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    start_day: datetime.date | Unset = UNSET,
    end_day: datetime.date | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> MemberActivityList | Problem | None:
    """Activity per member over a period: active days, last active day, sign-ins, usage (analytics.read).

    Args:
        start_day (datetime.date | Unset):
        end_day (datetime.date | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberActivityList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            start_day=start_day,
            end_day=end_day,
            page_size=page_size,
            page_token=page_token,
            x_request_id=x_request_id,
        )
    ).parsed
