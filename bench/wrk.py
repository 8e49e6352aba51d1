"""HTTP rates measured with wrk (a compiled load generator, Debian's `wrk` package; `make bench` installs it when
missing): a Python generator costs as much CPU as the server on a small machine and squeezes every ratio toward 1.

`run_wrk` drives one POST or GET route for a fixed time; a Lua script numbers each request (per thread), so a
body can differ per request (an invitation needs a fresh email), and reports the figures as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Per thread: `id` (set by setup) and a counter; `{n}` in the body becomes "<run>-<thread>-<counter>".
_SCRIPT = """
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local counter = 0
function request()
  counter = counter + 1
  local tag = string.format("%s-%d-%d", RUN, id, counter)
  local headers = HEADERS
  if KEYED then
    headers = {}
    for k, v in pairs(HEADERS) do headers[k] = v end
    headers["Idempotency-Key"] = tag
  end
  return wrk.format(METHOD, PATH, headers, (string.gsub(BODY, "{n}", tag)))
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class WrkFigures:
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    failed: int  # non-2xx answers and socket errors

    def as_dict(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p90_ms": round(self.p90_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "failed": self.failed,
        }


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for our ASCII values


def run_wrk(
    url: str,
    *,
    method: str = "GET",
    body: str = "",
    headers: dict[str, str] | None = None,
    connections: int = 16,
    threads: int = 2,
    seconds: float = 10,
    run: str = "r",
    keyed: bool = False,
) -> WrkFigures:
    """Load `url` for `seconds` with `connections` open; `{n}` in `body` is unique per request, and `keyed` sends
    it as the Idempotency-Key too."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    sent_headers = {"Content-Type": "application/json", **(headers or {})} if body else dict(headers or {})
    lua_headers = "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in sent_headers.items()) + "}"
    prelude = (
        f"RUN = {_lua_string(run)}\nMETHOD = {_lua_string(method)}\nPATH = {_lua_string(path)}\n"
        f"BODY = {_lua_string(body)}\nHEADERS = {lua_headers}\nKEYED = {'true' if keyed else 'false'}\n"
    )
    with tempfile.TemporaryDirectory(prefix="tenantry-wrk-") as tmp:
        script = Path(tmp) / "script.lua"
        script.write_text(prelude + _SCRIPT)
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"{parts.scheme}://{parts.netloc}{path}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    return WrkFigures(
        requests=data["requests"],
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        failed=data["non_2xx"] + data["socket_errors"],
    )
