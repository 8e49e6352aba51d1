"""Log streams against a real local HTTP receiver that fails, stalls and recovers: nothing lost, nothing out of
order, repeats only of the same event ids, signatures that verify, and a stream parked after 72 hours of failing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.audit.adapters.webhook_sender import HttpWebhookSender
from services.audit.domain.log_stream_cases import DeliveryFailed
from services.audit.domain.log_streams import (
    ACTIVE,
    FAILING,
    PAUSED,
    retry_delay,
    validate_url,
    verify_signature,
)
from services.audit.store.log_streams import log_streams
from services.audit.store.tables import messaging
from services.audit.tests.siem_receiver import Receiver
from services.audit.tests.stream_harness import ADMIN, MEMBER, ORG, Streams
from services.audit.workers.log_streams import lease_name
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.common.leases import Lease


async def test_a_stream_delivers_what_happens_after_it_was_created_in_order_and_signed(streams: Streams) -> None:
    await streams.add(2)  # before the stream: not sent
    view, secret = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    assert view.stream.cursor == 2 and secret.startswith("whsec_")
    await streams.add(3)
    assert (await streams.view(view.stream.id)).lag == 4  # its own creation (entry 3) and the 3 added
    assert await streams.use_cases.deliver_due() == 4
    assert streams.receiver.sequences() == [3, 4, 5, 6]
    created = streams.receiver.kept[0]
    assert (created["action"], created["target"]) == (
        "log_stream.created",
        {"type": "log_stream", "id": view.stream.id, "display": "SIEM"},
    )
    assert secret not in json.dumps(streams.receiver.kept)
    header, body = streams.receiver.requests[0]
    assert verify_signature(secret, header, body)
    assert not verify_signature(secret, header, body.replace(b"SIEM", b"SIEN") + b" ")
    assert not verify_signature("whsec_other", header, body)
    done = await streams.view(view.stream.id)
    assert (done.stream.cursor, done.lag, done.stream.status) == (6, 0, ACTIVE)
    assert await streams.use_cases.deliver_due() == 0  # caught up: nothing sent again


async def test_a_receiver_that_fails_stalls_and_recovers_loses_nothing_and_gets_everything_in_order(
    streams: Streams,
) -> None:
    receiver = streams.receiver
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", receiver.url)
    stream_id = view.stream.id
    receiver.mode = "fail"
    await streams.add(3)
    assert await streams.use_cases.deliver_due() == 0
    failing = await streams.view(stream_id)
    assert (failing.stream.attempts, failing.stream.status, failing.lag) == (1, ACTIVE, 4)
    assert "HTTP 500" in failing.stream.last_error
    assert failing.stream.next_attempt_at is not None
    first_delay = failing.stream.next_attempt_at - streams.clock.now()
    assert timedelta(seconds=5) <= first_delay <= timedelta(seconds=5.5)
    asked = len(receiver.requests)
    assert await streams.use_cases.deliver_due() == 0
    assert len(receiver.requests) == asked  # backing off: not retried before its time

    streams.clock.advance(first_delay)
    receiver.mode = "stall"
    assert await streams.use_cases.deliver_due() == 0
    stalled = await streams.view(stream_id)
    assert stalled.stream.attempts == 2 and "timed out" in stalled.stream.last_error
    assert stalled.stream.next_attempt_at is not None
    second_delay = stalled.stream.next_attempt_at - streams.clock.now()
    assert timedelta(seconds=10) <= second_delay <= timedelta(seconds=11)  # doubled

    streams.clock.advance(second_delay)
    receiver.mode = "lost_ack"  # keeps the batch but its answer fails: the batch comes again
    await streams.add(1)
    assert await streams.use_cases.deliver_due() == 0

    lost = (await streams.view(stream_id)).stream
    assert lost.attempts == 3 and lost.next_attempt_at is not None
    streams.clock.advance(lost.next_attempt_at - streams.clock.now())
    receiver.mode = "ok"
    await streams.add(2)
    assert await streams.use_cases.deliver_due() == 7
    assert receiver.unique_sequences() == [1, 2, 3, 4, 5, 6, 7]
    assert receiver.sequences() == [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 6, 7]  # repeats only whole, same ids, in order
    recovered = await streams.view(stream_id)
    assert (recovered.stream.attempts, recovered.stream.failing_since, recovered.lag) == (0, None, 0)


async def test_a_stream_failing_for_72_hours_is_parked_and_resuming_redelivers_from_its_cursor(
    streams: Streams,
) -> None:
    receiver = streams.receiver
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", receiver.url)
    stream_id = view.stream.id
    await streams.add(1)
    assert await streams.use_cases.deliver_due() == 2
    receiver.mode = "fail"
    await streams.add(2)
    attempts = 0
    while (await streams.view(stream_id)).stream.status == ACTIVE:
        await streams.use_cases.deliver_due()
        attempts += 1
        streams.clock.advance(timedelta(hours=1.1))  # the retry delay's cap, with its jitter
        assert attempts < 80
    parked = await streams.view(stream_id)
    assert parked.stream.status == FAILING and parked.lag == 2 and "HTTP 500" in parked.stream.last_error
    assert parked.stream.failing_since is not None
    assert streams.clock.now() - parked.stream.failing_since >= timedelta(hours=72)
    receiver.mode = "ok"
    streams.clock.advance(timedelta(days=3))
    assert await streams.use_cases.deliver_due() == 0  # parked: left alone until an admin resumes it

    resumed = await streams.use_cases.resume(ADMIN, ORG, stream_id)
    assert (resumed.stream.status, resumed.stream.attempts) == (ACTIVE, 0)
    assert await streams.use_cases.deliver_due() == 3  # the two it missed, then its own resumption
    assert receiver.unique_sequences() == [1, 2, 3, 4, 5]


async def test_a_paused_stream_sends_nothing_and_catches_up_when_resumed(streams: Streams) -> None:
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    paused = await streams.use_cases.pause(ADMIN, ORG, view.stream.id)
    assert paused.stream.status == PAUSED
    await streams.add(2)
    assert await streams.use_cases.deliver_due() == 0
    await streams.use_cases.resume(ADMIN, ORG, view.stream.id)
    assert await streams.use_cases.deliver_due() == 5  # created, paused, the 2 added, resumed


async def test_a_stream_another_replica_is_delivering_is_left_to_it(streams: Streams) -> None:
    view, _ = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    await streams.add(2)
    other = Lease(streams.db, messaging.leases, lease_name(view.stream.id), clock=streams.clock, holder="replica-b")
    assert await other.acquire()
    assert await streams.use_cases.deliver_due() == 0
    assert streams.receiver.requests == []
    await other.release()
    assert await streams.use_cases.deliver_due() == 3


async def test_the_plan_bounds_how_many_streams_an_organization_has(streams: Streams) -> None:
    await streams.on_plan(log_streams_limit=1)
    await streams.use_cases.create(ADMIN, ORG, "first", streams.receiver.url)
    with pytest.raises(FailedPrecondition) as refused:
        await streams.use_cases.create(ADMIN, ORG, "second", streams.receiver.url)
    assert refused.value.reason == "LIMIT_REACHED"
    assert len(await streams.use_cases.list(ADMIN, ORG)) == 1


async def test_the_secret_is_stored_sealed_and_only_security_managers_manage_streams(streams: Streams) -> None:
    view, secret = await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    async with streams.db.read() as connection:
        stored = str(await connection.scalar(select(log_streams.c.secret).where(log_streams.c.id == view.stream.id)))
    assert stored.startswith("sb1.") and secret not in stored
    with pytest.raises(PermissionDenied):
        await streams.use_cases.list(MEMBER, ORG)
    with pytest.raises(PermissionDenied):
        await streams.use_cases.create(MEMBER, ORG, "mine", streams.receiver.url)
    await streams.use_cases.delete(ADMIN, ORG, view.stream.id)
    assert await streams.use_cases.list(ADMIN, ORG) == []


@pytest.mark.parametrize(
    ("url", "allow_local_http"),
    [
        ("http://siem.example.com/hook", True),
        ("http://127.0.0.1:9000/hook", False),
        ("ftp://siem.example.com/hook", True),
        ("https://user:pw@siem.example.com/hook", True),
        ("not a url", True),
        ("https://169.254.169.254/latest/meta-data", True),
        ("https://10.0.0.5/hook", True),
        ("https://[fd00::1]/hook", True),
        ("https://127.0.0.1/hook", False),
    ],
)
def test_a_destination_must_be_https_except_a_local_receiver_outside_production(
    url: str, allow_local_http: bool
) -> None:
    with pytest.raises(InvalidArgument):
        validate_url(url, allow_local_http)


def test_https_and_a_local_receiver_are_accepted() -> None:
    assert validate_url("https://siem.example.com/hook", False) == "https://siem.example.com/hook"
    assert validate_url("http://localhost:8080/hook", True) == "http://localhost:8080/hook"
    assert validate_url("http://[::1]:8080/hook", True) == "http://[::1]:8080/hook"


def test_retries_back_off_exponentially_to_an_hour_with_a_little_jitter() -> None:
    delays = [retry_delay("stream-1", attempts) for attempts in range(1, 14)]
    assert all(
        base <= delay <= base * 1.1
        for base, delay in zip([timedelta(seconds=5 * 2**n) for n in range(10)], delays, strict=False)
    )
    assert all(timedelta(hours=1) <= delay <= timedelta(hours=1.1) for delay in delays[10:])
    assert retry_delay("stream-1", 3) != retry_delay("stream-2", 3)  # streams failing together spread out


async def test_a_name_that_resolves_inside_our_network_gets_nothing(receiver: Receiver) -> None:
    production_sender = HttpWebhookSender(timeout_seconds=0.5)
    try:
        with pytest.raises(DeliveryFailed, match="not a public address"):
            await production_sender.post(receiver.url.replace("127.0.0.1", "localhost"), {}, b"{}")
    finally:
        await production_sender.close()
    assert receiver.requests == []


async def test_a_long_backlog_goes_out_in_ordered_batches_of_a_hundred(streams: Streams) -> None:
    await streams.use_cases.create(ADMIN, ORG, "SIEM", streams.receiver.url)
    await streams.add(230)
    assert await streams.use_cases.deliver_due() == 231
    sizes = [len(json.loads(body)["events"]) for _, body in streams.receiver.requests]
    assert sizes == [100, 100, 31]
    assert streams.receiver.sequences() == list(range(1, 232))
