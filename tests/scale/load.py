"""A mixed load of an organization's administrators through the gateways: invitations (each reserves a seat), role
changes, removals (each releases one) and sign-ins. Clients behave as real ones do: a request that fails for want of
a server (refused connection, 5xx, 429) is retried after a pause with the same Idempotency-Key, through whichever
gateway is in rotation then. Every attempt is recorded with its time, so the share of failures during a fault can be
reported; what was acknowledged is kept for the checks afterwards."""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import httpx

RETRIES = 6
RETRY_PAUSE_SECONDS = 0.5
MAX_INVITATIONS = 350  # below the seats bought (the organization starts with 500)


@dataclass
class Attempt:
    at: float
    operation: str
    failed: bool  # no server answered, or it answered 5xx/429: what a fault causes
    detail: str = ""  # for a failure: the status and reason, or the transport error


@dataclass
class Rotation:
    """The gateways a load balancer sends to (a Kubernetes Service's ready endpoints)."""

    urls: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self) -> str:
        with self.lock:
            return random.choice(self.urls)

    def remove(self, url: str) -> None:
        with self.lock:
            self.urls.remove(url)

    def add(self, url: str) -> None:
        with self.lock:
            self.urls.append(url)


@dataclass
class Ledger:
    """What the load did: every attempt, the invitations acknowledged, the members removed."""

    attempts: list[Attempt] = field(default_factory=list)
    invited: dict[str, str] = field(default_factory=dict)  # email -> member id
    removed: set[str] = field(default_factory=set)  # member ids
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, failed: bool, detail: str = "") -> None:
        with self.lock:
            self.attempts.append(Attempt(time.monotonic(), operation, failed, detail if failed else ""))

    def failures(self, start: float, end: float) -> list[str]:
        with self.lock:
            return [f"{a.operation}: {a.detail}" for a in self.attempts if a.failed and start <= a.at <= end]

    def failure_share(self, start: float = 0.0, end: float = float("inf")) -> tuple[int, int]:
        """(failed, all) attempts between two monotonic times."""
        with self.lock:
            window = [a for a in self.attempts if start <= a.at <= end]
        return sum(a.failed for a in window), len(window)


class MixedLoad:
    def __init__(self, rotation: Rotation, email: str, password: str, workers: int = 4):
        self.rotation = rotation
        self.email = email
        self.password = password
        self.ledger = Ledger()
        self._workers = workers
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for number in range(self._workers):
            thread = threading.Thread(target=self._work, args=(number,), name=f"load-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=60)

    # --- one worker ---------------------------------------------------------------------------------------------

    def _work(self, number: int) -> None:
        clients: dict[str, httpx.Client] = {}
        sequence = 0
        try:
            while not self._stopping.is_set():
                sequence += 1
                roll = random.random()
                if roll < 0.5 and len(self.ledger.invited) < MAX_INVITATIONS:
                    self._invite(clients, f"load{number}-{sequence}@acme.test")
                elif roll < 0.7:
                    self._change_a_role(clients)
                elif roll < 0.8:
                    self._remove_one(clients)
                else:
                    self._sign_in()
        finally:
            for client in clients.values():
                client.close()

    def _client(self, clients: dict[str, httpx.Client], url: str) -> httpx.Client:
        """A signed-in client of one gateway (the session itself lives in identity, shared by all)."""
        if url not in clients:
            client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=30)
            signed_in = client.post("/v1/sessions", json={"email": self.email, "password": self.password})
            signed_in.raise_for_status()
            client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
            clients[url] = client
        return clients[url]

    def _call(
        self, clients: dict[str, httpx.Client], operation: str, method: str, path: str, **options: object
    ) -> httpx.Response | None:
        """The request, retried like a real client while no server answers; None when every try failed."""
        for _ in range(RETRIES):
            url = self.rotation.pick()
            try:
                response = self._client(clients, url).request(method, path, **options)  # type: ignore[arg-type]
                detail = f"{response.status_code} {response.text[:200]}"
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                clients.pop(url, None)
                response, detail = None, f"{url}: {exc!r}"[:300]
            failed = response is None or response.status_code >= 500 or response.status_code == 429
            self.ledger.record(operation, failed, detail)
            if not failed:
                return response
            time.sleep(RETRY_PAUSE_SECONDS)
        return None

    def _invite(self, clients: dict[str, httpx.Client], email: str) -> None:
        key = uuid.uuid4().hex
        body = {"invitees": [{"email": email, "role": "member"}]}
        response = self._call(clients, "invite", "POST", "/v1/invitations", json=body, headers={"Idempotency-Key": key})
        if response is not None and response.status_code == 200:
            result = response.json()["results"][0]
            if result["error"] is None:
                with self.ledger.lock:
                    self.ledger.invited[email] = result["member"]["id"]

    def _some_member(self) -> str | None:
        with self.ledger.lock:
            candidates = [m for m in self.ledger.invited.values() if m not in self.ledger.removed]
        return random.choice(candidates) if candidates else None

    def _change_a_role(self, clients: dict[str, httpx.Client]) -> None:
        member_id = self._some_member()
        if member_id is None:
            return
        current = self._call(clients, "read member", "GET", f"/v1/members/{member_id}")
        if current is None or current.status_code != 200:
            return
        member = current.json()["member"]
        role = "user_admin" if member["role"] == "member" else "member"
        # 412 (another worker changed it first) and 404 (removed meanwhile) are answers, not failures.
        self._call(
            clients,
            "change role",
            "PATCH",
            f"/v1/members/{member_id}",
            json={"role": role},
            headers={"If-Match": member["etag"]},
        )

    def _remove_one(self, clients: dict[str, httpx.Client]) -> None:
        member_id = self._some_member()
        if member_id is None:
            return
        response = self._call(clients, "remove", "DELETE", f"/v1/members/{member_id}")
        if response is not None and response.status_code in (204, 404):
            with self.ledger.lock:
                self.ledger.removed.add(member_id)

    def _sign_in(self) -> None:
        for _ in range(RETRIES):
            url = self.rotation.pick()
            try:
                with httpx.Client(base_url=url, headers={"Origin": url}, timeout=30) as client:
                    response = client.post("/v1/sessions", json={"email": self.email, "password": self.password})
                failed = response.status_code >= 500 or response.status_code == 429
                detail = f"{response.status_code} {response.text[:200]}"
            except httpx.TransportError as exc:
                failed, detail = True, f"{url}: {exc!r}"[:300]
            self.ledger.record("sign in", failed, detail)
            if not failed:
                return
            time.sleep(RETRY_PAUSE_SECONDS)
