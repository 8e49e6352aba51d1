"""Alembic environment of the billing database."""

from services.common.migrations import run_env
from services.billing.store.tables import metadata

run_env(metadata)
