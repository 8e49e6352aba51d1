"""Splunk HEC and Datadog streams against a real local receiver reading their bodies and headers as those services
do; the destination token stored sealed; the signing secret rotated with an overlap."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.audit.domain.log_stream_formats import DATADOG, SPLUNK_HEC
from services.audit.domain.log_streams import ACTIVE, SECRET_ROTATED_ACTION, signature, verify_signature
from services.audit.store.log_streams import log_streams
from services.audit.tests.siem_receiver import hec_objects
from services.audit.tests.stream_harness import ADMIN, MEMBER, ORG, Streams
from services.common.errors import InvalidArgument, PermissionDenied

HEC_TOKEN = "11111111-2222-3333-4444-555555555555"
DD_API_KEY = "dd0123456789abcdef0123456789abcd"


async def stored(streams: Streams, stream_id: str) -> dict[str, object]:
    async with streams.db.read() as connection:
        row = (await connection.execute(select(log_streams).where(log_streams.c.id == stream_id))).one()
    return dict(row._mapping)


async def test_a_splunk_stream_posts_hec_events_with_the_splunk_token(streams: Streams) -> None:
    receiver = streams.receiver
    receiver.format, receiver.credential = SPLUNK_HEC, ("authorization", f"Splunk {HEC_TOKEN}")
    view, secret = await streams.use_cases.create(ADMIN, ORG, "Splunk", receiver.url, SPLUNK_HEC, HEC_TOKEN)
    assert view.stream.format == SPLUNK_HEC
    await streams.add(2)
    assert await streams.use_cases.deliver_due() == 3
    header, body = receiver.requests[0]
    assert receiver.headers[0]["content-type"] == "application/json"
    assert verify_signature(secret, header, body)  # signed like every format
    objects = hec_objects(body)
    assert [set(item) for item in objects] == [{"time", "host", "source", "sourcetype", "event"}] * 3
    assert {(item["host"], item["source"], item["sourcetype"]) for item in objects} == {
        ("tenantry", "tenantry", "tenantry:audit")
    }
    assert [item["event"]["sequence"] for item in objects] == [1, 2, 3]
    first = objects[0]
    assert first["time"] == datetime.fromisoformat(first["event"]["occurred_at"]).timestamp()
    assert first["event"]["action"] == "log_stream.created" and first["event"]["organization_id"] == ORG
    assert all(item["event"]["id"] for item in objects)  # event ids for deduplication
    row = await stored(streams, view.stream.id)
    assert str(row["destination_token"]).startswith("sb1.") and HEC_TOKEN not in str(row["destination_token"])
    assert HEC_TOKEN not in body.decode()


async def test_a_datadog_stream_posts_a_json_array_of_logs_with_the_api_key(streams: Streams) -> None:
    receiver = streams.receiver
    receiver.format, receiver.credential = DATADOG, ("dd-api-key", DD_API_KEY)
    view, _ = await streams.use_cases.create(ADMIN, ORG, "Datadog", receiver.url, DATADOG, DD_API_KEY)
    await streams.add(1)
    assert await streams.use_cases.deliver_due() == 2
    logs = receiver.kept
    assert [log["sequence"] for log in logs] == [1, 2]
    for log in logs:
        assert (log["ddsource"], log["service"], log["hostname"]) == ("tenantry", "tenantry-audit", "tenantry")
        assert log["ddtags"] == f"organization_id:{ORG},stream_id:{view.stream.id},action:{log['action']}"
        assert log["message"].startswith(f"{log['action']} by ")
        assert log["id"] and log["actor"]["type"] and log["target"]["type"]  # the event's fields as attributes
    assert logs[0]["message"] == "log_stream.created by admin on log_stream Datadog"
    assert "authorization" not in receiver.headers[0]


async def test_a_rejected_token_fails_the_stream_until_an_admin_gives_the_right_one(streams: Streams) -> None:
    receiver = streams.receiver
    receiver.format, receiver.credential = DATADOG, ("dd-api-key", DD_API_KEY)
    view, _ = await streams.use_cases.create(ADMIN, ORG, "Datadog", receiver.url, DATADOG, "wrong-key-000000")
    assert await streams.use_cases.deliver_due() == 0
    failing = await streams.view(view.stream.id)
    assert "HTTP 401" in failing.stream.last_error and failing.stream.attempts == 1

    await streams.use_cases.update(ADMIN, ORG, view.stream.id, None, None, token=DD_API_KEY)
    assert await streams.use_cases.deliver_due() == 0  # still backing off: the next attempt waits its time
    updated = await streams.view(view.stream.id)
    assert updated.stream.next_attempt_at is not None
    streams.clock.advance(updated.stream.next_attempt_at - streams.clock.now())
    assert await streams.use_cases.deliver_due() == 2  # created, then the token change
    assert [log["action"] for log in receiver.kept] == ["log_stream.created", "log_stream.updated"]
    assert DD_API_KEY not in str(receiver.kept) and "wrong-key" not in str(receiver.kept)


@pytest.mark.parametrize(
    ("format_name", "token", "field"),
    [
        (SPLUNK_HEC, "", "destination_token"),
        (DATADOG, "short", "destination_token"),
        (DATADOG, "has a space in it", "destination_token"),
        ("webhook", "a-token-a-webhook-does-not-take", "destination_token"),
        ("syslog", "", "format"),
    ],
)
async def test_a_destination_needs_the_token_its_format_takes(
    streams: Streams, format_name: str, token: str, field: str
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url, format_name, token)
    assert [violation.field for violation in refused.value.violations] == [field]
    assert await streams.use_cases.list(ADMIN, ORG) == []  # nothing half-written


async def test_a_webhook_token_cannot_be_set_afterwards(streams: Streams) -> None:
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    with pytest.raises(InvalidArgument):
        await streams.use_cases.update(ADMIN, ORG, view.stream.id, None, None, token="a-token-for-a-webhook")


async def test_a_rotated_secret_signs_beside_the_new_one_during_the_overlap_then_stops(streams: Streams) -> None:
    receiver = streams.receiver
    view, old = await streams.use_cases.create(ADMIN, ORG, "SIEM", receiver.url)
    stream_id = view.stream.id
    assert await streams.use_cases.deliver_due() == 1

    rotated, new = await streams.use_cases.rotate_secret(ADMIN, ORG, stream_id, overlap_seconds=3600)
    assert new != old and new.startswith("whsec_")
    assert rotated.stream.previous_expires_at == streams.clock.now() + timedelta(hours=1)
    assert await streams.use_cases.deliver_due() == 1  # the rotation itself, in the log
    header, body = receiver.requests[-1]
    stamp = int(header.split(",")[0].removeprefix("t="))
    assert header == signature([new, old], stamp, body)  # t=...,v1=<new>,v1=<old>
    assert verify_signature(new, header, body) and verify_signature(old, header, body)
    entry = receiver.kept[-1]
    assert entry["action"] == SECRET_ROTATED_ACTION and entry["target"]["id"] == stream_id
    assert old not in body.decode() and new not in body.decode()
    assert entry["details"]["after"]["previous_secret_expires_at"] == rotated.stream.previous_expires_at.isoformat()

    streams.clock.advance(timedelta(hours=1))  # the overlap is over
    await streams.add(1)
    assert await streams.use_cases.deliver_due() == 1
    header, body = receiver.requests[-1]
    assert header.count("v1=") == 1
    assert verify_signature(new, header, body) and not verify_signature(old, header, body)
    row = await stored(streams, stream_id)
    assert (row["previous_secret"], row["previous_expires_at"]) == ("", None)  # dropped for good
    assert (await streams.view(stream_id)).stream.status == ACTIVE


async def test_rotating_again_during_the_overlap_stops_the_oldest_secret_at_once(streams: Streams) -> None:
    receiver = streams.receiver
    view, first = await streams.use_cases.create(ADMIN, ORG, "SIEM", receiver.url)
    _, second = await streams.use_cases.rotate_secret(ADMIN, ORG, view.stream.id, overlap_seconds=0)
    again, third = await streams.use_cases.rotate_secret(ADMIN, ORG, view.stream.id, overlap_seconds=600)
    assert again.stream.previous_expires_at == streams.clock.now() + timedelta(minutes=10)
    assert await streams.use_cases.deliver_due() == 3
    header, body = receiver.requests[-1]
    assert verify_signature(third, header, body) and verify_signature(second, header, body)
    assert not verify_signature(first, header, body)


async def test_only_security_managers_rotate_and_the_overlap_is_bounded(streams: Streams) -> None:
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    with pytest.raises(PermissionDenied):
        await streams.use_cases.rotate_secret(MEMBER, ORG, view.stream.id, overlap_seconds=0)
    for overlap in (-1, 7 * 86400 + 1):
        with pytest.raises(InvalidArgument) as refused:
            await streams.use_cases.rotate_secret(ADMIN, ORG, view.stream.id, overlap_seconds=overlap)
        assert [violation.field for violation in refused.value.violations] == ["overlap_seconds"]
    assert (await streams.view(view.stream.id)).stream.previous_expires_at is None


async def test_rotating_needs_a_recent_sign_in(streams: Streams) -> None:
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    streams.clock.advance(timedelta(minutes=16))  # past the privileged window of ADMIN's sign-in
    with pytest.raises(PermissionDenied) as refused:
        await streams.use_cases.rotate_secret(ADMIN, ORG, view.stream.id, overlap_seconds=0)
    assert refused.value.reason == "REAUTHENTICATION_REQUIRED"
    assert (await streams.view(view.stream.id)).stream.previous_expires_at is None


async def test_a_failed_delivery_after_the_overlap_does_not_bring_the_old_secret_back(streams: Streams) -> None:
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    await streams.use_cases.rotate_secret(ADMIN, ORG, view.stream.id, overlap_seconds=60)
    streams.clock.advance(timedelta(minutes=2))
    streams.receiver.mode = "fail"
    assert await streams.use_cases.deliver_due() == 0
    row = await stored(streams, view.stream.id)
    assert (row["previous_secret"], row["previous_expires_at"], row["attempts"]) == ("", None, 1)
