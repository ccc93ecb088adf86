"""axe-core on every page type, on a desktop (1280×800) and a phone (360×740): any violation fails.

One app is served for the whole module, on SQLite with the demo data (`seqf demo-data`): axe judges
the HTML and CSS, which do not depend on the database. Each page type is one line in ``PAGES``:
a name, who is logged in (``None``: nobody), and the path, with ``{placeholders}`` filled in from
``ids`` (organisations, rounds, evidence of the demo data). A new page is added with one line.

axe runs the WCAG 2.0/2.1 A and AA rules and the best-practice rules. No rule is disabled. axe-core
is vendored in ``tests/e2e/vendor/axe-core/`` (MPL-2.0, from the npm registry), so no network is used.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.conftest import base_config, free_port
from tests.e2e.helpers import ARTIFACTS, DESKTOP, PHONE, log_in, screenshot

pytestmark = pytest.mark.e2e

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
LEADER = "leder@jobbvei.demo"        # org admin of Jobbvei AS, not a participant
DRAFTER = "david@jobbvei.demo"       # participant with a draft in the open round
ADMIN = "admin@seqf.demo"
STAFF = "bjorn@jobbvei.demo"
NAV_LEADER = "leder@nav-fjord.demo"  # leader of NAV Fjordbyen, where the fixture closes rounds nobody answered
NAV_STAFF = "eva@nav-fjord.demo"
COORDINATOR = "koordinator@seno.demo"
REVISOR = "revisor@seno.demo"        # lead revisor of both demo certification reviews
ACTING = "cecilie@jobbvei.demo"      # staff with open tasks, acting owner of a goal while Bjørn is away

# name, who is logged in, path (with {placeholders} from ``ids``)
PAGES = [
    ("login", None, "/login"),
    ("password-reset-request", None, "/password/forgot"),
    ("dashboard", LEADER, "/dashboard"),
    ("dashboard-staff", DRAFTER, "/dashboard"),
    ("profile", LEADER, "/profile"),
    ("organisation", LEADER, "/organisations/{org}"),
    ("members", LEADER, "/organisations/{org}/members"),
    ("settings", LEADER, "/organisations/{org}/settings"),
    ("audit", LEADER, "/organisations/{org}/audit"),
    ("evidence-library", LEADER, "/organisations/{org}/evidence/"),
    ("evidence-new", LEADER, "/organisations/{org}/evidence/new"),
    ("evidence-detail", LEADER, "/organisations/{org}/evidence/{evidence}"),
    ("instrument", LEADER, "/instruments/seqf"),
    ("instruments", LEADER, "/instruments/"),
    ("own-areas", LEADER, "/organisations/{org}/areas/"),
    ("own-area-new", LEADER, "/organisations/{org}/areas/new"),
    ("own-area-edit", LEADER, "/organisations/{org}/areas/{own_area}/edit"),
    ("rounds", LEADER, "/organisations/{org}/rounds"),
    ("round-overview", LEADER, "/rounds/{open_round}"),
    ("fill", DRAFTER, "/rounds/{open_round}/fill?area=2"),
    ("submit", DRAFTER, "/rounds/{open_round}/submit"),
    ("summary-withheld", LEADER, "/rounds/{open_round}/summary"),
    ("summary-released", LEADER, "/rounds/{closed_round}/summary"),
    ("consensus", LEADER, "/rounds/{closed_round}/consensus?area=1"),
    ("results", LEADER, "/rounds/{closed_round}/results"),
    ("admin-users", ADMIN, "/admin/users"),
    ("admin-user", ADMIN, "/admin/users/{leader_user}"),
    ("admin-organisations", ADMIN, "/admin/organisations"),
    ("admin-outbox", ADMIN, "/admin/outbox"),
    ("admin-audit", ADMIN, "/admin/audit"),
    ("round-close-confirm", LEADER, "/rounds/{open_round}/close"),
    ("round-delete-refused", LEADER, "/rounds/{open_round}/delete"),
    ("member-remove-confirm", LEADER, "/organisations/{org}/members/{staff_membership}/remove"),
    ("evidence-archive-confirm", LEADER, "/organisations/{org}/evidence/{evidence}/archive"),
    ("sessions-end-others-confirm", LEADER, "/profile/sessions/end-others"),
    ("summary-after-reopen", NAV_LEADER, "/rounds/{reopened_round}/summary"),
    ("results-nothing-released", NAV_LEADER, "/rounds/{empty_round}/results"),
    ("invitation-accept", None, "/invitation/{invitation_token}"),
    ("password-reset", None, "/password/reset/{reset_token}"),
    # reviews and certificates (issue 7): Jobbvei AS certified ({certified}), NAV Fjordbyen planned ({planned})
    ("reviews", COORDINATOR, "/reviews"),
    ("reviews-revisor", REVISOR, "/reviews"),
    ("review-new", COORDINATOR, "/organisations/{org}/reviews/new"),
    ("review-overview-decided", LEADER, "/reviews/{certified}"),
    ("review-overview-planned", REVISOR, "/reviews/{planned}"),
    ("review-overview-follow-up", COORDINATOR, "/reviews/{follow_up}"),
    ("review-plan-edit", COORDINATOR, "/reviews/{planned}/plan"),
    ("review-plan-follow-up", COORDINATOR, "/reviews/{due_follow_up}/plan-follow-up"),
    ("review-cancel-confirm", COORDINATOR, "/reviews/{planned}/cancel"),
    ("package", REVISOR, "/reviews/{planned}/package"),
    ("package-contents", NAV_LEADER, "/reviews/{planned}/package/contents"),
    ("agenda", REVISOR, "/reviews/{planned}/agenda"),
    ("agenda-note", REVISOR, "/reviews/{planned}/agenda/{slot}/note"),
    ("agenda-slot-edit", REVISOR, "/reviews/{planned}/agenda/{slot}/edit"),
    ("agenda-slot-delete-confirm", REVISOR, "/reviews/{planned}/agenda/{slot}/delete"),
    ("findings", REVISOR, "/reviews/{planned}/findings"),
    ("finding", REVISOR, "/reviews/{planned}/findings/5"),
    ("comment-round-open", REVISOR, "/reviews/{planned}/comment-round"),
    ("publish-not-ready", REVISOR, "/reviews/{planned}/publish"),
    ("report", STAFF, "/reviews/{certified}/report"),
    ("report-correction", REVISOR, "/reviews/{certified}/correction"),
    ("decision-recorded", COORDINATOR, "/reviews/{certified}/decision"),
    ("certificates", LEADER, "/organisations/{org}/certificates"),
    ("certificate", LEADER, "/certificates/{certificate}"),
    ("certificate-withdraw-confirm", COORDINATOR, "/certificates/{certificate}/withdraw"),
    ("trend", LEADER, "/organisations/{org}/trend"),
    ("network-register", COORDINATOR, "/network"),
    ("network-calendar", COORDINATOR, "/network/calendar"),
    ("network-workload", COORDINATOR, "/network/workload"),
    # the action plan (issue 8)
    ("plan", LEADER, "/organisations/{org}/plan"),
    ("plan-staff", STAFF, "/organisations/{org}/plan"),
    ("goal", LEADER, "/goals/{goal}"),
    ("goal-new", LEADER, "/organisations/{org}/goals/new"),
    ("goal-new-from-recommendation", LEADER, "/organisations/{org}/goals/new?recommendation={recommendation}"),
    ("goal-edit", LEADER, "/goals/{goal}/edit"),
    ("task-edit", LEADER, "/tasks/{task}/edit"),
    ("dashboard-my-tasks", ACTING, "/dashboard"),
    ("meetings", LEADER, "/organisations/{org}/meetings"),
    ("meeting-series", LEADER, "/meeting-series/{series}"),
    ("meeting-series-new", LEADER, "/organisations/{org}/meeting-series/new"),
    ("meeting-occurrence-change", LEADER, "/meeting-series/{series}/occurrences/{next_planned}"),
    ("meeting-shared-screen", LEADER, "/meetings/{meeting}"),
    ("meeting-approved", STAFF, "/meetings/{approved_meeting}"),
    ("meeting-print", LEADER, "/meetings/{meeting}/print"),
    ("absences", STAFF, "/me/absences"),
    ("absence-delete-confirm", STAFF, "/absences/{absence}/delete"),
    ("organisation-absences", LEADER, "/organisations/{org}/absences"),
    ("calendar-organisation", LEADER, "/organisations/{org}/calendar"),
    ("calendar-mine", LEADER, "/me/calendar"),
    ("review-action-plan", REVISOR, "/reviews/{follow_up}/action-plan"),
    ("error-403-draft-report", NAV_STAFF, "/reviews/{planned}/report"),
    ("error-403", STAFF, "/organisations/{org}/audit"),
    ("error-404", LEADER, "/organisations/{org}/evidence/999999999"),
]
# pages in a state after a form was sent: name, who, path, {selector: value} to fill in before sending
# (the browser's own checks are switched off, so the server's error messages are what is checked)
FORM_STATES = [
    ("login-failed", None, "/login", {"#email": "nobody@example.no", "#password": "wrong"}),
    ("password-reset-request-invalid", None, "/password/forgot", {"#email": "not-an-address"}),
    ("settings-invalid", LEADER, "/organisations/{org}/settings", {"#anonymity_threshold": "1"}),
    ("own-area-new-invalid", LEADER, "/organisations/{org}/areas/new", {}),
    ("evidence-new-invalid", LEADER, "/organisations/{org}/evidence/new", {}),
    ("profile-invalid", LEADER, "/profile", {"#name": " "}),
    ("invitation-accept-invalid", None, "/invitation/{invitation_token}", {"#name": " ", "#new_password": "kort"}),
    ("password-reset-invalid", None, "/password/reset/{reset_token}", {"#new_password": "kort", "#confirm": "annet"}),
    ("review-new-invalid", COORDINATOR, "/organisations/{org}/reviews/new", {}),
    ("certificate-withdraw-invalid", COORDINATOR, "/certificates/{certificate}/withdraw", {}),
    ("goal-new-invalid", LEADER, "/organisations/{org}/goals/new", {}),
    ("meeting-series-new-invalid", LEADER, "/organisations/{org}/meeting-series/new", {"#interval_days": "0"}),
    ("absence-invalid", STAFF, "/me/absences", {}),
]
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The app with the demo data, served on loopback for the whole module; yields (base URL, ids)."""
    from seqf import clock, create_app, demo
    from seqf.extensions import db
    from seqf.models import (
        Certificate,
        Evidence,
        MemberRole,
        Membership,
        Organisation,
        Review,
        ReviewKind,
        ReviewState,
        Round,
        TokenPurpose,
        User,
        VisitSlot,
    )
    from seqf.services import own_areas, tokens
    from seqf.services import rounds as round_service

    instance = tmp_path_factory.mktemp("axe")
    app = create_app(base_config(f"sqlite:///{instance / 'axe.db'}", instance))
    app.instance_path = str(instance)
    with app.app_context():
        db.create_all()
        demo.load()
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Jobbvei AS"))
        own_area = own_areas.create_own_area(
            db.session.scalar(sa.select(User).where(User.email == LEADER)), org, title="IPS-troskap",
            description="Hvor tett vi følger IPS-modellen.",
            steps=[{"title": f"Trinn {n}", "indicators": [f"Indikator {n}a", f"Indikator {n}b"]} for n in range(1, 6)])
        # NAV Fjordbyen: one round closed with no answers (nothing released), one closed and reopened
        nav = db.session.scalar(sa.select(Organisation).where(Organisation.name.startswith("NAV Fjordbyen")))
        nav_leader = db.session.scalar(sa.select(User).where(User.email == NAV_LEADER))
        today = clock.today()  # the date in Norway, which the services compare with
        empty_round = round_service.open_round(nav_leader, nav, title="Ingen svar", closes_on=today)
        round_service.close_round(nav_leader, empty_round)
        reopened = round_service.open_round(nav_leader, nav, title="Åpnet igjen", closes_on=today)
        round_service.close_round(nav_leader, reopened)
        round_service.reopen_round(nav_leader, reopened)
        _token, invitation_secret = tokens.issue_one_time_token(
            TokenPurpose.invitation, email="ny@jobbvei.demo", organisation_id=org.id, role=MemberRole.staff,
            created_by_id=db.session.scalar(sa.select(User.id).where(User.email == LEADER)),
            lifetime=dt.timedelta(days=7))
        _token, reset_secret = tokens.issue_one_time_token(
            TokenPurpose.password_reset, email=STAFF, lifetime=dt.timedelta(hours=2),
            user_id=db.session.scalar(sa.select(User.id).where(User.email == STAFF)))
        db.session.commit()
        rounds = db.session.scalars(sa.select(Round).where(Round.organisation_id == org.id)
                                    .order_by(Round.id)).all()
        ids = {
            "org": org.id,
            "open_round": next(r.id for r in rounds if r.state.value == "open"),
            "closed_round": [r.id for r in rounds if r.state.value == "closed"][-1],
            "evidence": db.session.scalar(sa.select(Evidence.id).where(Evidence.organisation_id == org.id)
                                          .order_by(Evidence.id)),
            "leader_user": db.session.scalar(sa.select(User.id).where(User.email == LEADER)),
            "own_area": own_area.id,
            "empty_round": empty_round.id,
            "reopened_round": reopened.id,
            "invitation_token": invitation_secret,
            "reset_token": reset_secret,
            "staff_membership": db.session.scalar(
                sa.select(Membership.id).join(User, User.id == Membership.user_id)
                .where(User.email == STAFF, Membership.organisation_id == org.id)),
        }
        reviews = db.session.scalars(sa.select(Review).order_by(Review.id)).all()
        ids |= {
            "certified": next(r.id for r in reviews if r.state == ReviewState.decided),
            "follow_up": next(r.id for r in reviews if r.kind == ReviewKind.follow_up
                              and r.state == ReviewState.planned),
            "due_follow_up": next(r.id for r in reviews if r.state == ReviewState.due),
            "planned": next(r.id for r in reviews if r.kind == ReviewKind.certification
                            and r.state == ReviewState.planned),
            "certificate": db.session.scalar(sa.select(Certificate.id)),
        }
        ids["slot"] = db.session.scalar(sa.select(VisitSlot.id).where(VisitSlot.review_id == ids["planned"])
                                        .order_by(VisitSlot.id))
        ids |= _plan_ids(org.id)
        db.session.remove()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app.config.update(BASE_URL=base_url)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="axe-server", daemon=True)
    thread.start()
    try:
        yield base_url, ids
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _plan_ids(org_id: int) -> dict:
    """The demo plan's objects: the goal with overdue tasks, an open task, the leader meeting series,
    its open and an approved meeting, the next planned date, a recommendation, Bjørn's absence."""
    from seqf.extensions import db
    from seqf.models import Absence, Goal, Meeting, MeetingSeries, MeetingState, Recommendation, Task, TaskState
    from seqf.services import meeting_calendar

    series = db.session.scalar(sa.select(MeetingSeries).where(MeetingSeries.organisation_id == org_id))
    goal = db.session.scalar(sa.select(Goal).where(Goal.organisation_id == org_id, Goal.title.contains("sjekkliste")))
    return {
        "goal": goal.id,
        "task": db.session.scalar(sa.select(Task.id).where(Task.goal_id == goal.id, Task.state == TaskState.open)
                                  .order_by(Task.id)),
        "series": series.id,
        "meeting": db.session.scalar(sa.select(Meeting.id).where(Meeting.series_id == series.id,
                                                                 Meeting.state == MeetingState.open)),
        "approved_meeting": db.session.scalar(sa.select(Meeting.id).where(
            Meeting.series_id == series.id, Meeting.state == MeetingState.approved).order_by(Meeting.id.desc())),
        "next_planned": meeting_calendar.upcoming(series, 1)[0].planned_on.isoformat(),
        "recommendation": db.session.scalar(sa.select(Recommendation.id).where(Recommendation.organisation_id == org_id)
                                            .order_by(Recommendation.id)),
        "absence": db.session.scalar(sa.select(Absence.id).order_by(Absence.id)),
    }


