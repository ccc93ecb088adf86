"""Plan, goal and task pages (issue 8, slice "goals")."""
