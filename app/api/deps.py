"""Dependencies every router shares: who is calling (bearer token) and which roles may call.

Each route declares its roles server-side, in its signature:

    @router.get("/users")
    def users(user: Annotated[UserInfo, Depends(Require("admin"))]) -> ...

``Require()`` without roles admits any logged-in user; ``Depends(public)`` marks a route that needs
no token. ``GuardedRoute`` (the route class of every router) refuses to build a route that declares
neither, and writes the roles into the OpenAPI document as ``x-roles``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer

from app.api.errors import ApiError, not_authenticated
from app.api.schemas import ErrorResponse
from services import tokens
from services.auth import ROLES, UserInfo, require_role
from storage.settings import get_settings

API_PREFIX = "/api/v1"
TOKEN_PATH = f"{API_PREFIX}/auth/token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC = "public"

# Both read the same "Authorization: Bearer <token>" header; declaring both lets the docs page
# offer the password login and a pasted token. Neither raises: ``caller`` answers 401 itself.
_oauth2 = OAuth2PasswordBearer(
    tokenUrl=TOKEN_PATH, auto_error=False, scheme_name="password",
    description="username + password at /api/v1/auth/token gives a token",
)
_bearer = HTTPBearer(auto_error=False, scheme_name="token", description="an API token (sy_...)")


def caller(
    request: Request,
    token: Annotated[str | None, Depends(_oauth2)],
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> tokens.TokenUser:
    """The user of the bearer token; 401 when missing or not working, 403 for a write with a read token."""
    if not token:
        raise not_authenticated()
    found = tokens.authenticate(token)
    if found is None:
        raise not_authenticated("invalid_token", "the token is unknown, expired or revoked")
    if found.read_only and request.method not in SAFE_METHODS:
        raise ApiError(403, "insufficient_scope", "this token is read-only",
                       headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'})
    return found


class Require:
    """Dependency: the calling user, who must have one of ``roles`` (none given: any role)."""

    def __init__(self, *roles: str) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        self.roles: tuple[str, ...] = roles or ROLES

    async def __call__(self, who: Annotated[tokens.TokenUser, Depends(caller)]) -> UserInfo:
        """Raise PermissionDenied (403) unless the token's role is allowed.

        ``async`` because it does no I/O: FastAPI then runs it on the event loop instead of handing
        it to a worker thread and back (``caller``, which reads the database, stays in a thread).
        """
        return require_role(who.user, *self.roles)


def public() -> None:
    """Dependency marking a route that anyone may call without a token."""


def client_address(request: Request) -> str | None:
    """The caller's address, as the Reflex app finds it for the web login (login throttling).

    The connection's peer; behind ``SHUYING_TRUSTED_PROXY_HOPS`` = n reverse proxies, the n-th
    ``X-Forwarded-For`` entry from the right (the one the nearest trusted proxy saw).
    """
    hops = get_settings().trusted_proxy_hops
    if hops:
        forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.client.host if request.client else None


CurrentUser = Annotated[UserInfo, Depends(Require())]
"""Any logged-in user."""

AdminUser = Annotated[UserInfo, Depends(Require("admin"))]
"""An admin."""


def declared_roles(dependant: Dependant) -> tuple[str, ...] | None:
    """The roles a route admits: ('public',), the Require roles, or None if it declares none."""
    found: set[str] = set()
    public_seen = False
    stack = [dependant]
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Require):
            found.update(dep.call.roles)
        elif dep.call is public:
            public_seen = True
        stack.extend(dep.dependencies)
    if found:
        return tuple(r for r in ROLES if r in found)
    return (PUBLIC,) if public_seen else None


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "no token, or it is unknown, expired or revoked"},
    403: {"model": ErrorResponse, "description": "the token's role may not call this"},
    422: {"model": ErrorResponse, "description": "some fields are not valid (each one named)"},
}


def _takes_input(dependant: Dependant) -> bool:
    """True when a route has parameters or a body that could fail validation."""
    stack = [dependant]
    while stack:
        dep = stack.pop()
        if dep.path_params or dep.query_params or dep.header_params or dep.cookie_params \
                or dep.body_params:
            return True
        stack.extend(dep.dependencies)
    return False


class GuardedRoute(APIRoute):
    """An API route that must declare who may call it (see the module docstring)."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        roles = declared_roles(self.dependant)
        if roles is None:
            raise TypeError(
                f"route {path} declares no roles: add Depends(Require(...)) or Depends(public)"
            )
        self.roles = roles
        if self.summary is None and endpoint.__doc__:
            self.summary = endpoint.__doc__.strip().splitlines()[0].rstrip(".")
        self.openapi_extra = {**(self.openapi_extra or {}), "x-roles": list(roles)}
        errors = {k: v for k, v in _ERRORS.items() if k == 422 or roles != (PUBLIC,)}
        if not _takes_input(self.dependant):
            errors.pop(422)
        self.responses = {**errors, **self.responses}