@pytest.fixture(scope="module")
def logged_in_states(browser, demo_server):
    """Cookies per person, logged in once per module (logging in costs a password hash)."""
    from seqf.demo import PASSWORD

    base_url, _ids = demo_server
    states: dict[str | None, dict] = {}

    def state_for(email: str | None):
        if email not in states:
            context = browser.new_context(base_url=base_url)
            if email is not None:
                page = context.new_page()
                page.goto("/login")
                page.fill("#email", email)
                page.fill("#password", PASSWORD)
                page.click("main form button[type=submit]")
                page.wait_for_url(lambda url: urlsplit(url).path == "/dashboard")
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return state_for


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it is now, as plain dicts."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_no_axe_violations(browser, demo_server, logged_in_states, name, who, path, viewport):
    base_url, ids = demo_server
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport],
                                  storage_state=logged_in_states(who), locale="nb-NO", timezone_id="Europe/Oslo",
                                  bypass_csp=True)  # lets the test inject axe; the app's CSP stays as it is
    try:
        page = context.new_page()
        response = page.goto(path.format(**ids))
        expected = int(name.removeprefix("error-").split("-")[0]) if name.startswith("error-") else 200
        assert response.status == expected, f"{name}: {path} answered {response.status}"
        none_values = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
            .filter(a => (a.name.startsWith('aria-') || a.name === 'role') && ['None', ''].includes(a.value))
            .map(a => `${el.tagName.toLowerCase()}#${el.id} ${a.name}="${a.value}"`))""")
        assert not none_values, f"empty or None ARIA values on {name}: {none_values}"
        violations = axe_violations(page)
        if violations:
            screenshot(page, f"axe-{name}-{viewport}")
        assert not violations, f"axe on {name} ({viewport}):\n{describe(violations)}"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("name", "who", "path", "fields"), FORM_STATES, ids=[p[0] for p in FORM_STATES])
def test_no_axe_violations_in_forms_with_errors(browser, demo_server, logged_in_states, name, who, path, fields,
                                                viewport):
    base_url, ids = demo_server
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport], bypass_csp=True,
                                  storage_state=logged_in_states(who), locale="nb-NO", timezone_id="Europe/Oslo")
    try:
        page = context.new_page()
        page.goto(path.format(**ids))
        for selector, value in fields.items():
            page.fill(selector, value)
        form = page.locator("main form:has(button[type=submit])").first
        form.evaluate("f => { f.noValidate = true; }")
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        assert page.locator(".field__error, .alert--error").count() >= 1, f"{name}: no error shown"
        invalid = page.locator("[aria-invalid]")
        for i in range(invalid.count()):
            assert invalid.nth(i).get_attribute("aria-invalid") == "true"
        violations = axe_violations(page)
        if violations:
            screenshot(page, f"axe-{name}-{viewport}")
        assert not violations, f"axe on {name} ({viewport}):\n{describe(violations)}"
    finally:
        context.close()


_FOCUS_AND_BAR = """() => {
  const el = document.activeElement, bar = document.querySelector('.fill-actions');
  const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
  return {tag: el.tagName, name: el.name || el.textContent.trim().slice(0, 40), inBar: bar.contains(el),
          top: r.top, bottom: r.bottom, barTop: b.top, viewport: innerHeight};
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("who", "path", "boxes"), [
    (DRAFTER, "/rounds/{open_round}/fill?area=4", "-indicators"),
    (LEADER, "/rounds/{closed_round}/consensus?area=3", "-met"),
], ids=["fill", "consensus"])
def test_focus_is_never_hidden_by_the_sticky_save_bar(browser, demo_server, logged_in_states, who, path, boxes,
                                                      viewport):
    """WCAG 2.4.11: tabbing down a form with the sticky save bar, every focused element ends up above it."""
    base_url, ids = demo_server
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport],
                                  storage_state=logged_in_states(who))
    try:
        page = context.new_page()
        page.goto(path.format(**ids))
        page.locator("main").focus()
        checked = []
        for _ in range(150):
            page.keyboard.press("Tab")
            state = page.evaluate(_FOCUS_AND_BAR)
            if state["inBar"]:
                break
            assert state["bottom"] <= state["barTop"] + 1, f"{state} is hidden behind the save bar"
            checked.append(state)
        checkboxes = [s for s in checked if s["tag"] == "INPUT" and boxes in s["name"]]
        assert len(checkboxes) >= 5, checked  # the walk went down the whole form
        assert max(s["bottom"] for s in checked) > state["viewport"] / 2  # and the page did scroll
    finally:
        context.close()


