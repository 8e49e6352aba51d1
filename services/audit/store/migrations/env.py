"""Alembic environment of the audit database."""

from services.audit.store.tables import metadata
from services.common.migrations import run_env

run_env(metadata)
