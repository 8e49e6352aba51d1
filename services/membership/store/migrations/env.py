"""Alembic environment of the membership database."""

from services.common.migrations import run_env
from services.membership.store.tables import metadata

run_env(metadata)
