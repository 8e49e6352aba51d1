import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.audit_entry_list import AuditEntryList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    actor_ip: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    text: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_request_id, Unset):
        headers["X-Request-Id"] = x_request_id

    params: dict[str, Any] = {}

    params["action"] = action

    params["action_prefix"] = action_prefix

    params["actor_id"] = actor_id

    params["actor_ip"] = actor_ip

    params["target_id"] = target_id

    json_start_time: str | Unset = UNSET
    if not isinstance(start_time, Unset):
        json_start_time = start_time.isoformat()
    params["start_time"] = json_start_time

    json_end_time: str | Unset = UNSET
    if not isinstance(end_time, Unset):
        json_end_time = end_time.isoformat()
    params["end_time"] = json_end_time

    params["text"] = text

    params["page_size"] = page_size

    params["page_token"] = page_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit/entries",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditEntryList | Problem:
    if response.status_code == 200:
        response_200 = AuditEntryList.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditEntryList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    actor_ip: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    text: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[AuditEntryList | Problem]:
    """Search the audit log, newest first (audit.read): exact action or a prefix (`member.`), actor, actor
    IP, target, time range, free text in the details; page tokens stay valid while entries are appended.

    Args:
        action (str | Unset):
        action_prefix (str | Unset):
        actor_id (str | Unset):
        actor_ip (str | Unset):
        target_id (str | Unset):
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        text (str | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEntryList | Problem]
    """

    kwargs = _get_kwargs(
        action=action,
        action_prefix=action_prefix,
        actor_id=actor_id,
        actor_ip=actor_ip,
        target_id=target_id,
        start_time=start_time,
        end_time=end_time,
        text=text,
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
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    actor_ip: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    text: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> AuditEntryList | Problem | None:
    """Search the audit log, newest first (audit.read): exact action or a prefix (`member.`), actor, actor
    IP, target, time range, free text in the details; page tokens stay valid while entries are appended.

    Args:
        action (str | Unset):
        action_prefix (str | Unset):
        actor_id (str | Unset):
        actor_ip (str | Unset):
        target_id (str | Unset):
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        text (str | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEntryList | Problem
    """

    return sync_detailed(
        client=client,
        action=action,
        action_prefix=action_prefix,
        actor_id=actor_id,
        actor_ip=actor_ip,
        target_id=target_id,
        start_time=start_time,
        end_time=end_time,
        text=text,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    actor_ip: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    text: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> Response[AuditEntryList | Problem]:
    """Search the audit log, newest first (audit.read): exact action or a prefix (`member.`), actor, actor
    IP, target, time range, free text in the details; page tokens stay valid while entries are appended.

    Args:
        action (str | Unset):
        action_prefix (str | Unset):
        actor_id (str | Unset):
        actor_ip (str | Unset):
        target_id (str | Unset):
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        text (str | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEntryList | Problem]
    """

    kwargs = _get_kwargs(
        action=action,
        action_prefix=action_prefix,
        actor_id=actor_id,
        actor_ip=actor_ip,
        target_id=target_id,
        start_time=start_time,
        end_time=end_time,
        text=text,
        page_size=page_size,
        page_token=page_token,
        x_request_id=x_request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor_id: str | Unset = UNSET,
    actor_ip: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    text: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    x_request_id: str | Unset = UNSET,
) -> AuditEntryList | Problem | None:
    """Search the audit log, newest first (audit.read): exact action or a prefix (`member.`), actor, actor
    IP, target, time range, free text in the details; page tokens stay valid while entries are appended.

    Args:
        action (str | Unset):
        action_prefix (str | Unset):
        actor_id (str | Unset):
        actor_ip (str | Unset):
        target_id (str | Unset):
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        text (str | Unset):
        page_size (int | Unset): Items per page (the service's default when absent).
        page_token (str | Unset):
        x_request_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEntryList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            action=action,
            action_prefix=action_prefix,
            actor_id=actor_id,
            actor_ip=actor_ip,
            target_id=target_id,
            start_time=start_time,
            end_time=end_time,
            text=text,
            page_size=page_size,
            page_token=page_token,
            x_request_id=x_request_id,
        )
    ).parsed
