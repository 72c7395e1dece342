"""One router per area of the API; ``ROUTERS`` lists them in the order the docs show them.

A new area (promotions, quote, orders, rules, campaigns) adds a module here with
``router = APIRouter(prefix="/<area>", tags=["<area>"], route_class=GuardedRoute)`` and appends it.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routers import audit, auth, commerce, customers, kpis, rules, system, tokens, users

ROUTERS: tuple[APIRouter, ...] = (
    system.router, auth.router, tokens.router, kpis.router, commerce.router, rules.router,
    customers.router,
    users.router, audit.router,
)
