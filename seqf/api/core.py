"""The ``operation`` decorator: routing, bearer authentication, body parsing and OpenAPI metadata.

Every API view is declared through it, so the OpenAPI document is generated from the same
declarations that parse requests; nothing is kept by hand. The statuses an operation can answer
are mostly derived (401 with a token, 404 with a path id, 400/413/415/422 with a body); ``errors``
adds the ones only the view knows (403, 409, …). ``tests/web/test_openapi_schemathesis.py`` holds
every operation to what is declared here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Response, g, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest

from seqf.errors import json_error
from seqf.models import User
from seqf.services import tokens
from seqf.services.errors import ServiceError


@dataclass(frozen=True)
class Query:
    """A typed query parameter: ``query={"limit": Query.integer("at most this many", 1, 1000)}``.

    A plain string in ``query`` is a free-text parameter with that description.
    """

    description: str
    schema: dict = field(default_factory=lambda: {"type": "string"})

    @classmethod
    def integer(cls, description: str, low: int, high: int) -> Query:
        return cls(description, {"type": "integer", "minimum": low, "maximum": high})

    @classmethod
    def choice(cls, description: str, *values: str) -> Query:
        return cls(description, {"type": "string", "enum": list(values)})

    @classmethod
    def text(cls, description: str, max_length: int = 200) -> Query:
        return cls(description, {"type": "string", "maxLength": max_length})

    @classmethod
    def flag(cls, description: str) -> Query:
        return cls(description, {"type": "boolean"})


@dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    auth: bool = True
    content_type: str = "application/json"
    query: dict[str, str | Query] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    bodies: dict[str, Any] = field(default_factory=dict)
    content_types: tuple[str, ...] = ()
    rate_limited: bool = False


REGISTRY: list[Operation] = []


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


def iso(value) -> str | None:
    """A date as ``YYYY-MM-DD``, a timestamp as ISO 8601 UTC with ``Z`` (API.md conventions)."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def current_api_user() -> User:
    return g.api_user


def _authenticate() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "not_authenticated", _("Send a bearer token: Authorization: Bearer <token>."))
    token = tokens.api_token_for(secret.strip())
    if token is None:
        raise ApiError(401, "not_authenticated", _("The token is invalid or has expired."))
    g.api_token = token
    return token.user


def pydantic_fields(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(location, error["msg"])
    return fields


def _nul_paths(value: Any, path: str = "") -> Iterator[str]:
    """Paths (``a.0.b``) of strings holding a NUL character, which PostgreSQL cannot store."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(key, path or "body")
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}" if path else str(index))


def parse_body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise ApiError(415 if request.data else 400, "bad_request",
                       _("Send a JSON body with Content-Type: application/json."))
    try:
        data = request.get_json()
    except BadRequest:
        raise ApiError(400, "malformed_json", _("The body is not valid JSON.")) from None
    bad = list(_nul_paths(data))
    if bad:
        raise ApiError(422, "validation_failed", _("Some fields are missing or invalid."),
                       {path: _("Contains a NUL character.") for path in bad})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", _("Some fields are missing or invalid."),
                       pydantic_fields(exc)) from None


def operation(rule: str, method: str = "GET", *, summary: str, tag: str,
              body: type[BaseModel] | None = None, response: Any = None, status: int = 200,
              auth: bool = True, content_type: str = "application/json",
              query: dict[str, str | Query] | None = None, errors: tuple[int, ...] = (),
              rate_limit: Callable | None = None, bodies: dict[str, Any] | None = None,
              content_types: tuple[str, ...] = ()) -> Callable:
    """Declare an API view. The view receives ``body=`` (parsed model) when ``body`` is given and
    returns a JSON-able value (or a Response); it is serialised with ``status`` (204: no body).

    ``rate_limit`` is a Flask-Limiter decorator (``limiter.limit(...)``) applied to the route.
    ``bodies`` documents request bodies a view parses itself (media type → pydantic model), e.g.
    multipart uploads; ``content_types`` lists the media types of a non-JSON answer (downloads).
    """

    def decorator(view: Callable) -> Callable:
        endpoint = view.__name__

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                if auth:
                    g.api_user = _authenticate()
                if body is not None:
                    kwargs["body"] = parse_body(body)
                result = view(*args, **kwargs)
            except ApiError as exc:
                return json_error(exc.status, exc.code, exc.message, exc.fields)
            except ServiceError as exc:
                from seqf.extensions import db

                db.session.rollback()
                return json_error(exc.status, exc.code, exc.message, exc.fields)
            if hasattr(result, "status_code"):
                return result
            if status == 204:
                empty = Response(status=204)
                del empty.headers["Content-Type"]
                return empty
            return jsonify(result), status

        from seqf.api import bp

        view_function = rate_limit(wrapper) if rate_limit else wrapper
        bp.add_url_rule(rule, endpoint, view_function, methods=[method])
        REGISTRY.append(Operation(rule, method, endpoint, summary, tag, body, response, status, auth,
                                  content_type, query or {}, errors, bodies or {}, content_types,
                                  rate_limit is not None))
        return wrapper

    return decorator


def openapi_path(rule: str) -> str:
    """Flask's ``/organisations/<int:org>`` becomes OpenAPI's ``/organisations/{org}``."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)
