"""API: goals (issue 8)."""
