"""Checkout and promotion enforcement: promotions, coupon templates, quotes and orders.

Modules (one function per user action; each owns its transaction):

- ``promotions``: create / update (a new immutable version per save) / restore a version /
  schedule / pause / resume / end / delete / list promotions with budget use; ``effective_status``.
- ``coupons``: coupon templates, code batches (list, CSV export), ``claim_coupon``, ``claim_code``.
- ``pricing``: ``quote_cart`` — server-side prices, live promotions the customer may still use,
  coupons, gift stock and the margin guard, through ``engine.promotions.quote``.
- ``orders``: ``confirm_order`` (idempotent; budgets, per-customer limits, coupons, gifts and stock
  taken in one transaction with conditional UPDATEs), ``pay_order`` (counts the order in the
  customer's aggregates), ``cancel_order`` (pending), ``refund_order`` (paid: out of the aggregates).
- ``errors``: ``InvalidInput`` (422, every bad field), ``NotFound`` (404), ``Conflict`` (409, a code).
See docs/checkout.md.
"""

from services.commerce.coupons import (
    claim_code,
    claim_coupon,
    create_coupon_template,
    customer_coupons,
    export_batch_csv,
    generate_batch,
    get_coupon_template,
    list_batches,
    list_coupon_templates,
    update_coupon_template,
)
from services.commerce.errors import CommerceError, Conflict, FieldProblem, InvalidInput, NotFound
from services.commerce.orders import cancel_order, confirm_order, get_order, pay_order, refund_order
from services.commerce.pricing import quote_cart
from services.commerce.promotions import (
    create_promotion,
    delete_promotion,
    end_promotion,
    get_promotion,
    list_promotions,
    pause_promotion,
    promotion_versions,
    refresh_statuses,
    restore_promotion_version,
    resume_promotion,
    schedule_promotion,
    update_promotion,
)

__all__ = [
    "CommerceError", "Conflict", "FieldProblem", "InvalidInput", "NotFound", "cancel_order",
    "claim_code", "claim_coupon", "confirm_order", "create_coupon_template", "create_promotion",
    "customer_coupons", "delete_promotion", "end_promotion", "export_batch_csv", "generate_batch",
    "get_coupon_template", "get_order", "get_promotion", "list_batches", "list_coupon_templates",
    "list_promotions",
    "pause_promotion", "pay_order", "promotion_versions", "quote_cart", "refresh_statuses", "refund_order",
    "restore_promotion_version", "resume_promotion", "schedule_promotion", "update_coupon_template", "update_promotion",
]
