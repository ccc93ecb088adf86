"""Meeting pages (issue 8, slice "meetings")."""