@pytest.mark.parametrize(("name", "who", "path"), [
    ("audit", LEADER, "/organisations/{org}/audit"),
    ("admin-audit", ADMIN, "/admin/audit"),
    ("results", LEADER, "/rounds/{closed_round}/results"),
    ("members", LEADER, "/organisations/{org}/members"),
], ids=["audit", "admin-audit", "results", "members"])
def test_pages_wrap_on_a_phone_and_read_in_norwegian(browser, demo_server, logged_in_states, name, who, path):
    """Nothing scrolls sideways on a 360 px phone: the audit log is one block per event, and its texts
    are Norwegian with Norwegian dates. Screenshots (phone and desktop) go to test-artifacts/."""
    base_url, ids = demo_server
    for viewport in VIEWPORTS:
        context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport],
                                      storage_state=logged_in_states(who))
        try:
            page = context.new_page()
            page.goto(path.format(**ids))
            screenshot(page, f"a11y-{name}-{viewport}")
            if name == "results":
                page.locator(".radar-figure").screenshot(path=str(ARTIFACTS / f"a11y-radar-{viewport}.png"))
            if viewport == "phone":
                assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
                assert page.evaluate("[...document.querySelectorAll('.table-wrap')]"
                                     ".every(w => w.scrollWidth <= w.clientWidth + 1)") or name in ("results",)
            if "audit" in name:
                first = page.locator(".audit-table tbody tr").first
                assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4},? \d{2}:\d{2}", first.locator("time").inner_text())
                texts = page.locator(".audit-table__what").all_inner_texts()
                assert any(t.startswith(("La til", "Åpnet runden", "Opprettet")) for t in texts), texts[:5]
        finally:
            context.close()


