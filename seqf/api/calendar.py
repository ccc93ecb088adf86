"""API: calendar (issue 8)."""
