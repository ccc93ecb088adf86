"""The network coordinator's overview: the register of organisations and certificates, the annual
calendar of visits and follow-ups, revisor workload, and each organisation's trend across reviews."""

from flask import Blueprint

bp = Blueprint("network", __name__)

from seqf.network import views_register, views_trend  # noqa: E402,F401
