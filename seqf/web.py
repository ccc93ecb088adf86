"""Small helpers the HTML views share: turning service errors into form messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

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
