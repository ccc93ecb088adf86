"""The audit log in the reader's language (seqf/audit_text.py): every recorded action has a message,
the same event reads in Norwegian and in English, dates are Norwegian in Oslo time, and anything the
registry cannot render falls back to the stored English summary."""

from __future__ import annotations

import ast
import datetime as dt
import re

import sqlalchemy as sa
import yaml

from seqf.audit_text import MESSAGES
from seqf.extensions import db
from seqf.models import AuditEvent
from seqf.services import audit, organisations
from tests.conftest import ROOT
from tests.web.helpers import text

SEQF = ROOT / "seqf"


def recorded_actions() -> tuple[set[str], list[str]]:
    """Every action passed to ``audit.record`` in seqf/ (literal, ``a if c else b``, or an ``action=``
    keyword handed on), plus ``<workflow>.<transition>`` from workflows/*.yaml; and the calls whose
    action could not be read."""
    actions: set[str] = set()
    unresolved: list[str] = []
    for path in SEQF.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:  # set_password(..., action="user.password_changed")
                if kw.arg == "action" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    actions.add(kw.value.value)
            func = node.func
            if not (isinstance(func, ast.Attribute) and func.attr == "record"
                    and isinstance(func.value, ast.Name) and func.value.id == "audit"):
                continue
            arg = node.args[1] if len(node.args) > 1 else next(
                (kw.value for kw in node.keywords if kw.arg == "action"), None)
            if isinstance(arg, ast.Constant):
                actions.add(arg.value)
            elif isinstance(arg, ast.IfExp) and all(isinstance(a, ast.Constant) for a in (arg.body, arg.orelse)):
                actions.update((arg.body.value, arg.orelse.value))
            else:
                unresolved.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    for flow in (ROOT / "workflows").glob("*.yaml"):
        spec = yaml.safe_load(flow.read_text(encoding="utf-8"))
        actions.update(f"{spec['name']}.{transition}" for transition in spec.get("transitions", {}))
    return actions, unresolved


def test_every_recorded_action_has_a_message():
    actions, unresolved = recorded_actions()
    assert len(actions) >= 25  # the scan does find the calls
    missing = sorted(actions - set(MESSAGES))
    assert not missing, f"add these actions to seqf/audit_text.py MESSAGES: {missing}"
    # only the two places that hand an action on are allowed to pass a variable
    assert {u.split(":")[0] for u in unresolved} <= {"seqf/services/accounts.py", "seqf/workflow.py"}, unresolved


def test_every_message_has_a_norwegian_translation(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("nb"):
        untranslated = [action for action, message in MESSAGES.items()
                        if not callable(message) and str(message) == message._args[0]]
    assert not untranslated


def _org_with_event(make_org, make_user):
    org = make_org(name="Jobbvei AS")
    admin = make_user(org=org, member_role="org_admin", name="Lise Leder", email="lise@example.no")
    member = make_user(org=org, member_role="staff", name="Bjørn Berg", email="bjorn@example.no")
    membership = organisations.membership_of(member, org)
    organisations.change_member_role(admin, membership, "leader")
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "membership.changed")).one()
    event.at = dt.datetime(2026, 7, 1, 10, 5, tzinfo=dt.UTC)  # 12:05 in Oslo (summer time)
    db.session.commit()
    return org, admin, event


def test_the_same_event_reads_in_norwegian_and_in_english(client, auth, make_org, make_user):
    org, admin, event = _org_with_event(make_org, make_user)
    assert {k: v for k, v in event.data.items() if k != "user_id"} == {
        "email": "bjorn@example.no", "old_role": "staff", "role": "leader"}
    auth.login(admin)
    page = text(client.get(f"/organisations/{org.id}/audit"))
    assert "Endret rollen til bjorn@example.no fra medarbeider til leder" in page
    assert re.search(r"01\.07\.2026,? 12:05", page)  # Norwegian date, Oslo time
    assert event.summary not in page

    admin.language = "en"
    db.session.commit()
    page = text(client.get(f"/organisations/{org.id}/audit"))
    assert "Changed the role of bjorn@example.no from staff member to leader" in page


def test_unknown_actions_and_old_events_fall_back_to_the_summary(client, auth, make_org, make_user):
    org, admin, _event = _org_with_event(make_org, make_user)
    audit.record(admin, "something.new", org, "Something new happened", org.id, data={"x": 1})
    audit.record(admin, "membership.added", org, "old@example.no added as staff", org.id)  # no data
    db.session.commit()
    auth.login(admin)
    page = text(client.get(f"/organisations/{org.id}/audit"))
    assert "Something new happened" in page
    assert "old@example.no added as staff" in page


def test_admin_audit_page_is_translated_too(client, auth, make_org, make_user):
    _org_with_event(make_org, make_user)
    auth.login(make_user(roles=("admin",)))
    page = text(client.get("/admin/audit"))
    assert "Endret rollen til bjorn@example.no fra medarbeider til leder" in page
    assert 'class="table table--stack audit-table"' in page  # stacked rows on a phone
    assert '<span class="audit-table__org">Jobbvei AS</span>' in page  # admins see whose event it is


def test_the_api_keeps_the_summary_and_adds_the_text_in_the_accept_language(api, make_org, make_user):
    org, admin, event = _org_with_event(make_org, make_user)
    url = f"/api/v1/organisations/{org.id}/audit-events"
    nb = api.get(url, admin, headers={"Accept-Language": "nb"}).get_json()
    en = api.get(url, admin, headers={"Accept-Language": "en"}).get_json()
    [nb_event] = [e for e in nb if e["action"] == "membership.changed"]
    [en_event] = [e for e in en if e["action"] == "membership.changed"]
    assert nb_event["summary"] == en_event["summary"] == event.summary
    assert nb_event["text"] == "Endret rollen til bjorn@example.no fra medarbeider til leder"
    assert en_event["text"] == "Changed the role of bjorn@example.no from staff member to leader"


def test_round_opened_uses_plural_forms_and_a_norwegian_date(app):
    from flask_babel import force_locale

    from seqf.audit_text import event_text

    def event(n):
        return AuditEvent(action="round.opened", summary="s", object_id=1,
                          data={"title": "Vår", "participants": n, "deadline": "2026-12-24"})

    with app.test_request_context(), force_locale("nb"):
        assert event_text(event(1)) == "Åpnet runden «Vår» med 1 deltaker, frist 24. des. 2026"
        assert event_text(event(4)) == "Åpnet runden «Vår» med 4 deltakere, frist 24. des. 2026"
    with app.test_request_context(), force_locale("en"):
        assert event_text(event(4)) == "Opened the round “Vår” with 4 participants, deadline Dec 24, 2026"



def test_platform_roles_read_as_words_whether_a_list_or_a_string(app):
    from flask_babel import force_locale

    from seqf.audit_text import event_text

    with app.test_request_context(), force_locale("nb"):
        for roles in (["admin", "revisor"], "admin, revisor"):
            event = AuditEvent(action="user.roles_changed", summary="s", data={"email": "a@b.no", "roles": roles})
            assert event_text(event) == "Satte plattformrollene til a@b.no: plattformadministrator, revisor"
        event = AuditEvent(action="user.roles_changed", summary="s", data={"email": "a@b.no", "roles": []})
        assert event_text(event) == "Satte plattformrollene til a@b.no: ingen plattformroller"
