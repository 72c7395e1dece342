"""Plain-Python shaping of coupon templates for the coupon templates tab (testable without a browser).

Rows of the table, the form of a new template -> the service's ``TemplateInput``, a saved template ->
the edit form -> the service's ``TemplateChange`` (only the fields that changed), service problems
-> errors next to the form's fields, why the code and the promotion cannot change, and batch rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.format import local_datetime
from app.i18n import LOCALES, translate
from app.promotions_view import FormReader, message_for, to_input_datetime

TEMPLATE_DEFAULTS: dict[str, str] = {"code": "", "name": "", "promotion_code": "", "claim_starts_at": "",
                                     "claim_ends_at": "", "stock": "", "per_customer_limit": "1", "valid_days": "7"}
# what an edit may change (TemplateChange); code and promotion stay
EDITABLE: tuple[str, ...] = ("name", "claim_starts_at", "claim_ends_at", "stock", "per_customer_limit", "valid_days")


def template_row(rec: Any, promotion_names: dict[str, str]) -> dict[str, str]:
    """A row of the coupon templates table (with the name of the promotion it unlocks)."""
    stock = "" if rec.stock is None else f"{rec.stock:,}"
    promotion = rec.promotion_code or ""
    return {
        "code": rec.code, "name": rec.name, "promotion_code": promotion,
        "promotion_name": promotion_names.get(promotion, promotion),
        "claim_starts": local_datetime(rec.claim_starts_at) if rec.claim_starts_at else "",
        "claim_ends": local_datetime(rec.claim_ends_at) if rec.claim_ends_at else "",
        "stock": stock, "claimed": f"{rec.claimed:,}",
        "per_customer_limit": "" if rec.per_customer_limit is None else str(rec.per_customer_limit),
        "valid_days": "" if rec.valid_days is None else str(rec.valid_days),
    }


def template_payload(form: dict[str, str], kinds: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The service input of a new coupon template and local errors (field -> i18n key)."""
    r = FormReader(form)
    for key in ("code", "name", "promotion_code"):
        if not form.get(key, "").strip():
            r.errors[key] = "promo.err_required"
    promotion = form.get("promotion_code", "").strip()
    payload = {"code": form.get("code", "").strip(), "name": form.get("name", "").strip(),
               "promotion_code": promotion, "kind": kinds.get(promotion) or "discount",
               "claim_starts_at": r.when("claim_starts_at"), "claim_ends_at": r.when("claim_ends_at"),
               "stock": r.integer("stock"), "per_customer_limit": r.integer("per_customer_limit"),
               "valid_days": r.integer("valid_days")}
    return payload, r.errors


def template_form(rec: Any) -> dict[str, str]:
    """A saved template as the edit form (times as Shanghai datetime-local values, empty = no limit)."""
    def num(value: int | None) -> str:
        """A limit as form text."""
        return "" if value is None else str(value)

    return {"code": rec.code, "name": rec.name, "promotion_code": rec.promotion_code or "",
            "claim_starts_at": to_input_datetime(rec.claim_starts_at),
            "claim_ends_at": to_input_datetime(rec.claim_ends_at), "stock": num(rec.stock),
            "per_customer_limit": num(rec.per_customer_limit), "valid_days": num(rec.valid_days)}


def template_change(form: dict[str, str], original: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's edit of a template: only the editable fields that changed (empty = cleared), and
    local errors (field -> i18n key)."""
    r = FormReader(form)
    if not form.get("name", "").strip():
        r.errors["name"] = "promo.err_required"
    values = {"name": form.get("name", "").strip(), "claim_starts_at": r.when("claim_starts_at"),
              "claim_ends_at": r.when("claim_ends_at"), "stock": r.integer("stock"),
              "per_customer_limit": r.integer("per_customer_limit"), "valid_days": r.integer("valid_days")}
    changed = {k: values[k] for k in EDITABLE if form.get(k, "").strip() != original.get(k, "").strip()}
    return changed, r.errors


def template_errors(problems: Iterable[Any], locale: str) -> dict[str, str]:
    """Service problems of a template as {form field: message} ('form' when no field fits)."""
    out: dict[str, str] = {}
    for p in problems:
        key = p.field.split(".")[0]
        if key not in TEMPLATE_DEFAULTS:
            key = "claim_ends_at" if "claim_ends_at" in p.message else "form"
        out.setdefault(key, message_for(p.message, locale))
    return out


def conflict_errors(err: Any, locale: str) -> dict[str, str]:
    """A refused template save as the error next to its field."""
    if getattr(err, "code", "") == "stock_below_claimed":
        n = f"{int(err.detail.get('claimed', 0)):,}"
        return {"stock": translate("coupon.err_stock_below", locale).format(n=n)}
    return {str(err.detail.get("field", "form")): message_for(str(err), locale)}


def locked_texts(row: dict[str, str]) -> dict[str, dict[str, str]]:
    """Why the code and the promotion of a saved template cannot change, and the stock's floor, per locale."""
    return {loc: {"code": translate("coupon.locked_code", loc).format(code=row["code"]),
                  "promotion": translate("coupon.locked_promotion", loc).format(
                      name=row["promotion_name"], claimed=row["claimed"]),
                  "stock": translate("coupon.help_stock_edit", loc).format(n=row["claimed"])} for loc in LOCALES}


def batch_filename(template_code: str, batch_id: int) -> str:
    """The CSV file name of a batch."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", template_code)
    return f"coupons-{safe}-batch{batch_id}.csv"


def batch_row(batch: Any) -> dict[str, str]:
    """A generated batch in the templates tab."""
    return {"id": str(batch.id), "template_code": batch.template_code, "size": str(batch.size),
            "when": local_datetime(batch.created_at), "by": batch.created_by or ""}
