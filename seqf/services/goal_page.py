"""What one goal's page reads about people and evidence, as plain rows in as few statements as it can
(issue 9): the page shows names and titles only, and loading ORM users (with their password hashes and
role grants) or whole evidence objects cost more worker CPU than the rest of the query.

- ``people``: the named people's names, which of them are active members (the task form's choices)
  and who is away today ("acting" and "away"): one statement instead of two.
- ``tasks``: the goal's tasks as the columns a task row shows.
- ``evidence``: the evidence linked to the goal, with when and by whom, and (for those who may link)
  the library's evidence that could still be linked: one statement instead of two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.extensions import db
from seqf.models import Absence, Evidence, Goal, Membership, Task, User, goal_evidence
from seqf.services.goal_timeline import Person

LINKABLE_MAX = 500  # evidence offered in the "link evidence" choice, by title


class People(NamedTuple):
    members: list[Person]  # the active members among the ids, by name: the task form's choices
    names: dict[int, str]  # everyone among the ids, members or not (a task may outlive a membership)
    away: set[int]  # who among the ids is away on the day


class EvidenceTitle(NamedTuple):
    id: int
    title: str


class EvidenceLink(NamedTuple):
    """Evidence linked to the goal, as the page lists it and its timeline dates it."""

    evidence: EvidenceTitle
    linked_at: dt.datetime | None
    who: Person | None


# The statements are built once: they are constants with bound parameters, and building a select with
# its aliases and subqueries cost as much worker CPU as running it.
_LINK = goal_evidence.alias("link")
_LINKER = so.aliased(User, name="linker")
_PEOPLE = (sa.select(User.id, User.name,
                     sa.and_(User.active.is_(True), sa.exists().where(
                         Membership.user_id == User.id, Membership.organisation_id == sa.bindparam("org_id"))),
                     sa.exists().where(Absence.user_id == User.id, Absence.starts_on <= sa.bindparam("day"),
                                       Absence.ends_on >= sa.bindparam("day")))
           .where(User.id.in_(sa.bindparam("ids", expanding=True))).order_by(User.name, User.id))
_EVIDENCE = (sa.select(Evidence.id, Evidence.title, _LINK.c.goal_id, _LINK.c.linked_at, _LINKER.id, _LINKER.name)
             .outerjoin(_LINK, sa.and_(_LINK.c.evidence_id == Evidence.id, _LINK.c.goal_id == sa.bindparam("goal_id")))
             .outerjoin(_LINKER, _LINKER.id == _LINK.c.linked_by_id))
_LINKED = _EVIDENCE.where(_LINK.c.goal_id.is_not(None)).order_by(Evidence.title, Evidence.id)
# linked evidence first, so the cut at LINKABLE_MAX only ever drops choices, never a link the page lists
_LINKED_AND_LINKABLE = (
    _EVIDENCE.where(Evidence.organisation_id == sa.bindparam("org_id"),
                    sa.or_(_LINK.c.goal_id.is_not(None), Evidence.archived.is_(False)))
    .order_by(sa.case((_LINK.c.goal_id.is_(None), 1), else_=0), Evidence.title, Evidence.id)
    .limit(sa.select(sa.func.count()).select_from(goal_evidence)
           .where(goal_evidence.c.goal_id == sa.bindparam("goal_id")).scalar_subquery() + LINKABLE_MAX))

_TASKS = (sa.select(Task.id, Task.goal_id, Task.title, Task.note, Task.assignee_id, Task.due_on, Task.state,
                    Task.done_at, Task.version)
          .where(Task.goal_id == sa.bindparam("goal_id")).order_by(Task.due_on, Task.id))


def tasks(goal: Goal) -> list[sa.Row]:
    """The goal's tasks by due date, as rows with the attributes a task row reads (title, state, who,
    due date, note, version): a goal followed for years has hundreds, and ORM tasks cost more."""
    return list(db.session.execute(_TASKS, {"goal_id": goal.id}))


def people(organisation_id: int, user_ids: Iterable[int], day: dt.date) -> People:
    """Names, membership and absence on ``day`` of ``user_ids``: one statement, bounded by the ids."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return People([], {}, set())
    rows = db.session.execute(_PEOPLE, {"org_id": organisation_id, "day": day, "ids": list(ids)}).all()
    return People([Person(i, name) for i, name, is_member, _away in rows if is_member],
                  {i: name for i, name, _member, _away in rows},
                  {i for i, _name, _member, is_away in rows if is_away})


def evidence(goal: Goal, with_linkable: bool) -> tuple[list[EvidenceLink], list[EvidenceTitle]]:
    """The goal's evidence links by title and, when ``with_linkable``, the organisation's evidence that
    is not archived and not linked yet (by title, at most ``LINKABLE_MAX``): one statement."""
    query, params = (_LINKED_AND_LINKABLE, {"goal_id": goal.id, "org_id": goal.organisation_id}) if with_linkable \
        else (_LINKED, {"goal_id": goal.id})
    linked, linkable = [], []
    for evidence_id, title, linked_to, linked_at, who_id, who_name in db.session.execute(query, params):
        row = EvidenceTitle(evidence_id, title)
        if linked_to is None:
            linkable.append(row)
        else:
            linked.append(EvidenceLink(row, linked_at, Person(who_id, who_name) if who_id is not None else None))
    return linked, linkable
