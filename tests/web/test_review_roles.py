"""Who someone is on a review decides what they may read: the role resolver behind review.yaml."""

from __future__ import annotations

import pytest

from seqf.models import ReviewState
from seqf.services import review_guards
from seqf.services.errors import Forbidden, NotFound
from tests.web.review_helpers import make_review, review_cast


@pytest.fixture
def cast(app, make_org, make_user):
    with app.test_request_context():
        c = review_cast(make_org, make_user)
        c.review = make_review(c.org, c.lead, co=[c.co])
        yield c


def test_each_person_has_their_role_on_the_review(cast):
    roles = review_guards.review_roles
    assert roles(cast.review, cast.lead) == {"lead"}
    assert roles(cast.review, cast.co) == {"co"}
    assert roles(cast.review, cast.coordinator) == {"coordinator"}
    assert roles(cast.review, cast.leader) == {"leader"}
    assert roles(cast.review, cast.staff[0]) == {"staff"}
    assert roles(cast.review, cast.other_revisor) == set()


def test_an_outsider_does_not_learn_the_review_exists(cast):
    with pytest.raises(NotFound):
        review_guards.review_or_404(cast.review.id, cast.other_revisor)
    with pytest.raises(NotFound):
        review_guards.require_revisor(cast.review, cast.leader)
    assert review_guards.review_or_404(cast.review.id, cast.co) is cast.review


def test_staff_read_the_report_only_once_it_is_published(cast):
    with pytest.raises(Forbidden):
        review_guards.require_report(cast.review, cast.staff[0])
    with pytest.raises(Forbidden):
        review_guards.require_report(cast.review, cast.leader)
    cast.review.state = ReviewState.comment_round
    review_guards.require_report(cast.review, cast.leader)
    with pytest.raises(Forbidden):
        review_guards.require_report(cast.review, cast.staff[0])
    cast.review.state = ReviewState.published
    review_guards.require_report(cast.review, cast.staff[0])
