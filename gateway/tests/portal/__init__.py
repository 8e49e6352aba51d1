"""Tests of the portal pages, in process."""
