"""Logging in for a token (OAuth 2.0 password grant, RFC 6749 section 4.3) and who am I.

The token endpoint answers as RFC 6749 section 5.2 says, not with the API's common error body: a
flat ``{"error", "error_description"}`` built by authlib's error classes, ``Cache-Control: no-store``
and ``Pragma: no-cache`` on every answer. authlib's ``AuthorizationServer`` and its password grant
are not used: they need a registry of OAuth clients that authenticate at the endpoint (Shuying has
none; a client sends a ``client_id`` at most), they answer wrong credentials with ``invalid_request``
where section 5.2 says ``invalid_grant``, and they issue tokens through their own generator instead
of ``services.tokens`` (which stores the token's hash and its audit row in one transaction).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
    UnsupportedGrantTypeError,
)
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.api.deps import API_PREFIX, TOKEN_PATH, CurrentUser, GuardedRoute, client_address, public
from app.api.schemas import ApiModel
from services import tokens
from services.auth import InvalidCredentials, LoginThrottled

router = APIRouter(tags=["auth"], route_class=GuardedRoute)
FORM = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# the parameters this endpoint reads; each may be sent at most once (RFC 6749 section 3.2)
PARAMETERS = ("grant_type", "username", "password", "scope", "client_id", "client_secret")
MAX_FIELDS = 32


class TokenOut(ApiModel):
    """RFC 6749 section 5.1 access token response."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int  # seconds


class OAuthErrorOut(BaseModel):
    """RFC 6749 section 5.2 error response."""

    error: Literal["invalid_request", "invalid_client", "invalid_grant", "unsupported_grant_type"]
    error_description: str = Field(description="for people; may change")


class MeOut(ApiModel):
    """The calling user (the role is the token's)."""

    id: int
    username: str
    display_name: str
    role: str
    locale: str


@dataclass(frozen=True)
class PasswordGrant:
    """A well-formed password grant request."""

    username: str
    password: str


def _no_store(description: str) -> dict[str, Any]:
    """The caching headers every token endpoint answer carries, for the document."""
    return {
        "Cache-Control": {"description": description, "schema": {"type": "string", "const": "no-store"}},
        "Pragma": {"schema": {"type": "string", "const": "no-cache"}},
    }


_FORM_BODY = {
    "required": True,
    "content": {FORM: {"schema": {
        "type": "object",
        "required": ["grant_type", "username", "password"],
        "properties": {
            "grant_type": {"type": "string", "const": "password"},
            "username": {"type": "string"},
            "password": {"type": "string", "format": "password"},
            "scope": {"type": "string", "description": "ignored: the token acts with the user's role"},
            "client_id": {"type": "string", "description": "optional, not checked (no clients are registered)"},
        },
    }}},
}

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"headers": _no_store("token responses are never cached (RFC 6749 section 5.1)")},
    400: {"model": OAuthErrorOut, "headers": _no_store("also on errors"),
          "description": "`invalid_grant`: wrong username or password (or an inactive account); "
                         "`invalid_request`: not a form, a parameter missing, empty or sent twice; "
                         "`unsupported_grant_type`: grant_type other than `password`"},
    401: {"model": OAuthErrorOut, "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
          "description": "`invalid_client`: client credentials were sent (a client secret, or a Basic "
                         "Authorization header with one); Shuying registers no OAuth clients"},
    429: {"model": OAuthErrorOut,
          "headers": {"Retry-After": {"description": "seconds until sign-ins are accepted again",
                                      "schema": {"type": "integer"}}},
          "description": "`invalid_grant`: too many failed sign-ins for this username or from this "
                         "address; refused without checking the password until Retry-After (RFC 6585)"},
}


