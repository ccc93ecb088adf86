"""A world for the review access matrix: one organisation with a member per role, the network roles,
a review in drafting (``d``, with an agenda slot) and a decided certification (``p``) with its
certificate (``c``), all made through the services."""

from __future__ import annotations

import datetime as dt

from seqf import clock
from seqf.extensions import db
from seqf.services import certification, publication, visit_agenda
from tests.web.findings_helpers import record_all, setup

ROLES = ["anonymous", "admin", "coordinator", "lead", "co", "other_revisor", "org_admin", "leader", "staff",
         "viewer", "other_org"]


def review_world(make_org, make_user) -> dict:
    cast = setup(make_org, make_user)
    other = make_org(name="Annen organisasjon AS")
    users = {
        "anonymous": None, "admin": make_user(roles=("admin",)), "coordinator": cast.coordinator,
        "lead": cast.lead, "co": cast.co, "other_revisor": cast.other_revisor, "org_admin": cast.org_admin,
        "leader": cast.leader, "staff": cast.staff[0], "viewer": make_user(org=cast.org, member_role="viewer"),
        "other_org": make_user(org=other, member_role="org_admin"),
    }
    drafting = cast.review
    record_all(drafting, cast.lead, cast.evidence.id)
    slot = visit_agenda.add_slot(cast.lead, drafting, visit_agenda.SlotData(
        day=drafting.visit_starts_on, starts_at=dt.time(9), ends_at=dt.time(10), groups=["staff"]))
    from tests.web.review_helpers import make_review

    done = make_review(cast.org, cast.lead, [cast.co], starts_in_days=-40)
    record_all(done, cast.lead, cast.evidence.id)
    publication.publish(cast.lead, done)
    certificate = certification.decide(cast.coordinator, done, "approved", clock.today())
    db.session.commit()
    return {"users": users, "a": cast.org.id, "d": drafting.id, "p": done.id, "c": certificate.id,
            "slot": slot.id}
