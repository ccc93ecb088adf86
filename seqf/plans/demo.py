"""Demo action plan for Jobbvei AS: ten months of a living plan after the certification.

Five active goals — four made from the certification report's recommendations, one of the
service's own — with owners and deputies, tasks (some done, one overdue, some due before the next
meeting), fortnightly progress updates, the leader meeting "Ledermøte" every 14 days with its last
meetings held and minuted, and Bjørn away this month with his goal covered by the deputy. Built
through the services with the clock set back, so the audit log and the timelines read as if the
year had happened. Runs after the review demo (it needs the published report). Idempotent: skipped
when the organisation has goals already.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import sqlalchemy as sa

import seqf.reviews.demo  # noqa: F401 - registers the review demo first: the plan needs its report
from seqf import clock, demo
from seqf.extensions import db
from seqf.models import Absence, AuditEvent, Goal, MeetingSeries, Organisation, Recommendation, User
from seqf.services import goal_updates, goals, meeting_calendar, meetings, tasks

ORGANISATION = "Jobbvei AS"
LEADER, ANNA, BJORN, CECILIE, DAVID = ("leder@jobbvei.demo", "anna@jobbvei.demo", "bjorn@jobbvei.demo",
                                       "cecilie@jobbvei.demo", "david@jobbvei.demo")
STARTED_DAYS_AGO = 315

# (recommendation number or None, title, description, areas, owner, deputy, due in days from today)
GOALS = [
    ("1.1", "Hvert mål i handlingsplanen har en navngitt ansvarlig",
     "Revisjonen anbefalte at det står skrevet hvem som følger opp hvert mål. Vi fører eier og "
     "stedfortreder i planen og går gjennom den i **hvert ledermøte**.", ["1"], LEADER, ANNA, 60),
    ("1.2", "SEQF som fast punkt i styremøtet",
     "Styret får en kort statusrapport fra handlingsplanen fire ganger i året.", ["1", "2"], LEADER, ANNA, 120),
    ("5.1", "Én felles sjekkliste for jobbstøtte",
     "Alle avdelinger bruker samme sjekkliste i jobbstøttefasen.\n\n- utkast fra Bjørn\n- prøves i to "
     "avdelinger\n- tas i bruk av alle", ["5"], BJORN, CECILIE, 45),
    ("8.1", "Beskrive tjenestens bidrag i lokalsamfunnet",
     "En side om hva tjenesten betyr for arbeidsgivere og kommunen, oppdatert hvert år.", ["8"], ANNA, DAVID, 150),
    (None, "Flere deltakere under 30 i ordinært arbeid",
     "Øke andelen unge deltakere som får ordinær jobb, i samarbeid med NAV-kontoret.", ["6"], ANNA, BJORN, 200),
]

# (goal index, title, assignee, due in days from today (negative: past), done)
TASKS = [
    (0, "Legg inn eier og stedfortreder på alle mål", ANNA, -200, True),
    (0, "Lag fast mal for punktet «Handlingsplan SEQF» i ledermøtet", LEADER, -150, True),
    (1, "Avtal rapportformat med styreleder", LEADER, -60, True),
    (1, "Første statusrapport til styret", ANNA, 9, False),
    (2, "Samle sjekklistene fra alle avdelinger", BJORN, -120, True),
    (2, "Lag utkast til felles sjekkliste", BJORN, -5, False),
    (2, "Prøv sjekklisten i avdeling Nord", CECILIE, 10, False),
    (3, "Intervju tre arbeidsgivere om samarbeidet", DAVID, -20, False),
    (3, "Skriv utkast til tekst om tjenesten", ANNA, 40, False),
    (4, "Avtal månedlig møte med NAV-veilederne for unge", ANNA, -90, True),
    (4, "Kartlegg arbeidsgivere som tar imot unge", CECILIE, 12, False),
]

HELD_DAYS = 50  # the leader meetings of the last seven weeks were opened and minuted here
MINUTES = [
    "## Handlingsplan SEQF\n\n- Gikk gjennom alle mål.\n- Sjekklisten for jobbstøtte er forsinket; Bjørn lager "
    "nytt utkast.\n\n## Annet\n\nNeste fagdag er flyttet til mars.",
    "## Handlingsplan SEQF\n\n- Statusrapporten til styret er klar i utkast.\n- Cecilie prøver sjekklisten i "
    "avdeling Nord.",
    "## Handlingsplan SEQF\n\n- Bjørn er borte i tre uker; Cecilie fungerer som eier av sjekkliste-målet.\n"
    "- Målet om lokalsamfunnet har ikke hatt statusoppdatering på en stund: Anna tar det opp med David.",
]
HEALTH_STORY = {  # goal index → the health of its updates, oldest first (cycled over the months)
    0: ["on_track"], 1: ["on_track", "at_risk", "on_track"], 2: ["on_track", "at_risk", "off_track", "at_risk"],
    3: ["on_track", "on_track", "at_risk"], 4: ["on_track"],
}
NOTES = ["Gjennomgått i ledermøtet.", "Litt forsinket, ny frist avtalt.", "God fremdrift siden sist.",
         "Venter på tilbakemelding fra NAV-kontoret.", "Drøftet med medarbeiderne på fagdagen."]


@contextlib.contextmanager
def _at(moment: dt.datetime):
    """Run services as if it were ``moment``: their clock reads it, and the audit events they write
    get it as their time."""
    real = clock.now
    first = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
    clock.now = lambda: moment  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.now = real  # type: ignore[assignment]
        db.session.flush()
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id > first).values(at=moment))


def _moment(days_ago: int, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(clock.today() - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=dt.UTC)


def load_demo_plan(users: dict[str, User]) -> None:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == ORGANISATION))
    if organisation is None or any(email not in users for email in (LEADER, ANNA, BJORN, CECILIE, DAVID)):
        return
    if db.session.scalar(sa.select(sa.func.count()).select_from(Goal).where(Goal.organisation_id == organisation.id)):
        return
    leader = users[LEADER]
    today = clock.today()
    recommendations = {r.number: r for r in db.session.scalars(
        sa.select(Recommendation).where(Recommendation.organisation_id == organisation.id))}
    made: list[Goal] = []
    with _at(_moment(STARTED_DAYS_AGO)):
        for number, title, description, areas, owner, deputy, due in GOALS:
            linked = [recommendations[number].id] if number in recommendations else []
            made.append(goals.create_goal(leader, organisation, {
                "title": title, "description": description, "areas": areas, "owner_id": users[owner].id,
                "deputy_id": users[deputy].id, "due_on": today + dt.timedelta(days=due),
                "recommendation_ids": linked}))
    for index, title, assignee, due, done in TASKS:
        created_days_ago = min(STARTED_DAYS_AGO - 5, max(30, -due + 40))
        with _at(_moment(created_days_ago)):
            task = tasks.create_task(leader, made[index], {
                "title": title, "assignee_id": users[assignee].id, "due_on": today + dt.timedelta(days=due)})
        if done:
            with _at(_moment(max(-due - 2, 1), 14)):
                tasks.set_state(users[assignee], task, "done", task.version)
    _updates(made, users)
    db.session.add(Absence(user_id=users[BJORN].id, starts_on=today - dt.timedelta(days=10),
                           ends_on=today + dt.timedelta(days=20), created_by_id=users[BJORN].id))
    db.session.flush()
    _leader_meeting(organisation, users)


def _updates(made: list[Goal], users: dict[str, User]) -> None:
    """A progress update per goal every 14 days from the start (the last one two days ago); the
    community goal (index 3) has had none for seven weeks, so the stale-goal alert shows."""
    authors = [users[LEADER], users[ANNA]]
    for n, days_ago in enumerate(range(STARTED_DAYS_AGO - 12, 1, -14)):
        for index, goal in enumerate(made):
            if index == 3 and days_ago < 50:
                continue
            story = HEALTH_STORY[index]
            health = story[min(len(story) - 1, n * len(story) // 23)]
            with _at(_moment(days_ago, 10)):
                goal_updates.add_update(authors[(n + index) % 2], goal, health, NOTES[(n + index) % len(NOTES)])


def _leader_meeting(organisation: Organisation, users: dict[str, User]) -> None:
    """"Ledermøte" every 14 days at 09:00 since the plan started; the meetings of the last seven
    weeks held with agenda, attendees and minutes (each approved at the next), the last minutes
    waiting for approval, and the Christmas meeting cancelled."""
    first_on = clock.today() - dt.timedelta(days=STARTED_DAYS_AGO - 3)
    series = MeetingSeries(organisation_id=organisation.id, title="Ledermøte", interval_days=14, first_on=first_on,
                           starts_at=dt.time(9), duration_minutes=60, place="Møterommet, 2. etasje",
                           created_by_id=users[LEADER].id)
    series.participants = [users[LEADER], users[ANNA], users[BJORN]]
    db.session.add(series)
    db.session.flush()
    today = clock.today()
    leader, previous = users[LEADER], None
    held = meeting_calendar.occurrences(series, today - dt.timedelta(days=HELD_DAYS), today - dt.timedelta(days=1))
    for n, occurrence in enumerate(held):
        with _at(dt.datetime.combine(occurrence.held_on, dt.time(8), tzinfo=dt.UTC)):
            meeting, _created = meetings.open_meeting(leader, series, occurrence.planned_on)
            meetings.set_attendees(leader, meeting, [users[LEADER].id, users[ANNA].id]
                                   + ([users[BJORN].id] if n < len(held) - 1 else []))
            meetings.save_minutes(leader, meeting, MINUTES[n % len(MINUTES)], meeting.minutes_version)
            if previous is not None:
                meetings.approve(leader, previous, meeting)
        previous = meeting
    # the meeting planned around Christmas is cancelled
    christmas = next((o for o in meeting_calendar.upcoming(series, 8) if o.planned_on.month == 12
                      and 20 <= o.planned_on.day <= 31), None)
    if christmas is not None:
        meetings.change_occurrence(leader, series, christmas.planned_on, cancelled=True, reason="Juleferie")


if load_demo_plan not in demo.EXTRA_LOADERS:
    demo.EXTRA_LOADERS.append(load_demo_plan)
