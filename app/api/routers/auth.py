"""Logging in for a token (OAuth 2.0 password grant) and who am I."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request, Response

from app.api.deps import TOKEN_PATH, API_PREFIX, CurrentUser, GuardedRoute, public
from app.api.errors import ApiError
from app.api.schemas import ApiModel, ErrorResponse
from services import tokens

router = APIRouter(tags=["auth"], route_class=GuardedRoute)
FORM = "application/x-www-form-urlencoded"


class TokenOut(ApiModel):
    """RFC 6749 section 5.1 access token response."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int  # seconds


class MeOut(ApiModel):
    """The calling user (the role is the token's)."""

    id: int
    username: str
    display_name: str
    role: str
    locale: str


@router.post(
    TOKEN_PATH.removeprefix(API_PREFIX),
    responses={
        400: {"model": ErrorResponse, "description": "missing field or grant_type not 'password'"},
        401: {"model": ErrorResponse, "description": "wrong username or password"},
    },
)
def token_login(
    request: Request,
    response: Response,
    grant_type: Annotated[str, Form(pattern="^password$")],
    username: Annotated[str, Form()],
    password: Annotated[str, Form(json_schema_extra={"format": "password"})],
    _: Annotated[None, Depends(public)],
    scope: Annotated[str, Form()] = "",
) -> TokenOut:
    """Log in for a token (OAuth 2.0 password grant).

    Exchange a username and password for a bearer token (form-encoded, RFC 6749 section 4.3).

    The token acts with the user's role and lasts as long as a login session (12 hours by default).
    For long-lived tokens for scripts, create one at ``POST /api/v1/tokens``.
    """
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != FORM:
        raise ApiError(400, "invalid_request", f"send the form as {FORM}")
    new = tokens.login_for_token(username, password)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    expires_in = 0
    if new.info.expires_at and new.info.created_at:
        expires_in = round((new.info.expires_at - new.info.created_at).total_seconds())
    return TokenOut(access_token=new.token, expires_in=expires_in)


@router.get("/me")
def get_me(user: CurrentUser) -> MeOut:
    """The calling user.

    The user the token belongs to, with the role the token acts with.
    """
    return MeOut.model_validate(user)
