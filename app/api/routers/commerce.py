"""Checkout and promotions: quote, orders (idempotent), coupon claims, promotions, coupon templates.

Paths (under /api/v1):

- ``POST /quote`` — price a cart (any role).
- ``POST /orders`` — confirm an order; ``Idempotency-Key`` header required: the same key and body
  answer the first response again (header ``Idempotent-Replayed: true``), the same key with another
  body is 409 ``idempotency_key_reused``. ``GET /orders/{order_no}``, ``POST .../pay``, ``.../cancel``,
  ``.../refund``.
- ``POST /coupons/claim`` — ``{"template_code", "customer_id"}`` or ``{"code", "customer_id"}``.
- ``/promotions`` — list, create, get, edit (``PATCH``: a new version), delete (drafts), versions
  (``GET .../versions``; ``POST .../versions/{n}/restore`` saves version n again as a new version),
  and ``POST /promotions/{code}/{schedule|pause|resume|end}``.
- ``/coupon-templates`` — list, create, get, edit; ``POST .../{code}/batches`` generates codes;
  ``GET .../{code}/batches/{id}.csv`` exports them.

Service errors become the API's error body: InvalidInput 422 ``validation_failed`` (each field as
``body.<path>`` / ``header.Idempotency-Key``), NotFound 404, Conflict 409 with its own code
(``out_of_stock``, ``promotion_exhausted``, ``coupon_unusable``, ``price_changed``, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import Field, model_validator

from app.api.deps import GuardedRoute, Require
from app.api.errors import ApiError, Fields
from app.api.schemas import ApiModel, ErrorResponse, Money, RequestModel, Time
from app.rule_problems import api_keys
from services import commerce
from services.auth import UserInfo
from services.commerce.coupons import BATCH_MAX, TemplateChange, TemplateInput
from services.commerce.errors import CommerceError, Conflict, InvalidInput, NotFound
from services.commerce.pricing import OrderInput, QuoteInput
from services.commerce.promotions import PromotionChange, PromotionInput

router = APIRouter(route_class=GuardedRoute)

Anyone = Annotated[UserInfo, Depends(Require())]
Reader = Annotated[UserInfo, Depends(Require("admin", "marketer", "analyst"))]
Writer = Annotated[UserInfo, Depends(Require("admin", "marketer"))]
Code = Annotated[str, Path(min_length=1, max_length=64)]
T = TypeVar("T")

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "no such promotion, template, batch, order or coupon"},
    409: {"model": ErrorResponse, "description": "cannot be done now (the code says why); nothing changed"},
}


@contextmanager
def _service_errors() -> Iterator[None]:
    """Turn the commerce services' errors into ApiError answers."""
    try:
        yield
    except InvalidInput as exc:  # a condition's problems also say code, reason, params and message_zh
        fields: Fields = [(_where(p.field), p.message, api_keys(p.rule_problem) if p.rule_problem else {})
                          for p in exc.problems]
        raise ApiError(422, "validation_failed", "some fields are not valid", fields) from exc
    except NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    except Conflict as exc:
        raise ApiError(409, exc.code, str(exc), _conflict_fields(exc)) from exc
    except CommerceError as exc:
        raise ApiError(400, exc.code, str(exc)) from exc


def _where(field: str) -> str:
    """A service field path as the API names it."""
    return "header.Idempotency-Key" if field == "Idempotency-Key" else f"body.{field}"


def _conflict_fields(exc: Conflict) -> list[tuple[str, str]]:
    """The fields a conflict is about (the coupons refused, the SKU out of stock, ...)."""
    if exc.code == "coupon_unusable":
        return [("body.coupon_codes", f"{c['code']}: {c['reason']}") for c in exc.detail.get("coupons", [])]
    if exc.code == "out_of_stock" and "sku" in exc.detail:
        return [("body.lines", f"not enough {exc.detail['sku']} at {exc.detail.get('location')}")]
    if "field" in exc.detail:
        return [(_where(str(exc.detail["field"])), str(exc))]
    return []


