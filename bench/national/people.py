"""Organisations, users and memberships in bulk: three large organisations first, the rest of the
users spread over the other organisations; one leader per organisation, the others staff. Plus the
network's coordinator and a pool of revisors. One password hash for everybody (argon2 is slow)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.national import bulk
from bench.national.settings import PASSWORD, Scale
from seqf import clock
from seqf.models import GlobalRole, MemberRole, Membership, Organisation, User, UserRole
from seqf.passwords import hash_password

WORDS = ["Jobb", "Nett", "Arbeid", "Vekst", "Bro", "Steg", "Inkludering", "Mulighet", "NAV", "Fjord"]
FIRST = ["Anna", "Bjørn", "Cecilie", "David", "Eva", "Frode", "Guro", "Hans", "Ingrid", "Jon", "Kari", "Lars"]
LAST = ["Berg", "Dahl", "Eriksen", "Fjeld", "Gran", "Haug", "Lie", "Moen", "Nilsen", "Strand"]
REVISORS = 40


@dataclass
class Org:
    id: int
    name: str
    leader_id: int
    staff_ids: list[int] = field(default_factory=list)


@dataclass
class People:
    organisations: list[Org]
    coordinator_id: int
    revisor_ids: list[int]
    password_hash: str


def _user_row(n: int, rng: random.Random, password_hash: str, now) -> dict:
    return {"email": f"person{n}@nasjonal.test", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
            "password_hash": password_hash, "language": "nb", "active": True, "digest": True,
            "session_version": 1, "created_at": now}


def build(scale: Scale, rng: random.Random) -> People:
    now = clock.now()
    password_hash = hash_password(PASSWORD)
    org_rows = [{"name": f"{rng.choice(WORDS)} {n:04d} AS", "anonymity_threshold": 3, "created_at": now}
                for n in range(scale.organisations)]
    org_ids = bulk.insert(Organisation.__table__, org_rows)
    sizes = list(scale.large)
    rest = scale.users - sum(sizes) - 1 - REVISORS
    regular = len(org_ids) - len(sizes)
    sizes += [rest // regular + (1 if k < rest % regular else 0) for k in range(regular)]
    user_ids = bulk.insert(User.__table__, [_user_row(n, rng, password_hash, now) for n in range(scale.users)])
    coordinator_id, revisor_ids, member_ids = user_ids[0], user_ids[1:1 + REVISORS], user_ids[1 + REVISORS:]
    bulk.insert_plain(UserRole.__table__, [{"user_id": coordinator_id, "role": GlobalRole.coordinator}]
                      + [{"user_id": uid, "role": GlobalRole.revisor} for uid in revisor_ids])
    organisations, memberships, at = [], [], 0
    for org_id, row, size in zip(org_ids, org_rows, sizes, strict=True):
        members = member_ids[at:at + size]
        at += size
        org = Org(org_id, row["name"], members[0], list(members[1:]))
        organisations.append(org)
        memberships.append({"user_id": org.leader_id, "organisation_id": org_id, "role": MemberRole.leader,
                            "created_at": now})
        memberships += [{"user_id": uid, "organisation_id": org_id, "role": MemberRole.staff, "created_at": now}
                        for uid in org.staff_ids]
    bulk.insert(Membership.__table__, memberships)
    return People(organisations, coordinator_id, list(revisor_ids), password_hash)
