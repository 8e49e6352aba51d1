"""The periodic worker lives in services/common/periodic.py (the mail sender of every service runs on it too)."""

from services.common.periodic import PeriodicWorker

__all__ = ["PeriodicWorker"]
