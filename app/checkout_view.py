"""Plain-Python shaping of the checkout simulator: the cart being built, customers, and the quote as rows.

Rows hold strings only; text in both languages carries one entry per locale (``row["zh-CN"]``,
``row["en"]``): the engine's own messages, and the service's withheld promotions and unusable codes
worded from the translation files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.format import local_datetime, money
from app.i18n import LOCALES
from app.promotions_view import both


def _flag(value: bool) -> str:
    """'1' or '0' (rows are strings)."""
    return "1" if value else "0"


def add_line(lines: list[dict[str, str]], product: dict[str, str], qty: int) -> list[dict[str, str]]:
    """The cart with ``qty`` more of a product (one line per SKU)."""
    out = [dict(ln) for ln in lines]
    for ln in out:
        if ln["sku"] == product["sku"]:
            ln["qty"] = str(int(ln["qty"]) + qty)
            return out
    out.append({"sku": product["sku"], "name": product["name"], "price": product["price"], "qty": str(qty)})
    return out


def set_qty(lines: list[dict[str, str]], sku: str, qty: int) -> list[dict[str, str]]:
    """The cart with one line's quantity changed (0 or less removes it)."""
    out = []
    for ln in lines:
        if ln["sku"] != sku:
            out.append(dict(ln))
        elif qty > 0:
            out.append({**ln, "qty": str(qty)})
    return out


def _price(text: str) -> Decimal:
    """'¥1,234.50' -> Decimal('1234.50')."""
    return Decimal(text.replace("¥", "").replace(",", ""))


def cart_lines_view(lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """The cart lines with their amount at list price."""
    return [{**ln, "amount": money(_price(ln["price"]) * int(ln["qty"]))} for ln in lines]


def cart_total(lines: list[dict[str, str]]) -> str:
    """The cart at list price."""
    return money(sum((_price(ln["price"]) * int(ln["qty"]) for ln in lines), Decimal("0")))


def add_code(codes: list[str], code: str) -> list[str]:
    """The presented codes with one more (trimmed, upper-case, no duplicates)."""
    clean = code.strip().upper()
    return codes if not clean or clean in codes else [*codes, clean]


def customer_option(view: Any, tiers: dict[str, dict[str, str]]) -> dict[str, str]:
    """A customer in the simulator's picker (personal data already masked by the service)."""
    tier = tiers.get(view.tier, {"zh-CN": view.tier, "en": view.tier})
    return {"id": str(view.id), "code": view.code, "name": view.name or "", "orders": str(view.orders_count),
            "tier_zh": tier["zh-CN"], "tier_en": tier["en"], "tags": ", ".join(view.tags)}


def tier_labels(options: Iterable[Any]) -> dict[str, dict[str, str]]:
    """Tier code -> {locale: label} from the field catalogue's enum options."""
    return {o.value: {"zh-CN": o.zh, "en": o.en} for o in options}


def coupon_chip(coupon: Any, templates: dict[int, str]) -> dict[str, str]:
    """A coupon the customer holds, for one-click use in the simulator."""
    return {"code": coupon.code, "template": templates.get(coupon.template_id, ""),
            "expires": local_datetime(coupon.expires_at) if coupon.expires_at else ""}


WITHHELD = ("budget_exhausted", "per_customer_limit", "needs_customer")
COUPON_PROBLEMS = ("unknown", "not_claimed", "not_yours", "needs_customer", "used", "expired", "not_live",
                    "duplicate")


def _messages(messages: dict[str, str]) -> dict[str, str]:
    """The engine's messages as one entry per UI locale."""
    return {loc: messages.get(loc, "") for loc in LOCALES}


@dataclass
class QuoteRows:
    """A quote shaped for the simulator."""

    totals: dict[str, str]
    lines: list[dict[str, str]]
    applied: list[dict[str, str]]
    gifts: list[dict[str, str]]
    not_applied: list[dict[str, str]]
    nudges: list[dict[str, str]]
    alternatives: list[dict[str, str]]


def _names(q: Any, promotion_names: dict[str, str]) -> dict[str, str]:
    """Promotion id -> display name, from the quote and then the catalogue of promotions."""
    names = dict(promotion_names)
    names.update({a.promotion_id: a.name for a in q.applied})
    names.update({n.promotion_id: n.name for n in q.not_applied})
    return names


def _joined(ids: Iterable[str], names: dict[str, str]) -> str:
    """Promotion names joined with ' + '."""
    return " + ".join(names.get(i, i) for i in ids)


def _applied_row(a: Any) -> dict[str, str]:
    """One applied promotion."""
    gifts = ", ".join(f"{g.sku} × {g.qty}" for g in a.gifts)
    return {"id": a.promotion_id, "name": a.name, "type": a.type, "layer": a.layer, "discount": money(a.discount),
            "shipping_off": money(a.shipping_off) if a.shipping_off else "", "gifts": gifts,
            "lines": ", ".join(f"{ln.sku} -{money(ln.amount)}" for ln in a.lines), **_messages(a.messages)}


def quote_rows(cq: Any, products: dict[str, str], promotion_names: dict[str, str]) -> QuoteRows:
    """The service's CartQuote as rows: totals, lines, applied, gifts, reasons, nudges and alternatives."""
    q = cq.quote
    names = _names(q, promotion_names)
    totals = {"subtotal": money(q.subtotal), "discount": money(q.discount), "shipping": money(q.shipping),
              "shipping_fee": money(q.shipping_fee), "total": money(q.total), "saving": money(q.saving),
              "gift_value": money(q.gift_value), "optimal": _flag(q.optimal), "has_discount": _flag(q.discount > 0),
              "combination": _joined(q.combination, names), "nodes": str(q.nodes)}
    lines = [{"sku": ln.sku, "name": products.get(ln.sku, ln.sku), "qty": str(ln.qty), "amount": money(ln.amount),
              "discount": money(ln.discount), "total": money(ln.total), "has_discount": _flag(ln.discount > 0)}
             for ln in q.lines]
    gifts = [{"sku": g.sku, "name": products.get(g.sku, g.sku), "qty": str(g.qty), "value": money(g.value),
              "promotion": names.get(g.promotion_id, g.promotion_id)} for g in q.gifts]
    not_applied = [{"id": n.promotion_id, "name": n.name, "reason": n.reason, **_messages(n.messages)}
                   for n in q.not_applied]
    not_applied += [{"id": w.promotion_id, "name": names.get(w.promotion_id, w.promotion_id), "reason": w.reason,
                     **both(f"sim.withheld_{w.reason}", name=names.get(w.promotion_id, w.promotion_id))}
                    for w in cq.withheld if w.reason in WITHHELD]
    not_applied += [{"id": c.code, "name": c.code, "reason": "coupon_" + c.reason,
                     **both(f"sim.coupon_{c.reason}", code=c.code)}
                    for c in cq.coupon_problems if c.reason in COUPON_PROBLEMS]
    nudges = [{"id": n.promotion_id, "shortfall": money(n.shortfall), **_messages(n.messages)} for n in q.nudges]
    alternatives = [{"names": _joined(a.promotion_ids, names), "saving": money(a.saving),
                     "discount": money(a.discount), "gap": money(q.saving - a.saving),
                     "refused": _flag(a.refused_by_margin)} for a in q.alternatives]
    return QuoteRows(totals, lines, [_applied_row(a) for a in q.applied], gifts, not_applied, nudges, alternatives)
