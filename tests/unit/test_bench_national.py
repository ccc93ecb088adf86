"""The national benchmark's generator builds against the current schema (a tiny scale, both backends)."""

import random

import sqlalchemy as sa

from bench.national import people, rounds_data
from bench.national.settings import Scale
from seqf.extensions import db
from seqf.models import Response, RoundSnapshot, StepAssessment


def test_generator_builds_people_and_rounds(app):
    with app.test_request_context("/"):
        rng = random.Random(1)
        scale = Scale(0.002)
        crowd = people.build(scale, rng)
        instrument = rounds_data.Instrument()
        counts = rounds_data.build(rng, crowd.organisations, instrument, scale.rounds, set())
        db.session.commit()
        assert len(crowd.organisations) == scale.organisations
        assert counts.rounds == db.session.scalar(sa.select(sa.func.count()).select_from(rounds_data.Round))
        assert counts.responses > 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StepAssessment)) == counts.step_answers
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundSnapshot)) > 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == counts.responses + counts.drafts
