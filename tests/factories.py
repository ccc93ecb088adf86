"""Factories for test data, bound to ``db.session`` (factory_boy)."""

from __future__ import annotations

import functools

import factory
from factory.alchemy import SQLAlchemyModelFactory

from seqf.extensions import db
from seqf.models import MemberRole, Membership, Organisation, User, UserRole
from seqf.passwords import hash_password

PASSWORD = "riktig-hest-batteri-stift"


def _password_hash() -> str:
    """The test password's hash, made once per argon2 setting: every user a test creates has the same
    password, and hashing it anew (a fresh salt each time) cost a few ms per user for nothing."""
    from flask import current_app

    cfg = current_app.config
    return _hash_for(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])


@functools.cache
def _hash_for(time_cost: int, memory_cost: int) -> str:
    return hash_password(PASSWORD)


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(_password_hash)
    language = "nb"


class OrganisationFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Organisation
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    name = factory.Sequence(lambda n: f"Organisasjon {n}")


def create_user(roles: tuple[str, ...] = (), org: Organisation | None = None,
                member_role: str | None = None, **fields) -> User:
    """A committed user, optionally with platform roles and a membership."""
    user = UserFactory(**fields)
    user.role_grants = [UserRole(role=r) for r in roles]
    if org is not None and member_role:
        db.session.add(Membership(user=user, organisation=org, role=MemberRole(member_role)))
    db.session.commit()
    return user


def create_organisation(**fields) -> Organisation:
    org = OrganisationFactory(**fields)
    db.session.commit()
    return org


class ApiHelper:
    def __init__(self, client):
        self.client = client
        self._tokens: dict[int, str] = {}

    def token(self, user: User, password: str = PASSWORD) -> str:
        if user.id not in self._tokens:
            response = self.client.post("/api/v1/tokens", json={"email": user.email, "password": password})
            assert response.status_code == 201, response.get_json()
            self._tokens[user.id] = response.get_json()["token"]
        return self._tokens[user.id]

    def _call(self, method: str, path: str, user: User | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, user=None, **kw):
        return self._call("GET", path, user, **kw)

    def post(self, path, user=None, **kw):
        return self._call("POST", path, user, **kw)

    def put(self, path, user=None, **kw):
        return self._call("PUT", path, user, **kw)

    def patch(self, path, user=None, **kw):
        return self._call("PATCH", path, user, **kw)

    def delete(self, path, user=None, **kw):
        return self._call("DELETE", path, user, **kw)