def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a service, mapping its errors."""
    with _service_errors():
        return fn(*args, **kwargs)


# ---------------------------------------------------------------- checkout


@router.post("/quote", tags=["checkout"], response_model=dict[str, Any])
def quote(body: QuoteInput, _: Anyone) -> JSONResponse:
    """Price a cart with the live promotions this customer may use (prices from the catalogue).

    The answer is the engine's quote (totals, per-line and per-promotion adjustments, gifts, reasons,
    凑单 nudges) plus ``withheld`` (promotions left out: budget used up, per-customer limit, needs a
    customer) and ``coupon_problems`` (presented codes that cannot be used, and why).
    """
    cart = body.model_dump(include={"lines", "channel", "location"})
    # a JSONResponse of the JSON-ready answer: FastAPI would otherwise validate the returned dict
    # against response_model in yet another trip to a worker thread (it does so for sync routes)
    return JSONResponse(_call(commerce.quote_cart, cart, body.customer_id, body.coupon_codes).as_json())


@router.post("/orders", tags=["checkout"], status_code=201, responses=_ERRORS)
def place_order(
    body: OrderInput, _: Writer,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128,
                                                  description="required; a retry with the same key "
                                                              "and body returns the first answer")] = None,
) -> JSONResponse:
    """Confirm an order: priced again on the server, every budget, limit, coupon, gift and unit of
    stock taken in one transaction (or nothing, with a 409 saying why)."""
    done = _call(commerce.confirm_order, body, idempotency_key)
    headers = {"Idempotent-Replayed": "true"} if done.replayed else {}
    return JSONResponse(done.response, status_code=201, headers=headers)


class OrderLineOut(ApiModel):
    """One line of an order."""

    sku: str
    qty: int
    unit_price: Money
    discount: Money
    amount: Money


class OrderOut(ApiModel):
    """An order."""

    order_no: str
    status: str
    customer_id: int | None
    channel_code: str
    location_code: str | None
    placed_at: Time
    subtotal: Money
    discount: Money
    shipping: Money
    total: Money
    coupon_code: str | None
    promotion_ids: list[str]
    lines: list[OrderLineOut]


@router.get("/orders/{order_no}", tags=["checkout"], responses=_ERRORS)
def get_order(order_no: Code, _: Reader) -> OrderOut:
    """One order and its lines."""
    return OrderOut.model_validate(_call(commerce.get_order, order_no))


@router.post("/orders/{order_no}/{action}", tags=["checkout"], responses=_ERRORS)
def move_order(order_no: Code, action: Literal["pay", "cancel", "refund"], _: Writer) -> OrderOut:
    """``pay`` (pending orders): the reserved stock leaves the shelf and the order counts in the
    customer's ``orders_count``, ``total_spent``, ``first_order_at`` / ``last_order_at`` (so
    ``customer.is_new`` turns false). ``cancel`` (pending orders): stock, budgets, per-customer uses,
    gifts and coupons are given back. ``refund`` (paid orders): the order leaves the customer's
    aggregates again; budgets, uses and coupons stay used. Repeating an action is 409
    ``invalid_transition`` and changes nothing."""
    fn = {"pay": commerce.pay_order, "cancel": commerce.cancel_order, "refund": commerce.refund_order}[action]
    return OrderOut.model_validate(_call(fn, order_no))


class ClaimIn(RequestModel):
    """Claim a coupon of a template, or a code from a batch, for a customer."""

    customer_id: int = Field(ge=1)
    template_code: str | None = Field(default=None, min_length=1, max_length=64)
    code: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_of(self) -> ClaimIn:
        """Exactly one of template_code and code."""
        if (self.template_code is None) == (self.code is None):
            raise ValueError("give either template_code or code")
        return self


class ClaimedOut(ApiModel):
    """A coupon the customer now holds."""

    code: str
    display_code: str
    template_code: str
    promotion_code: str | None
    customer_id: int
    claimed_at: Time
    expires_at: Time | None


@router.post("/coupons/claim", tags=["coupons"], status_code=201, responses=_ERRORS)
def claim(body: ClaimIn, _: Writer) -> ClaimedOut:
    """Give a customer a coupon (claim window, stock and per-customer limit enforced)."""
    if body.code is not None:
        return ClaimedOut.model_validate(_call(commerce.claim_code, body.code, body.customer_id))
    return ClaimedOut.model_validate(_call(commerce.claim_coupon, body.template_code, body.customer_id))


# ---------------------------------------------------------------- promotions


class PromotionOut(ApiModel):
    """A promotion with its current definition and budget use."""

    code: str
    name: str
    status: str = Field(description="draft, scheduled, live, paused or ended (from the dates)")
    version: int
    definition: dict[str, Any]
    budget_amount: Money | None
    budget_uses: int | None
    used_amount: Money
    used_uses: int
    budget_used_pct: Decimal | None = Field(description="the larger of the two budgets' use, in %")
    per_customer_limit: int | None
    starts_at: Time | None
    ends_at: Time | None
    created_by: str | None
    created_at: Time
    updated_at: Time


class LimitsOut(ApiModel):
    """The budgets and per-customer limit saved with a version (null = no limit)."""

    budget_amount: Money | None
    budget_uses: int | None
    per_customer_limit: int | None


class VersionOut(ApiModel):
    """One saved version of a promotion."""

    version: int
    definition: dict[str, Any]
    limits: LimitsOut | None = Field(description="null for versions saved before limits were recorded")
    restored_from: int | None = Field(description="the version this one restored, if it was a restore")
    created_by: str | None
    created_at: Time


@router.get("/promotions", tags=["promotions"])
def list_promotions(
    _: Reader,
    status: Annotated[Literal["draft", "scheduled", "live", "paused", "ended"] | None, Query()] = None,
) -> list[PromotionOut]:
    """Every promotion, newest first (optionally only those with this status)."""
    return [PromotionOut.model_validate(p) for p in _call(commerce.list_promotions, status=status)]


@router.post("/promotions", tags=["promotions"], status_code=201, responses=_ERRORS)
def create_promotion(body: PromotionInput, user: Writer) -> PromotionOut:
    """Save a draft promotion (the definition is checked by the engine; problems name their field)."""
    return PromotionOut.model_validate(_call(commerce.create_promotion, body, actor=user.username))


@router.get("/promotions/{code}", tags=["promotions"], responses=_ERRORS)
def get_promotion(code: Code, _: Reader) -> PromotionOut:
    """One promotion."""
    return PromotionOut.model_validate(_call(commerce.get_promotion, code))


@router.patch("/promotions/{code}", tags=["promotions"], responses=_ERRORS)
def update_promotion(code: Code, body: PromotionChange, user: Writer) -> PromotionOut:
    """Edit a promotion: every save is a new immutable version."""
    return PromotionOut.model_validate(_call(commerce.update_promotion, code, body, actor=user.username))


@router.delete("/promotions/{code}", tags=["promotions"], status_code=204, responses=_ERRORS)
def delete_promotion(code: Code, user: Writer) -> Response:
    """Delete a draft nothing uses (end a published one instead)."""
    _call(commerce.delete_promotion, code, actor=user.username)
    return Response(status_code=204)


@router.get("/promotions/{code}/versions", tags=["promotions"], responses=_ERRORS)
def promotion_versions(code: Code, _: Reader) -> list[VersionOut]:
    """Every saved version, oldest first."""
    return [VersionOut.model_validate(v) for v in _call(commerce.promotion_versions, code)]


@router.post("/promotions/{code}/versions/{version}/restore", tags=["promotions"], responses=_ERRORS)
def restore_promotion_version(code: Code, version: Annotated[int, Path(ge=1)], user: Writer) -> PromotionOut:
    """Save version ``version`` again as a new version: its definition, and the budgets and
    per-customer limit it saved (if recorded). 409 ``already_current``, ``promotion_ended``,
    ``budget_below_used`` (nothing changed)."""
    return PromotionOut.model_validate(_call(commerce.restore_promotion_version, code, version,
                                             actor=user.username))


_LIFECYCLE = {"schedule": commerce.schedule_promotion, "pause": commerce.pause_promotion,
              "resume": commerce.resume_promotion, "end": commerce.end_promotion}


@router.post("/promotions/{code}/{action}", tags=["promotions"], responses=_ERRORS)
def move_promotion(code: Code, action: Literal["schedule", "pause", "resume", "end"], user: Writer) -> PromotionOut:
    """``schedule`` a draft (live from starts_at), ``pause`` / ``resume`` it, ``end`` it for good."""
    return PromotionOut.model_validate(_call(_LIFECYCLE[action], code, actor=user.username))


# ---------------------------------------------------------------- coupon templates


class TemplateOut(ApiModel):
    """A coupon template."""

    code: str
    name: str
    kind: str
    promotion_code: str | None
    claim_starts_at: Time | None
    claim_ends_at: Time | None
    stock: int | None
    claimed: int
    per_customer_limit: int | None
    valid_days: int | None


class BatchIn(RequestModel):
    """How many codes to generate."""

    count: int = Field(ge=1, le=BATCH_MAX)


class BatchOut(ApiModel):
    """A generated batch (export it as CSV)."""

    id: int
    template_code: str
    size: int
    created_by: str | None
    created_at: Time


@router.get("/coupon-templates", tags=["coupons"])
def list_templates(_: Reader) -> list[TemplateOut]:
    """Every coupon template, newest first."""
    return [TemplateOut.model_validate(t) for t in _call(commerce.list_coupon_templates)]


@router.post("/coupon-templates", tags=["coupons"], status_code=201, responses=_ERRORS)
def create_template(body: TemplateInput, user: Writer) -> TemplateOut:
    """Save a coupon template for a promotion."""
    return TemplateOut.model_validate(_call(commerce.create_coupon_template, body, actor=user.username))


@router.get("/coupon-templates/{code}", tags=["coupons"], responses=_ERRORS)
def get_template(code: Code, _: Reader) -> TemplateOut:
    """One coupon template."""
    return TemplateOut.model_validate(_call(commerce.get_coupon_template, code))


@router.patch("/coupon-templates/{code}", tags=["coupons"], responses=_ERRORS)
def update_template(code: Code, body: TemplateChange, user: Writer) -> TemplateOut:
    """Edit a coupon template (the stock may not go below what is claimed)."""
    return TemplateOut.model_validate(_call(commerce.update_coupon_template, code, body, actor=user.username))


@router.post("/coupon-templates/{code}/batches", tags=["coupons"], status_code=201, responses=_ERRORS)
def create_batch(code: Code, body: BatchIn, user: Writer) -> BatchOut:
    """Generate unique, unguessable codes (10 Crockford base32 characters) nobody holds yet."""
    return BatchOut.model_validate(_call(commerce.generate_batch, code, body.count, actor=user.username))


@router.get("/coupon-templates/{code}/batches/{batch_id}.csv", tags=["coupons"], response_class=PlainTextResponse,
            responses={**_ERRORS, 200: {"content": {"text/csv": {}}, "description": "the codes as CSV"}})
def export_batch(code: Code, batch_id: Annotated[int, Path(ge=1)], _: Writer) -> PlainTextResponse:
    """The batch's codes as CSV: code, display_code, status, claimed_at, redeemed_at, expires_at."""
    text = _call(commerce.export_batch_csv, code, batch_id)
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{code}-batch-{batch_id}.csv"'})
