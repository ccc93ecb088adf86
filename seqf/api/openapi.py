"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, generated from the ``operation`` registry.

The document is the contract: what it says is what the server does. So the generator refuses to
describe two different models under one schema name (``DuplicateSchemaName``) rather than let one
silently replace the other, and the statuses it lists are derived from how ``operation`` parses a
request (see ``statuses_of``) plus the view's own ``errors``.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter

from seqf import __version__
from seqf.api.core import REGISTRY, Operation, Query, openapi_path, operation
from seqf.urls import MAX_ID

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "current": {"description": "With code stale_version (409): what is stored now, in the shape the "
                                   "operation answers with, so the client can show both versions"}}}},
}
STATUS_TEXT = {200: "OK", 201: "Created", 204: "Done; no body",
               400: "Malformed request (body not JSON, a NUL character, a broken form)",
               401: "Not authenticated", 403: "Not allowed for your role",
               404: "Unknown, or not visible to you", 409: "State conflict or stale version",
               413: "Body or file too large", 415: "Unsupported media type",
               422: "Validation or business-rule violation", 429: "Too many attempts"}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
SEGMENT_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 100}


class DuplicateSchemaName(RuntimeError):
    """Two different classes would be published under one component name."""


def _models(tp: Any, seen: set[type] | None = None) -> set[type[BaseModel]]:
    """Every pydantic model reachable from a type annotation (nested fields, lists, unions)."""
    seen = set() if seen is None else seen
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return seen
        seen.add(tp)
        for info in tp.model_fields.values():
            _models(info.annotation, seen)
        return seen
    for arg in typing.get_args(tp):
        if not isinstance(arg, (str, int, float, bool, types.NoneType)):
            _models(arg, seen)
    return seen


class _Components:
    """Component schemas by name, each name owned by exactly one model class."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict] = {"Error": ERROR_SCHEMA}
        self.owners: dict[str, type] = {}

    def claim(self, tp: Any) -> None:
        for model in _models(tp):
            owner = self.owners.setdefault(model.__name__, model)
            if owner is not model:
                raise DuplicateSchemaName(
                    f"schema name {model.__name__!r} is used by both {owner.__module__}.{owner.__qualname__} "
                    f"and {model.__module__}.{model.__qualname__}; rename one")

    def schema(self, tp: Any) -> dict:
        self.claim(tp)
        schema = TypeAdapter(tp).json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            self._add(name, definition)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            self._add(tp.__name__, schema)
            return {"$ref": f"#/components/schemas/{tp.__name__}"}
        return schema

    def _add(self, name: str, definition: dict) -> None:
        if name in self.schemas and self.schemas[name] != definition:
            raise DuplicateSchemaName(f"schema name {name!r} would get two different definitions")
        self.schemas[name] = definition


def statuses_of(op: Operation) -> list[int]:
    """Every status the operation can answer besides its success status.

    401: a bearer token is required. 404: a path parameter may name nothing you can see. 400, 413,
    415, 422: a request body is parsed (malformed, too large, not the right media type, invalid).
    400, 422: query parameters are checked (a NUL character, a value out of range). 429: a rate
    limit applies. The view adds what only it knows in ``errors`` (403, 409, …).
    """
    codes = set(op.errors)
    if op.auth:
        codes.add(401)
    if "<" in op.rule:
        codes.add(404)
    if op.body is not None or op.bodies:
        codes |= {400, 413, 415, 422}
    if op.query:
        codes |= {400, 422}
    if op.rate_limited:
        codes.add(429)
    return sorted(codes - {op.status})


def _parameters(op: Operation) -> list[dict]:
    params = []
    for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", op.rule):
        schema = ID_SCHEMA if f"<int:{name}>" in op.rule else SEGMENT_SCHEMA
        params.append({"name": name, "in": "path", "required": True, "schema": dict(schema)})
    for name, spec in op.query.items():
        spec = spec if isinstance(spec, Query) else Query(spec)
        params.append({"name": name, "in": "query", "required": False, "schema": dict(spec.schema),
                       "description": spec.description})
    return params


def _request_body(op: Operation, components: _Components) -> dict | None:
    bodies = dict(op.bodies)
    if op.body is not None:
        bodies.setdefault("application/json", op.body)
    if not bodies:
        return None
    content = {}
    for media_type, model in bodies.items():
        entry: dict = {"schema": components.schema(model)}
        if media_type == "multipart/form-data":
            entry["encoding"] = {"file": {"contentType": "application/octet-stream"}}
        content[media_type] = entry
    return {"required": True, "content": content}


def _success(op: Operation, components: _Components) -> dict:
    ok: dict = {"description": STATUS_TEXT.get(op.status, "OK")}
    if op.status == 204:
        return ok
    if op.response is not None:
        ok["content"] = {op.content_type: {"schema": components.schema(op.response)}}
    elif op.content_type == "application/json" and not op.content_types:
        ok["content"] = {"application/json": {"schema": {"type": "object"}}}
    elif op.content_types or op.content_type != "application/json":
        binary = {"schema": {"type": "string", "format": "binary"}}
        ok["content"] = {media_type: binary for media_type in op.content_types or (op.content_type,)}
    return ok


def build_document() -> dict:
    components = _Components()
    paths: dict = {}
    for op in REGISTRY:
        item = paths.setdefault(openapi_path(op.rule), {})
        entry: dict = {"summary": op.summary, "operationId": op.endpoint, "tags": [op.tag]}
        params = _parameters(op)
        if params:
            entry["parameters"] = params
        body = _request_body(op, components)
        if body is not None:
            entry["requestBody"] = body
        entry["responses"] = {str(op.status): _success(op, components)}
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for code in statuses_of(op):
            entry["responses"][str(code)] = {"description": STATUS_TEXT.get(code, "Error"), "content": error}
        if op.auth:
            entry["security"] = [{"bearer": []}]
        item[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "seqf API", "version": __version__,
                 "description": "Quality work in Supported Employment: see docs/api.md."},
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": components.schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@operation("/openapi.json", summary="This OpenAPI document", tag="meta", auth=False)
def openapi_document():
    return build_document()
