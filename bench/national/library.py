"""A small evidence library for every organisation in bulk: a few routines as small PDF files (with
their file row) and links, each tagged to an area and a step. The measured organisations get theirs
through the services (``showcase``)."""

from __future__ import annotations

import hashlib
import random

from bench.national import bulk
from bench.national.showcase import PDF
from seqf import clock
from seqf.models import Evidence, EvidenceFile, EvidenceTag

SHA = hashlib.sha256(PDF).hexdigest()


def build(rng: random.Random, organisations, per_org: int = 4) -> int:
    now = clock.now()
    rows, owners = [], []
    for org in organisations:
        for n in range(per_org):
            link = n % 2 == 1
            rows.append({"organisation_id": org.id, "title": f"{'Lenke' if link else 'Rutine'} {n + 1}",
                         "description": "", "url": f"https://nasjonal.test/{org.id}/{n}" if link else None,
                         "created_by_id": org.leader_id, "created_at": now, "updated_at": now, "archived": False})
            owners.append(org.leader_id)
    ids = bulk.insert(Evidence.__table__, rows)
    bulk.insert(EvidenceFile.__table__, [
        {"evidence_id": eid, "version": 1, "filename": f"rutine-{eid}.pdf", "content_type": "application/pdf",
         "size": len(PDF), "sha256": SHA, "data": PDF, "uploaded_by_id": owner, "uploaded_at": now}
        for eid, row, owner in zip(ids, rows, owners, strict=True) if row["url"] is None])
    bulk.insert(EvidenceTag.__table__, [{"evidence_id": eid, "area": str(rng.randint(1, 9)),
                                         "level": rng.choice([None, 1, 2, 3, 4, 5])} for eid in ids])
    return len(ids)
