"""Calendar feed and absence pages (issue 8, slice "absence, digest and calendar")."""
