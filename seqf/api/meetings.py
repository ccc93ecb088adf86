"""API: meetings (issue 8)."""
