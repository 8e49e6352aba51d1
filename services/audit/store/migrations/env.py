"""Alembic environment of the audit database."""

from services.common.migrations import run_env
from services.audit.store.tables import metadata

run_env(metadata)
