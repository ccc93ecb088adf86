"""What the load run measures, in order: each phase is one request shape as one kind of user.

``who`` names the login (``small``/``large`` leader, ``coordinator``, ``revisor``) or ``token`` (a
staff member's API token with a draft: autosave and submit run as distinct people). Paths are
filled from the state the generator wrote.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    name: str
    path: str
    who: str = "small"
    method: str = "GET"
    kind: str = "page"  # page | autosave | submit | api


def phases(state: dict) -> list[Phase]:
    s, g = state["small"], state["large"]
    evidence_file = s["evidence"][0]
    pages = [
        Phase("/healthz", "/healthz", who="anonymous"),
        # the floor every logged-in page stands on: the session query, the menu, base.html and one
        # statement of its own (the personal calendar feed's state)
        Phase("smallest logged-in page", "/me/calendar"),
        # the same for the API: the token's statement and one of its own (the caller's memberships)
        Phase("smallest API call", "/api/v1/me", who="small-token", kind="api"),
        Phase("dashboard", "/dashboard"),
        Phase("organisation front page", f"/organisations/{s['organisation']}/"),
        Phase("evidence library, small", f"/organisations/{s['organisation']}/evidence/"),
        Phase("evidence library, large", f"/organisations/{g['organisation']}/evidence/", who="large"),
    ]
    for key, org in (("small", s), ("large", g)):
        pages += [
            Phase(f"round summary, {key}", f"/rounds/{org['closed']}/summary", who=key),
            Phase(f"round results, {key}", f"/rounds/{org['closed']}/results", who=key),
            Phase(f"consensus, {key}", f"/rounds/{org['closed']}/consensus", who=key),
            Phase(f"summary API, {key}", f"/api/v1/rounds/{org['closed']}/summary", who=f"{key}-token", kind="api"),
        ]
    pages += [
        Phase("CSV export, large", f"/rounds/{g['closed']}/export.csv", who="large"),
        Phase("XLSX export, large", f"/rounds/{g['closed']}/export.xlsx", who="large"),
        Phase("autosave one area (API)", "/api/v1/rounds/{round}/my-response", who="token", method="PUT",
              kind="autosave"),
        Phase("submit (API)", "/api/v1/rounds/{round}/my-response/submit", who="token", method="POST",
              kind="submit"),
        Phase("evidence download", f"/organisations/{s['organisation']}/evidence/{evidence_file}/files/1"),
        Phase("review overview", f"/reviews/{s['review']}", who="revisor"),
        Phase("published report", f"/reviews/{s['review']}/report", who="revisor"),
        Phase("network register", "/network", who="coordinator"),
        Phase("action plan, large", f"/organisations/{g['organisation']}/plan", who="large"),
        Phase("goal page", f"/goals/{s['goal']}"),
        Phase("meeting agenda", f"/meetings/{s['meeting']}"),
        Phase("calendar page", f"/organisations/{s['organisation']}/calendar"),
        Phase("calendar feed (ICS)", f"/calendar/{s['calendar_token']}.ics", who="anonymous"),
        Phase("/healthz (again)", "/healthz", who="anonymous"),
    ]
    return pages


AUTOSAVE_BODY = {"answers": [{"area": "1", "steps": [{"step": 1, "met": True, "evidence_ids": []},
                                                     {"step": 2, "met": False, "evidence_ids": []}],
                              "comment": "Lagret under lasttesten."}]}
