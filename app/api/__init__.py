"""The open REST API, mounted on the Reflex backend (``rx.App(api_transformer=create_api())``).

Routes live under ``/api/v1`` (one router per area in ``app/api/routers``), the OpenAPI document at
``/api/v1/openapi.json``, the reference pages at ``/api/docs`` (Swagger UI) and ``/api/redoc``, all
served from local files. Calls authenticate with ``Authorization: Bearer <token>``; every error is
``{"error": {"code", "message", "fields"}}`` (``app/api/errors.py``). See docs/api.md.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import Match

from app.api import docs, errors
from app.api.deps import API_PREFIX
from app.api.errors import ApiError
from app.api.routers import ROUTERS

TITLE = "Shuying API"
VERSION = "1.0.0"
OPENAPI_URL = f"{API_PREFIX}/openapi.json"
DESCRIPTION = """The open REST API of Shuying (数盈).

Get a token with `POST /api/v1/auth/token` (form: `grant_type=password&username=…&password=…`)
or create a long-lived one at `POST /api/v1/tokens`, then send `Authorization: Bearer <token>`.
Money is a string with two decimals; times are ISO-8601 with offset. Every error answers
`{"error": {"code": "…", "message": "…", "fields": [{"field": "body.name", "message": "…"}]}}`,
except the token endpoint's: it answers as OAuth 2.0 (RFC 6749 §5.2) says,
`{"error": "invalid_grant", "error_description": "…"}`, and `429` with `Retry-After` after too many
failed sign-ins for a username or from an address.
Each operation lists the roles that may call it under `x-roles`.
"""


def create_api() -> FastAPI:
    """The FastAPI app with every router, the error handlers and the offline docs pages."""
    api = FastAPI(
        title=TITLE, version=VERSION, description=DESCRIPTION, openapi_url=OPENAPI_URL,
        docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None,
        generate_unique_id_function=_operation_id,
    )
    errors.install(api)
    for router in ROUTERS:
        api.include_router(router, prefix=API_PREFIX)
    docs.install(api, OPENAPI_URL, TITLE)
    _add_fallback(api)
    return api


def _operation_id(route: APIRoute) -> str:
    """operationId = the endpoint's name (``list_customers``); the OpenAPI test checks uniqueness."""
    return route.name


def _add_fallback(api: FastAPI) -> None:
    """Unknown /api/... paths answer a JSON 404 (405 for a known path) instead of the Reflex app."""
    routes = list(api.router.routes)

    @api.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    def api_fallback(request: Request, rest: str) -> None:
        """No such operation."""
        if any(r.matches(request.scope)[0] == Match.PARTIAL for r in routes):
            raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed here")
        raise ApiError(404, "not_found", f"no API operation at {request.url.path}")
