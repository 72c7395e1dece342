"""Is the service up? (no token needed)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from app.api.deps import GuardedRoute, public
from app.api.schemas import ApiModel
from services import health as health_check

router = APIRouter(tags=["system"], route_class=GuardedRoute)


class HealthOut(ApiModel):
    """Service health."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]


@router.get("/health", responses={503: {"model": HealthOut}})
def health(response: Response, _: Annotated[None, Depends(public)]) -> HealthOut:
    """Service health (no token needed).

    200 when the app database answers, 503 when it does not.
    """
    result = health_check.check()
    if not result.database_ok:
        response.status_code = 503
        return HealthOut(status="unavailable", database="unreachable")
    return HealthOut(status="ok", database="ok")
