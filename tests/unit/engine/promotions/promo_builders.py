"""Small builders for promotion-engine tests: carts and promotions as plain JSON dicts."""

from __future__ import annotations

from typing import Any

NOW = "2026-11-11T10:00:00+08:00"


def line(sku: str, price: str, qty: int = 1, cost: str = "0", category: str | None = None) -> dict[str, Any]:
    """A cart line."""
    return {"sku": sku, "category": category, "price": price, "cost": cost, "qty": qty}


def cart(*lines: dict[str, Any], shipping_fee: str = "0", coupons: list[str] | None = None,
         channel: str | None = None) -> dict[str, Any]:
    """A cart of the given lines."""
    return {"lines": list(lines), "shipping_fee": shipping_fee, "coupon_codes": coupons or [], "channel": channel}


def promo(pid: str, kind: str, params: dict[str, Any], *, scope: dict[str, Any] | None = None,
          group: str | None = None, exclusive: bool = False, priority: int = 0, coupon: str | None = None,
          condition: Any = None, starts_at: str | None = None, ends_at: str | None = None,
          name: str = "") -> dict[str, Any]:
    """A promotion."""
    return {
        "id": pid, "name": name or pid, "type": kind, "params": params, "scope": scope or {},
        "stacking": {"group": group, "exclusive": exclusive, "priority": priority}, "coupon_code": coupon,
        "condition": condition, "starts_at": starts_at, "ends_at": ends_at,
    }


def manjian(pid: str, threshold: int | str, off: int | str, **kw: Any) -> dict[str, Any]:
    """满 threshold 减 off."""
    return promo(pid, "threshold_off", {"tiers": [{"threshold": threshold, "off": off}]}, **kw)


def percent(pid: str, pct: int | str, **kw: Any) -> dict[str, Any]:
    """pct % off."""
    return promo(pid, "percent_off", {"percent": pct}, **kw)
