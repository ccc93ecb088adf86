"""The list of blueprints, in one place so ``create_app`` stays short."""

from __future__ import annotations

from flask import Blueprint


def all_blueprints() -> list[Blueprint]:
    from seqf.admin import bp as admin
    from seqf.api import bp as api
    from seqf.areas import bp as areas
    from seqf.auth import bp as auth
    from seqf.calendar import bp as calendar
    from seqf.certification import bp as certification
    from seqf.evidence import bp as evidence
    from seqf.main import bp as main
    from seqf.meetings import bp as meetings
    from seqf.network import bp as network
    from seqf.organisations import bp as organisations
    from seqf.plans import bp as plans
    from seqf.reviews import bp as reviews
    from seqf.rounds import bp as rounds

    return [main, auth, admin, organisations, api, areas, evidence, rounds, reviews, certification, network,
            plans, meetings, calendar]
