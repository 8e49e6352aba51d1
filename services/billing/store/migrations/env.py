"""Alembic environment of the billing database."""

import services.billing.store.invoice_mails  # noqa: F401  (declares its table on the metadata)
from services.billing.store.tables import metadata
from services.common.migrations import run_env

run_env(metadata)
