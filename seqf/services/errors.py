"""Errors a service raises when a rule is broken; views and the API map them to responses."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: ``code`` is the API's snake_case error code, ``status`` its HTTP status."""

    code = "invalid"
    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class RuleViolation(ServiceError):
    """Input is well-formed but breaks a business rule (422)."""

    code = "validation_failed"
    status = 422


class Conflict(ServiceError):
    """The object is in a state that does not allow this, or the version is stale (409)."""

    code = "conflict"
    status = 409


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class Forbidden(ServiceError):
    code = "forbidden"
    status = 403
