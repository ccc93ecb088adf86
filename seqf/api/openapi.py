"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, generated from the ``operation`` registry."""

from __future__ import annotations

import re

from pydantic import BaseModel, TypeAdapter

from seqf import __version__
from seqf.api.core import REGISTRY, openapi_path, operation

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
}
STATUS_TEXT = {400: "Malformed body", 401: "Not authenticated", 403: "Not allowed", 404: "Unknown",
               409: "State conflict or stale version", 413: "File too large",
               415: "Unsupported media type", 422: "Validation or business-rule violation"}


def _schema(tp, components: dict) -> dict:
    adapter = TypeAdapter(tp)
    schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        components[tp.__name__] = schema
        return {"$ref": f"#/components/schemas/{tp.__name__}"}
    return schema


def build_document() -> dict:
    components: dict = {"Error": ERROR_SCHEMA}
    paths: dict = {}
    for op in REGISTRY:
        item = paths.setdefault(openapi_path(op.rule), {})
        entry: dict = {"summary": op.summary, "operationId": op.endpoint, "tags": [op.tag]}
        params = [{"name": n, "in": "path", "required": True,
                   "schema": {"type": "integer" if f"<int:{n}>" in op.rule else "string"}}
                  for n in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", op.rule)]
        params += [{"name": n, "in": "query", "required": False, "schema": {"type": "string"},
                    "description": d} for n, d in op.query.items()]
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _schema(op.body, components)}}}
        ok: dict = {"description": "OK"}
        if op.response is not None:
            ok["content"] = {op.content_type: {"schema": _schema(op.response, components)}}
        elif op.content_type != "application/json":
            ok["content"] = {op.content_type: {"schema": {"type": "string", "format": "binary"}}}
        entry["responses"] = {str(op.status): ok}
        codes = set(op.errors) | ({401} if op.auth else set()) | ({400, 422} if op.body else set())
        for code in sorted(codes):
            entry["responses"][str(code)] = {"description": STATUS_TEXT.get(code, "Error"), "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        if op.auth:
            entry["security"] = [{"bearer": []}]
        item[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "seqf API", "version": __version__,
                 "description": "Quality work in Supported Employment: see docs/api.md."},
        "servers": [{"url": "/api/v1"}],
        "paths": {path.removeprefix(""): ops for path, ops in sorted(paths.items())},
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@operation("/openapi.json", summary="This OpenAPI document", tag="meta", auth=False)
def openapi_document():
    return build_document()
