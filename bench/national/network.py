"""The network's certification history in bulk, as ``bench.network_register`` builds it: most
organisations hold a certificate (active, expiring, expired or withdrawn) from a decided review with
a published report, with their follow-ups due; one in eight has a recertification in progress."""

from __future__ import annotations

import datetime as dt
import random

from bench.national import bulk
from seqf import clock
from seqf.certificates import certificate_dates
from seqf.models import (
    Certificate,
    Decision,
    ReportVersion,
    Review,
    ReviewKind,
    ReviewRevisor,
    ReviewState,
    RevisorRole,
)


def build(rng: random.Random, org_ids: list[int], revisor_ids: list[int], instrument_id: int) -> dict[str, int]:
    today, now = clock.today(), clock.now()
    common = {"instrument_id": instrument_id, "mode": "on_site", "meeting_url": "", "areas": [], "overall": "",
              "version": 1, "created_at": now, "updated_at": now}
    reviews, plan = [], []
    for org_id in org_ids:
        state = rng.choice(["active", "active", "expiring", "expired", "withdrawn", "none"])
        if state == "none":
            continue
        ago = {"active": rng.randint(20, 700), "expiring": rng.randint(1010, 1090),
               "expired": rng.randint(1100, 1500), "withdrawn": rng.randint(100, 900)}[state]
        decided = today - dt.timedelta(days=ago)
        visit = decided - dt.timedelta(days=30)
        reviews.append({**common, "organisation_id": org_id, "kind": ReviewKind.certification,
                        "state": ReviewState.decided, "visit_starts_on": visit,
                        "visit_ends_on": visit + dt.timedelta(days=1), "decision": Decision.approved,
                        "decided_on": decided, "published_at": now})
        plan.append((org_id, state, decided, rng.choice(revisor_ids)))
    review_ids = bulk.insert(Review.__table__, reviews)
    bulk.insert_plain(ReviewRevisor.__table__, [
        {"review_id": rid, "user_id": lead, "role": RevisorRole.lead, "position": 0}
        for rid, (_org, _state, _day, lead) in zip(review_ids, plan, strict=True)])
    bulk.insert(ReportVersion.__table__, [
        {"review_id": rid, "number": 1, "published_at": now, "reason": "", "language": "nb",
         "total": rng.randint(9, 45), "content": {"kind": "certification", "areas": []}} for rid in review_ids])
    certificates = bulk.insert(Certificate.__table__, [
        {"organisation_id": org_id, "review_id": rid, "valid_from": day,
         "valid_until": certificate_dates(day).valid_until, "created_at": now, "updated_at": now,
         "withdrawn_at": now if state == "withdrawn" else None,
         "withdrawn_reason": "Vilkår ikke oppfylt" if state == "withdrawn" else ""}
        for rid, (org_id, state, day, _lead) in zip(review_ids, plan, strict=True)])
    follow_ups = []
    for cid, (org_id, _state, day, lead) in zip(certificates, plan, strict=True):
        for due in certificate_dates(day).follow_ups:
            if due >= today - dt.timedelta(days=60):
                follow_ups.append({**common, "organisation_id": org_id, "kind": ReviewKind.follow_up,
                                   "state": ReviewState.due, "due_on": due, "certificate_id": cid,
                                   "suggested_lead_id": lead})
    bulk.insert(Review.__table__, follow_ups)
    in_progress = []
    for org_id in rng.sample(org_ids, len(org_ids) // 8):
        start = today + dt.timedelta(days=rng.randint(-20, 200))
        in_progress.append({**common, "organisation_id": org_id, "kind": ReviewKind.recertification,
                            "state": rng.choice([ReviewState.planned, ReviewState.drafting,
                                                 ReviewState.comment_round]),
                            "visit_starts_on": start, "visit_ends_on": start + dt.timedelta(days=1)})
    progress_ids = bulk.insert(Review.__table__, in_progress)
    bulk.insert_plain(ReviewRevisor.__table__, [
        {"review_id": rid, "user_id": rng.choice(revisor_ids), "role": RevisorRole.lead, "position": 0}
        for rid in progress_ids])
    return {"certificates": len(certificates), "follow-ups due": len(follow_ups),
            "reviews in progress": len(progress_ids)}
