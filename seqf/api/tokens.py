"""API: the caller's own tokens — list them (never the secrets) and revoke one."""

from __future__ import annotations

from flask import Response, abort, g

from seqf.api import schemas as s
from seqf.api.core import current_api_user, operation
from seqf.extensions import db
from seqf.models import ApiToken, utcnow
from seqf.services import tokens


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


@operation("/tokens", summary="The caller's live API tokens (no secrets)", tag="auth",
           response=list[s.TokenInfoOut])
def list_tokens():
    current = g.api_token
    return [{"id": t.id, "created_at": _iso(t.created_at), "expires_at": _iso(t.expires_at),
             "last_used_at": _iso(t.last_used_at), "current": t.id == current.id}
            for t in tokens.api_tokens_of(current_api_user())]


@operation("/tokens/current", "DELETE", summary="Revoke the token this request is sent with",
           tag="auth", status=204)
def revoke_current_token():
    tokens.revoke_api_token(current_api_user(), g.api_token)
    return Response(status=204)


@operation("/tokens/<int:token_id>", "DELETE", summary="Revoke one of the caller's tokens", tag="auth",
           status=204, errors=(404,))
def revoke_token(token_id: int):
    user = current_api_user()
    token = db.session.get(ApiToken, token_id)
    # someone else's token, or one already revoked or expired, is unknown to the caller
    if token is None or token.user_id != user.id or not token.is_live(utcnow()):
        abort(404)
    tokens.revoke_api_token(user, token)
    return Response(status=204)
