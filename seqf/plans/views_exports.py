"""The action plan as PDF and XLSX (issue 8, slice "follow-up, dashboard and exports")."""
