"""Alembic environment of the billing database."""

from services.billing.store.tables import metadata
from services.common.migrations import run_env

run_env(metadata)