def _fill_with_conflict(page, ids):
    """Two tabs on the same area; the second one's change meets the first one's save."""
    path = f"/rounds/{ids['open_round']}/fill?area=5"
    other = page.context.new_page()
    other.goto(path)
    page.goto(path)
    other.locator("input[name='step-1-indicators']").first.check()
    other.click("button[name=action][value=save]")
    other.wait_for_load_state()
    page.fill("#comment", "Skrevet i den andre fanen")
    page.locator("input[name='step-2-indicators']").first.check()
    page.locator("[data-conflict-panel]").wait_for()


def _fill_with_refused_file(page, ids):
    page.goto(f"/rounds/{ids['open_round']}/fill?area=6")
    page.locator("input[name='step-1-indicators']").first.check()
    page.click("#step-1 details.upload summary")
    page.set_input_files("#step-1-file", files=[{"name": "program.exe", "mimeType": "application/octet-stream",
                                                 "buffer": b"MZ\x90\x00" + b"\0" * 200}])
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    assert page.locator("#step-1-file-error").is_visible()


def _consensus_with_conflict(page, ids):
    path = f"/rounds/{ids['closed_round']}/consensus?area=9"
    other = page.context.new_page()
    other.goto(path)
    page.goto(path)
    with other.expect_navigation():
        other.click("button[name=action][value=save]")
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    assert page.locator(".conflict, [data-conflict-panel]").count() >= 1


