"""Demo data: a network with a coordinator, a revisor and two organisations. Idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Organisation
from seqf.services import accounts, organisations

PASSWORD = "demo-passord-2026"

USERS = [
    # email, name, global roles
    ("admin@seqf.demo", "Ada Admin", ["admin"]),
    ("koordinator@seno.demo", "Kari Koordinator", ["coordinator"]),
    ("revisor@seno.demo", "Rolf Revisor", ["revisor"]),
    ("revisor2@seno.demo", "Randi Medrevisor", ["revisor"]),
    ("leder@jobbvei.demo", "Lise Leder", []),
    ("anna@jobbvei.demo", "Anna Andersen", []),
    ("bjorn@jobbvei.demo", "Bjørn Berg", []),
    ("cecilie@jobbvei.demo", "Cecilie Dahl", []),
    ("david@jobbvei.demo", "David Eriksen", []),
    ("leder@nav-fjord.demo", "Nils Nordmann", []),
    ("eva@nav-fjord.demo", "Eva Fjeld", []),
    ("frode@nav-fjord.demo", "Frode Gran", []),
    ("guro@nav-fjord.demo", "Guro Haug", []),
]

ORGANISATIONS = {
    "Jobbvei AS": [
        ("leder@jobbvei.demo", "org_admin"),
        ("anna@jobbvei.demo", "leader"),
        ("bjorn@jobbvei.demo", "staff"),
        ("cecilie@jobbvei.demo", "staff"),
        ("david@jobbvei.demo", "staff"),
    ],
    "NAV Fjordbyen – jobbspesialistteam": [
        ("leder@nav-fjord.demo", "leader"),
        ("eva@nav-fjord.demo", "staff"),
        ("frode@nav-fjord.demo", "staff"),
        ("guro@nav-fjord.demo", "staff"),
        ("koordinator@seno.demo", "viewer"),
    ],
}


def load() -> list[tuple[str, str, str]]:
    """Create what is missing; return (email, name, what they are) for the login list."""
    users = {}
    for email, name, roles in USERS:
        user = accounts.find_user_by_email(email)
        if user is None:
            user = accounts.create_user(None, email=email, name=name, password=PASSWORD,
                                        global_roles=roles)
        users[email] = user
    for org_name, members in ORGANISATIONS.items():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == org_name))
        if organisation is None:
            organisation = organisations.create_organisation(users["admin@seqf.demo"], name=org_name)
        for email, role in members:
            if organisations.membership_of(users[email], organisation) is None:
                organisations.add_member(users["admin@seqf.demo"], organisation, users[email], role)
    for hook in EXTRA_LOADERS:
        hook(users)
    db.session.flush()
    return [(email, name, _describe(email, roles)) for email, name, roles in USERS]


# later features (rounds, evidence …) add demo content here: fn(users_by_email)
EXTRA_LOADERS: list = []


def _describe(email: str, roles: list[str]) -> str:
    parts = list(roles)
    for org_name, members in ORGANISATIONS.items():
        parts += [f"{role} @ {org_name}" for member, role in members if member == email]
    return ", ".join(parts)


def format_logins(logins: list[tuple[str, str, str]]) -> str:
    width = max(len(email) for email, _, _ in logins)
    lines = [f"Demo logins (password for all: {PASSWORD})", ""]
    lines += [f"  {email:<{width}}  {name} — {what}" for email, name, what in logins]
    return "\n".join(lines)
