"""Issue 9, the cost every logged-in page pays: the menu's "Reviews" entry comes with the session
query, the templates' translations are looked up once per request (and still follow a forced
locale), the dashboard and the organisation front page stay within a fixed number of statements."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

from seqf.extensions import db
from seqf.services import organisations as organisation_service
from seqf.services import reviews as review_service
from tests.web.test_core_queries import counting, statements_for


def test_the_reviews_menu_follows_leadership_and_costs_no_statement_of_its_own(client, auth, make_org, make_user):
    org = make_org(name="Menyen AS")
    staff = make_user(org=org, member_role="staff", name="Stine Stab")
    leader = make_user(org=org, member_role="leader", name="Leif Leder")
    auth.login(staff)
    assert 'href="/reviews"' not in client.get("/profile").get_data(as_text=True)
    auth.logout()
    auth.login(leader)
    client.get("/profile")
    with counting() as statements:
        body = client.get("/profile").get_data(as_text=True)
    assert 'href="/reviews"' in body
    assert not any(s.lstrip().upper().startswith("SELECT MEMBERSHIPS.ID") for s in statements)


def test_a_membership_change_in_the_request_is_seen_by_the_menu(app, make_org, make_user):
    org = make_org(name="Endring AS")
    admin = make_user(roles=("admin",))
    user = make_user(name="Ny Leder")
    with app.test_request_context():
        review_service.note_leads_anything(user, False)
        assert review_service.leads_anything(user) is False
        organisation_service.add_member(admin, org, user, "leader")
        assert review_service.leads_anything(user) is True
        db.session.rollback()


def test_template_translations_follow_a_forced_locale(app):
    template = "{{ _('Reviews') }}"
    with app.test_request_context():
        with force_locale("nb"):
            assert render_template_string(template) == "Revisjoner"
            with force_locale("en"):
                assert render_template_string(template) == "Reviews"
            assert render_template_string(template) == "Revisjoner"


def test_the_dashboard_and_the_front_page_stay_within_their_statements(client, auth, make_org, make_user):
    org = make_org(name="Telling AS")
    leader = make_user(org=org, member_role="leader", name="Tone Teller")
    auth.login(leader)
    assert statements_for(client, "/dashboard") <= 10
    assert statements_for(client, f"/organisations/{org.id}/") <= 21