def _profile_with_sessions(page, ids):
    from seqf.demo import PASSWORD

    second = page.context.browser.new_context(base_url="/".join(page.url.split("/")[:3]),
                                              user_agent="Mozilla/5.0 (Android 14; Mobile) Firefox/130.0")
    try:
        log_in(second.new_page(), LEADER, PASSWORD)
    finally:
        second.close()
    page.goto("/profile")
    assert page.locator("#sessions-h ~ * tbody tr, #sessions-h ~ table tbody tr").count() >= 2


REACHED_STATES = [
    ("fill-changed-in-another-window", DRAFTER, _fill_with_conflict),
    ("fill-refused-file", DRAFTER, _fill_with_refused_file),
    ("consensus-conflict", LEADER, _consensus_with_conflict),
    ("profile-several-sessions", LEADER, _profile_with_sessions),
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("name", "who", "reach"), REACHED_STATES, ids=[s[0] for s in REACHED_STATES])
def test_no_axe_violations_in_reached_states(browser, demo_server, logged_in_states, name, who, reach, viewport):
    """States a person reaches by doing something: a conflict panel, a refused file, several sessions."""
    base_url, ids = demo_server
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport], bypass_csp=True,
                                  storage_state=logged_in_states(who), locale="nb-NO", timezone_id="Europe/Oslo")
    try:
        page = context.new_page()
        page.goto("/dashboard")
        reach(page, ids)
        violations = axe_violations(page)
        screenshot(page, f"axe-{name}-{viewport}")
        assert not violations, f"axe on {name} ({viewport}):\n{describe(violations)}"
    finally:
        context.close()
