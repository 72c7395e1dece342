"""The caller's own API tokens: list, create (the token is shown once), revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import Field

from app.api.deps import CurrentUser, GuardedRoute
from app.api.schemas import ApiModel, ErrorResponse, RequestModel, Time
from services import tokens
from services.auth import ROLES

router = APIRouter(prefix="/tokens", tags=["tokens"], route_class=GuardedRoute)


class TokenInfoOut(ApiModel):
    """A token as its owner sees it (never the token itself after creation)."""

    id: int
    name: str
    prefix: str = Field(description="first characters of the token, to tell tokens apart")
    role: str
    read_only: bool
    active: bool
    created_at: Time | None
    expires_at: Time | None
    last_used_at: Time | None
    revoked_at: Time | None


class TokenIn(RequestModel):
    """A new token."""

    name: str = Field(min_length=1, max_length=tokens.NAME_MAX, examples=["BI export"])
    role: str | None = Field(
        default=None, description=f"one of {', '.join(ROLES)}; default your own; admins may pick a lesser one"
    )
    expires_in_days: int | None = Field(
        default=tokens.DEFAULT_DAYS, ge=1, le=tokens.MAX_DAYS, description="null: never expires"
    )
    read_only: bool = False


class NewTokenOut(ApiModel):
    """The created token: ``token`` is shown this once and never again."""

    token: str
    info: TokenInfoOut


@router.get("")
def list_tokens(user: CurrentUser) -> list[TokenInfoOut]:
    """List your tokens.

    Newest first, revoked and expired ones included; never the token values.
    """
    return [TokenInfoOut.model_validate(t) for t in tokens.list_tokens(user)]


@router.post("", status_code=201)
def create_token(body: TokenIn, user: CurrentUser) -> NewTokenOut:
    """Create a token (shown once).

    Keep the ``token`` value from the answer: it cannot be shown again.
    """
    new = tokens.create_token(
        user, body.name, role=body.role, expires_in_days=body.expires_in_days,
        read_only=body.read_only,
    )
    return NewTokenOut(token=new.token, info=TokenInfoOut.model_validate(new.info))


@router.delete("/{token_id}", status_code=204, responses={404: {"model": ErrorResponse}})
def revoke_token(token_id: Annotated[int, Path(ge=1)], user: CurrentUser) -> Response:
    """Revoke one of your tokens.

    It stops working at once; revoking twice is fine.
    """
    tokens.revoke_token(user, token_id)
    return Response(status_code=204)
