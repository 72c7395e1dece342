"""Back-office users (admins only)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fastapi import APIRouter

from app.api.deps import AdminUser, GuardedRoute
from app.api.schemas import ApiModel, ErrorResponse, RequestModel, Time
from services import auth

router = APIRouter(prefix="/users", tags=["users"], route_class=GuardedRoute)

Role = Literal["admin", "marketer", "designer", "analyst"]
Locale = Literal["zh-CN", "en"]


class UserOut(ApiModel):
    """A user (never the password)."""

    id: int
    username: str
    display_name: str
    role: str
    locale: str
    is_active: bool
    created_at: Time
    last_login_at: Time | None


class UserIn(RequestModel):
    """A new user; every problem is reported at once, each naming its field."""

    username: str = Field(min_length=1, max_length=auth.USERNAME_MAX, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=auth.PASSWORD_MIN, json_schema_extra={"format": "password"})
    role: Role
    display_name: str = Field(min_length=1, max_length=128)
    locale: Locale = "zh-CN"


def _out(listing: auth.UserListing) -> UserOut:
    """Service listing -> response."""
    i = listing.info
    return UserOut(
        id=i.id, username=i.username, display_name=i.display_name, role=i.role, locale=i.locale,
        is_active=listing.is_active, created_at=listing.created_at,
        last_login_at=listing.last_login_at,
    )


@router.get("")
def list_users(_: AdminUser) -> list[UserOut]:
    """List users.

    Every user, by username; never a password.
    """
    return [_out(u) for u in auth.list_users()]


@router.post("", status_code=201, responses={409: {"model": ErrorResponse,
                                                   "description": "the username is taken"}})
def create_user(body: UserIn, admin: AdminUser) -> UserOut:
    """Create a user.

    The user is active at once; the audit trail names the admin who created it.
    """
    created = auth.create_user(
        body.username, body.password, body.role, body.display_name, body.locale,
        actor=admin.username,
    )
    listing = next(u for u in auth.list_users() if u.info.id == created.id)
    return _out(listing)
