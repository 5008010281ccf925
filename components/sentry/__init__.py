"""Sentry: the TeamMembership dynamic provider, its HTTP client and what they share (no HTTP in service)."""
