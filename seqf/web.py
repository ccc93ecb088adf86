"""Small helpers the HTML views share: service errors as form messages, bounded pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import flash, request
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm

from seqf.extensions import db
from seqf.services.errors import ServiceError

T = TypeVar("T")


class Refused(Exception):
    """Raised by ``attempt`` so the caller can re-render the form with status 422."""


def attempt(form: FlaskForm | None, call: Callable[[], T]) -> T:
    """Run a service call; on a rule violation put its messages on the form and raise ``Refused``.

    The view then re-renders with status 422, and the request boundary rolls back.
    """
    try:
        return call()
    except ServiceError as exc:
        placed = False
        if form is not None:
            for name, text in exc.fields.items():
                field = getattr(form, name, None)
                if field is not None and hasattr(field, "errors"):
                    field.errors = [*list(field.errors or []), text]
                    placed = True
        flash(exc.message, "error")
        if not placed and form is not None:
            form.form_errors.append(exc.message)
        raise Refused(exc.message) from exc


MAX_PAGE = 100_000


def paginate(query: sa.Select, per_page: int = 50) -> Pagination:
    """``db.paginate`` with ``?page=`` kept within 1…MAX_PAGE: a silly page number shows an empty
    page instead of overflowing the database's OFFSET."""
    page = request.args.get("page", 1, type=int) or 1
    return db.paginate(query, page=min(max(page, 1), MAX_PAGE), per_page=per_page, error_out=False)
