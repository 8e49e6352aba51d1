"""Fixtures shared by every test, from the common package."""

pytest_plugins = ["services.common.testing"]
