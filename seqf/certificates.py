"""Certificate dates (DESIGN.md, "Certificate dates"): pure functions, no Flask, no database.

An approval is valid for three years from the decision, to the same calendar day; a certificate
decided on 29 February runs to 28 February, since the anniversary does not exist. Follow-ups are
due one and two years after ``valid_from``, recertification is planned 90 days before
``valid_until``, and reminders go out 90 and 30 days before each of those dates. The review and
certificate services (issue 7) build on these; they are here first so the rules are tested alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

VALID_YEARS = 3
FOLLOW_UP_YEARS = (1, 2)
RECERTIFICATION_LEAD = dt.timedelta(days=90)
REMINDER_LEADS = (dt.timedelta(days=90), dt.timedelta(days=30))
# the last 90 days of validity: the certificate is "expiring"
EXPIRY_WARNING = dt.timedelta(days=90)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → a year without it
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class CertificateDates:
    valid_from: dt.date
    valid_until: dt.date
    follow_ups: tuple[dt.date, ...]
    recertification_planned: dt.date

    def reminders(self) -> list[tuple[str, dt.date, dt.date]]:
        """(what, due date, reminder date) for every follow-up and the recertification, in date order."""
        due = [("follow_up", d) for d in self.follow_ups] + [("recertification", self.recertification_planned)]
        return sorted((what, day, day - lead) for what, day in due for lead in REMINDER_LEADS)


def certificate_dates(valid_from: dt.date) -> CertificateDates:
    """Every date that follows from an approval decided (and valid) from ``valid_from``."""
    valid_until = add_years(valid_from, VALID_YEARS)
    return CertificateDates(
        valid_from=valid_from,
        valid_until=valid_until,
        follow_ups=tuple(add_years(valid_from, years) for years in FOLLOW_UP_YEARS),
        recertification_planned=valid_until - RECERTIFICATION_LEAD,
    )


def certificate_state(valid_until: dt.date, withdrawn: bool, today: dt.date) -> str:
    """``withdrawn``, ``expired`` (after ``valid_until``), ``expiring`` (its last 90 days) or ``active``.

    The network register computes the same in SQL (``seqf.services.certification``); a test keeps
    the two in step.
    """
    if withdrawn:
        return "withdrawn"
    if today > valid_until:
        return "expired"
    if today >= valid_until - EXPIRY_WARNING:
        return "expiring"
    return "active"
