"""API: plan_follow_up (issue 8)."""
