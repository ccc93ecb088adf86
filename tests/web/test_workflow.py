"""Workflows are data: validated at start-up, and every state change goes through them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from seqf import create_app, workflow
from seqf.extensions import db
from seqf.models import AuditEvent, RoundState
from seqf.services import rounds as round_service
from seqf.services.errors import Conflict, Forbidden
from tests.web.round_helpers import make_team, open_round

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workflow_dir(tmp_path) -> Path:
    target = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", target)
    return target


def test_shipped_workflows_load():
    loaded = workflow.load_all(ROOT / "workflows")
    assert set(loaded) == {"round", "response", "review", "goal", "task", "meeting"}
    assert loaded["review"].transitions["publish"].from_ == ["drafting", "comment_round"]
    assert loaded["review"].transitions["decide"].guards == ["not_a_follow_up"]
    assert loaded["round"].transitions["close"].to == "closed"
    assert loaded["response"].actions["edit"].states == ["draft"]


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("to: closed", "to: shut", "unknown state 'shut'"),
    ("guards: [no_consensus_recorded]", "guards: [moon_is_full]", "unknown guard(s): moon_is_full"),
    ("initial: open", "initial: ajar", "initial state 'ajar'"),
    ("name: round", "name: rounds", "must match the file name"),
    ("    roles: [leader, org_admin]\n    guards: []", "    roles: []\n    guards: []", "roles"),
    ("transitions:", "transitions: [", "cannot be read"),
])
def test_a_broken_file_stops_start_up_naming_file_and_problem(workflow_dir, old, new, problem):
    path = workflow_dir / "round.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(workflow.WorkflowError) as caught:
        create_app({"WORKFLOWS_DIR": str(workflow_dir), "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "SECRET_KEY": "x"})
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_transitions_check_state_role_and_guard_and_write_an_audit_event(app, make_org, make_user):
    org, leader, staff = make_team(make_org, make_user, staff=3)
    round_ = open_round(leader, org)
    with pytest.raises(Forbidden):
        round_service.close_round(staff[0], round_)
    round_service.close_round(leader, round_)
    db.session.commit()
    assert round_.state == RoundState.closed
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "round.close"))
    assert event.actor_id == leader.id and event.object_id == round_.id and event.organisation_id == org.id
    with pytest.raises(Conflict):  # already closed: a state conflict
        round_service.close_round(leader, round_)
    assert workflow.allowed("round", round_, "reopen", leader)
    assert not workflow.allowed("round", round_, "reopen", staff[0])
    round_.consensus_recorded_at = round_.closed_at
    with pytest.raises(Conflict) as caught:  # guard: the consensus is recorded
        round_service.reopen_round(leader, round_)
    assert caught.value.code == "no_consensus_recorded"
