"""Certification decisions and certificates in the browser: decide, read and print a certificate,
withdraw one, and an organisation's certificate history."""

from flask import Blueprint

bp = Blueprint("certification", __name__)

from seqf.certification import views  # noqa: E402,F401
