"""Alembic environment of the audit database."""

import services.audit.store.analytics_tables  # noqa: F401  (analytics tables share the metadata)
from services.audit.store import log_streams  # noqa: F401  (the log stream table shares the metadata)
from services.audit.store.tables import metadata
from services.common.migrations import run_env

run_env(metadata)
