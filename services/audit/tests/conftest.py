"""Fixtures of the audit tests."""

from services.audit.tests.siem_receiver import receiver
from services.audit.tests.stream_harness import streams

__all__ = ["receiver", "streams"]
