"""One error body for the whole API, and the mapping from service errors to HTTP answers.

Every 4xx/5xx answer is ``{"error": {"code", "message", "fields": [{"field", "message"}]}}``, but
the token endpoint's, which answers RFC 6749's own error body (``app/api/routers/auth.py``).
Routers raise ``ApiError`` (or let a service error propagate: the table below maps it); FastAPI's
own validation errors become 422 ``validation_failed`` naming each field as ``body.<name>``,
``query.<name>``, ``path.<name>``. Unparseable JSON is 400 ``invalid_json``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.schemas import ErrorResponse
from services.auth import PermissionDenied, UsernameTaken, UserValidationError
from services.customers import CustomerNotFound
from services.tokens import TokenNotFound, TokenValidationError

log = logging.getLogger("shuying.api")

Fields = list[tuple[str, str] | tuple[str, str, dict[str, Any]]]
"""(where, message) per bad field; a third item adds keys to that field (a rule problem's code, reason...)."""

_STATUS_CODES = {
    400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 415: "unsupported_media_type",
    422: "validation_failed", 429: "too_many_requests", 500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An answer other than success, raised anywhere in a request."""

    def __init__(
        self, status: int, code: str, message: str, fields: Fields | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []
        self.headers = headers or {}


def error_body(code: str, message: str, fields: Iterable[tuple[Any, ...]] = ()) -> dict:
    """The JSON error body (a field's optional keys only when it has them)."""
    return ErrorResponse.model_validate(
        {"error": {"code": code, "message": message,
                   "fields": [{"field": f[0], "message": f[1], **(f[2] if len(f) > 2 else {})} for f in fields]}}
    ).model_dump(exclude_none=True)


def error_response(error: ApiError) -> JSONResponse:
    """ApiError -> JSONResponse."""
    return JSONResponse(
        error_body(error.code, error.message, error.fields), status_code=error.status,
        headers=error.headers,
    )


def not_authenticated(code: str = "not_authenticated", message: str = "a bearer token is required") -> ApiError:
    """401 with the RFC 6750 challenge (``error="invalid_token"`` when a token was sent)."""
    challenge = "Bearer" if code == "not_authenticated" else f'Bearer error="{code}"'
    return ApiError(401, code, message, headers={"WWW-Authenticate": challenge})


def _loc(loc: Iterable[object]) -> str:
    """('body', 'items', 0, 'sku') -> 'body.items.0.sku'."""
    return ".".join(str(part) for part in loc)


def validation_error(exc: RequestValidationError) -> ApiError:
    """FastAPI's validation error -> 422 naming every field (400 for unparseable JSON)."""
    errors = list(exc.errors())
    fields = [(_loc(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in errors]
    if any(e.get("type") == "json_invalid" for e in errors):
        return ApiError(400, "invalid_json", "the request body is not valid JSON", fields)
    return ApiError(422, "validation_failed", "some fields are not valid", fields)


def _body_fields(errors: dict[str, str]) -> Fields:
    """A service's {field: problem} -> [('body.field', problem)]."""
    return [(f"body.{name}", problem) for name, problem in errors.items()]


# service error -> ApiError, most specific first
_SERVICE_ERRORS: list[tuple[type[Exception], Callable[[Exception], ApiError]]] = [
    (UsernameTaken, lambda e: ApiError(409, "conflict", "this username is taken",
                                       _body_fields(e.errors))),  # type: ignore[attr-defined]
    (UserValidationError, lambda e: ApiError(422, "validation_failed", "some fields are not valid",
                                             _body_fields(e.errors))),  # type: ignore[attr-defined]
    (TokenValidationError, lambda e: ApiError(422, "validation_failed", "some fields are not valid",
                                              _body_fields(e.errors))),  # type: ignore[attr-defined]
    (PermissionDenied, lambda e: ApiError(403, "forbidden", "your role may not do this")),
    (TokenNotFound, lambda e: ApiError(404, "not_found", "no such token")),
    (CustomerNotFound, lambda e: ApiError(404, "not_found", "no such customer")),
]


def from_service_error(exc: Exception) -> ApiError | None:
    """The HTTP answer for a service error, or None when it is not one we know."""
    for kind, convert in _SERVICE_ERRORS:
        if isinstance(exc, kind):
            return convert(exc)
    return None


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(validation_error(exc))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(ApiError(exc.status_code, code, message, headers=exc.headers))

    async def on_service_error(request: Request, exc: Exception) -> JSONResponse:
        error = from_service_error(exc)
        if error is None:
            raise exc
        return error_response(error)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error in %s %s", request.method, request.url.path)
        return error_response(ApiError(500, "internal_error", "something went wrong on our side"))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    for kind, _ in _SERVICE_ERRORS:
        app.add_exception_handler(kind, on_service_error)
    app.add_exception_handler(Exception, on_unexpected)
