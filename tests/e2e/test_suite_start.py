"""The test suite's own runner: a port picked free but taken before a service binds it makes the suite pick new
ports and start again, instead of failing a test for a reason that has nothing to do with it."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

from services.suite import Suite, SuitePorts


def test_a_taken_port_is_replaced_and_the_suite_starts(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = dataclasses.replace(SuitePorts.free(), membership=taken)
        suite = Suite(data_dir=tmp_path / "data", ports=ports, reassign_taken_ports=True)
        try:
            suite.start()
            assert suite.ports.membership != taken
        finally:
            suite.stop()
