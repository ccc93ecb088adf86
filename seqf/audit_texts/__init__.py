"""Audit messages of the action plan, one module per part (goals and tasks, meetings, absences and
calendar, follow-up against the plan); ``seqf.audit_text`` merges them into ``MESSAGES``."""

from seqf.audit_texts import calendar, follow_up, goals, meetings

MESSAGES = {**goals.MESSAGES, **meetings.MESSAGES, **calendar.MESSAGES, **follow_up.MESSAGES}
