"""Membership's periodic jobs, each under a lease so one replica runs it."""
