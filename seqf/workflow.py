"""Declarative state machines: ``workflows/*.yaml`` hold states, transitions, roles and guard names.

The files are validated when the app starts (a broken file stops start-up with a message naming
the file and the problem). Guards are Python functions found by name in ``GUARDS``; every state
change goes through ``apply_transition``, which checks state, role and guards and writes an
audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from flask import Flask, current_app
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from seqf.services import audit
from seqf.services.errors import Conflict, Forbidden

# guard name → fn(obj, actor) returning None when allowed, else a human message
GUARDS: dict[str, Callable[[Any, Any], str | None]] = {}
# workflow name → fn(obj, actor) returning the actor's role names on that object
ROLE_RESOLVERS: dict[str, Callable[[Any, Any], set[str]]] = {}


def guard(name: str) -> Callable:
    def decorator(fn):
        GUARDS[name] = fn
        return fn

    return decorator


def role_resolver(workflow: str) -> Callable:
    def decorator(fn):
        ROLE_RESOLVERS[workflow] = fn
        return fn

    return decorator


class WorkflowError(Exception):
    """A workflow file is broken; the message names the file and the problem."""


class Transition(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: list[str] = Field(alias="from", min_length=1)
    to: str
    roles: list[str] = Field(min_length=1)
    guards: list[str] = Field(default_factory=list)


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")
    states: list[str] = Field(min_length=1)
    roles: list[str] = Field(min_length=1)
    guards: list[str] = Field(default_factory=list)


class Workflow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    states: list[str] = Field(min_length=1)
    initial: str
    transitions: dict[str, Transition]
    actions: dict[str, Action] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Workflow:
        known = set(self.states)
        if self.initial not in known:
            raise ValueError(f"initial state '{self.initial}' is not among the states")
        for name, t in self.transitions.items():
            for state in [*t.from_, t.to]:
                if state not in known:
                    raise ValueError(f"transition '{name}' names unknown state '{state}'")
        for name, a in self.actions.items():
            for state in a.states:
                if state not in known:
                    raise ValueError(f"action '{name}' names unknown state '{state}'")
        return self

    def all_guards(self) -> set[str]:
        names = {g for t in self.transitions.values() for g in t.guards}
        return names | {g for a in self.actions.values() for g in a.guards}


def load_workflow(path: Path) -> Workflow:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        workflow = Workflow.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise WorkflowError(f"{path}: cannot be read: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise WorkflowError(f"{path}: {problems}") from None
    if workflow.name != path.stem:
        raise WorkflowError(f"{path}: name '{workflow.name}' must match the file name '{path.stem}'")
    unknown = workflow.all_guards() - GUARDS.keys()
    if unknown:
        raise WorkflowError(f"{path}: unknown guard(s): {', '.join(sorted(unknown))}")
    return workflow


def load_all(directory: str | Path) -> dict[str, Workflow]:
    _import_guards()
    return {p.stem: load_workflow(p) for p in sorted(Path(directory).glob("*.yaml"))}


def _import_guards() -> None:
    """Guards live beside the services that own the objects; importing registers them."""
    import seqf.services.plan_guards  # noqa: F401
    import seqf.services.review_guards  # noqa: F401
    import seqf.services.round_guards  # noqa: F401
    import seqf.services.round_removal  # noqa: F401


def init_app(app: Flask) -> None:
    app.extensions["workflows"] = load_all(app.config["WORKFLOWS_DIR"])


def get(name: str) -> Workflow:
    return current_app.extensions["workflows"][name]


def _check(workflow: Workflow, rule: Transition | Action, what: str, obj: Any, actor: Any) -> None:
    roles = ROLE_RESOLVERS[workflow.name](obj, actor)
    if not roles & set(rule.roles):
        raise Forbidden(_("Your role does not allow this."), code="forbidden")
    for name in rule.guards:
        problem = GUARDS[name](obj, actor)
        if problem:
            # guards here protect state (a closed round, a recorded consensus): a conflict, 409
            raise Conflict(problem, code=name)


def _require_state(obj: Any, states: list[str]) -> str:
    state = _state(obj)
    if state not in states:
        raise Conflict(_("This cannot be done while the state is “%(state)s”.", state=state), code="wrong_state")
    return state


def apply_transition(workflow_name: str, obj: Any, transition: str, actor: Any) -> None:
    """Move ``obj`` along ``transition``: 403 for a wrong role, 409 from a wrong state or a failed guard."""
    workflow = get(workflow_name)
    rule = workflow.transitions[transition]
    state = _require_state(obj, rule.from_)
    _check(workflow, rule, transition, obj, actor)
    obj.state = type(obj.state)(rule.to)
    audit.record(actor, f"{workflow_name}.{transition}", obj,
                 f"{workflow_name.capitalize()} {getattr(obj, 'id', '')}: {state} → {rule.to}",
                 _organisation_id(obj))


def check_action(workflow_name: str, obj: Any, action: str, actor: Any) -> None:
    """Raise unless ``action`` is allowed on ``obj`` in its current state for ``actor``."""
    workflow = get(workflow_name)
    rule = workflow.actions[action]
    _require_state(obj, rule.states)
    _check(workflow, rule, action, obj, actor)


def allowed(workflow_name: str, obj: Any, name: str, actor: Any) -> bool:
    """For templates: would this transition or action be allowed now?"""
    try:
        if name in get(workflow_name).transitions:
            workflow = get(workflow_name)
            rule = workflow.transitions[name]
            if _state(obj) not in rule.from_:
                return False
            _check(workflow, rule, name, obj, actor)
        else:
            check_action(workflow_name, obj, name, actor)
    except (Conflict, Forbidden):
        return False
    return True


def _state(obj: Any) -> str:
    return getattr(obj.state, "value", obj.state)


def _organisation_id(obj: Any) -> int | None:
    if hasattr(obj, "organisation_id"):
        return obj.organisation_id
    parent = getattr(obj, "round", None)
    return getattr(parent, "organisation_id", None)