@router.post(
    TOKEN_PATH.removeprefix(API_PREFIX), response_model=TokenOut, responses=_RESPONSES,
    openapi_extra={"requestBody": _FORM_BODY},
)
async def token_login(request: Request, _: Annotated[None, Depends(public)]) -> JSONResponse:
    """Log in for a token (OAuth 2.0 password grant).

    Exchange a username and password for a bearer token (form-encoded, RFC 6749 section 4.3). Errors
    follow RFC 6749 section 5.2: `{"error": "invalid_grant", "error_description": "..."}`.

    The token acts with the user's role and lasts as long as a login session (12 hours by default).
    For long-lived tokens for scripts, create one at ``POST /api/v1/tokens``. Repeated failures lock
    the username (or the client address) for a while: 429 with Retry-After.
    """
    try:
        grant = await _read_grant(request)
        new = await run_in_threadpool(
            tokens.login_for_token, grant.username, grant.password, address=client_address(request)
        )
    except OAuth2Error as error:
        return _error(error)
    except InvalidCredentials:
        return _error(InvalidGrantError("wrong username or password"))
    except LoginThrottled as refused:
        return _throttled(refused)
    expires_in = 0
    if new.info.expires_at and new.info.created_at:
        expires_in = round((new.info.expires_at - new.info.created_at).total_seconds())
    body = TokenOut(access_token=new.token, expires_in=expires_in)
    return JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)


async def _read_grant(request: Request) -> PasswordGrant:
    """The form's username and password; raises the RFC 6749 error for anything else."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != FORM:
        raise InvalidRequestError(f"send the parameters as {FORM}")
    params = _parameters(await request.body())
    grant_type = params.get("grant_type", "")
    if not grant_type:
        raise InvalidRequestError("missing grant_type")
    if grant_type != "password":
        raise _unsupported()
    _refuse_client_credentials(request, params)
    missing = [name for name in ("username", "password") if not params.get(name)]
    if missing:
        raise InvalidRequestError("missing " + " and ".join(missing))
    return PasswordGrant(params["username"], params["password"])


def _parameters(body: bytes) -> dict[str, str]:
    """The parameters this endpoint reads, each sent at most once (others are ignored, section 3.2)."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequestError(f"the form is not UTF-8 {FORM} of at most {MAX_FIELDS} fields") from None
    params: dict[str, str] = {}
    repeated: list[str] = []
    for name, value in pairs:
        if name not in PARAMETERS:
            continue
        if name in params:
            repeated.append(name)
        params[name] = value
    if repeated:
        raise InvalidRequestError(f"{', '.join(sorted(set(repeated)))} sent more than once")
    return params


def _unsupported() -> UnsupportedGrantTypeError:
    """unsupported_grant_type with a description (authlib's carries none in the body)."""
    error = UnsupportedGrantTypeError("")
    error.description = "only grant_type=password is supported"
    return error


def _refuse_client_credentials(request: Request, params: dict[str, str]) -> None:
    """invalid_client (401) when a client secret is sent: no client could be authenticated with it.

    A ``client_id`` alone (RFC 6749 section 2.3 / 3.2.1, a public client) is accepted and not
    checked, also as a Basic header with an empty secret (what Swagger UI sends by default).
    """
    no_clients = "Shuying registers no OAuth clients: send no client secret (a client_id alone is fine)"
    if params.get("client_secret"):
        raise InvalidClientError(no_clients, status_code=401)
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClientError("the Basic Authorization header is malformed", status_code=401) from None
    _, colon, secret = decoded.partition(":")
    if not colon:
        raise InvalidClientError("the Basic Authorization header is malformed", status_code=401)
    if secret:
        raise InvalidClientError(no_clients, status_code=401)


def _error(error: OAuth2Error) -> JSONResponse:
    """An RFC 6749 section 5.2 answer (authlib adds no-store, no-cache; WWW-Authenticate for 401)."""
    status, body, headers = error()
    return JSONResponse(body, status_code=status, headers=dict(headers))


def _throttled(refused: LoginThrottled) -> JSONResponse:
    """429 (RFC 6585) with Retry-After and an RFC 6749 body: sign-ins are refused for a while."""
    minutes = refused.minutes
    error = InvalidGrantError(
        f"too many failed sign-ins for this {refused.scope}; "
        f"try again in {minutes} minute{'s' if minutes != 1 else ''}",
        status_code=429,
    )
    response = _error(error)
    response.headers["Retry-After"] = str(refused.retry_after)
    return response


@router.get("/me")
def get_me(user: CurrentUser) -> MeOut:
    """The calling user.

    The user the token belongs to, with the role the token acts with.
    """
    return MeOut.model_validate(user)
