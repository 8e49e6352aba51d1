"""Alembic environment of the identity database."""

from services.common.migrations import run_env
from services.identity.store.tables import metadata

run_env(metadata)
