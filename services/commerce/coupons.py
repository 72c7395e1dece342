"""Coupon templates, code batches and claims.

A template unlocks one promotion; its coupons are what customers hold. Two ways to get one:

* ``claim_coupon(template_code, customer_id)`` — inside the claim window, while stock lasts and
  under the per-customer limit, the customer gets a fresh code;
* ``claim_code(code, customer_id)`` — a code from a generated batch (printed, sent by SMS) becomes
  the customer's; it counts against the same stock and per-customer limit.

Stock and per-customer limits are taken with conditional UPDATEs in the claim's transaction, so
concurrent claims never exceed them. A claimed coupon expires ``valid_days`` after the claim (never,
without ``valid_days``). Codes are 10 Crockford base32 characters (``services.commerce.codes``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.commerce import codes
from services.commerce.errors import Conflict, FieldProblem, InvalidInput, NotFound, problems_from
from services.commerce.promotions import CODE_PATTERN, effective_status
from storage.db import session_scope
from storage.models import utcnow
from storage.repositories import audit
from storage.repositories import coupons as repo
from storage.repositories import orders as order_repo
from storage.repositories import promotions as promo_repo
from storage.repositories.coupons import BatchRecord, CouponRecord, TemplateRecord
from storage.repositories.errors import DuplicateError

BATCH_MAX = 100_000
ACTOR = "system"
CSV_COLUMNS = ("code", "display_code", "status", "claimed_at", "redeemed_at", "expires_at")


def _aware(value: datetime | None) -> datetime | None:
    """Times must carry a time zone."""
    if value is not None and value.utcoffset() is None:
        raise ValueError("must be timezone-aware (e.g. 2026-11-11T00:00:00+08:00)")
    return value


class TemplateInput(BaseModel):
    """A coupon template as a marketer saves it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=256)
    promotion_code: str = Field(min_length=1, max_length=64)
    kind: str = Field(default="discount", min_length=1, max_length=32)
    claim_starts_at: datetime | None = None
    claim_ends_at: datetime | None = None
    stock: int | None = Field(default=None, ge=0)
    per_customer_limit: int | None = Field(default=None, ge=1)
    valid_days: int | None = Field(default=None, ge=1, le=3650)

    _aware = field_validator("claim_starts_at", "claim_ends_at")(_aware)

    @model_validator(mode="after")
    def _window(self) -> TemplateInput:
        """The claim window must not be empty."""
        if self.claim_starts_at and self.claim_ends_at and self.claim_ends_at <= self.claim_starts_at:
            raise ValueError("claim_ends_at must be after claim_starts_at")
        return self


class TemplateChange(BaseModel):
    """An edit of a template (omitted = unchanged)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=256)
    kind: str | None = Field(default=None, min_length=1, max_length=32)
    claim_starts_at: datetime | None = None
    claim_ends_at: datetime | None = None
    stock: int | None = Field(default=None, ge=0)
    per_customer_limit: int | None = Field(default=None, ge=1)
    valid_days: int | None = Field(default=None, ge=1, le=3650)

    _aware = field_validator("claim_starts_at", "claim_ends_at")(_aware)


@dataclass(frozen=True)
class ClaimedCoupon:
    """A coupon now held by a customer."""

    code: str
    display_code: str
    template_code: str
    promotion_code: str | None
    customer_id: int
    claimed_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True)
class BatchView:
    """A generated batch of codes."""

    id: int
    template_code: str
    size: int
    created_by: str | None
    created_at: datetime


def _parse(kind: type[BaseModel], data: BaseModel | dict[str, Any]) -> Any:
    """Validate input, raising InvalidInput with every problem."""
    if isinstance(data, kind):
        return data
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc)) from None


def _template(s: Session, code: str) -> TemplateRecord:
    """The template or NotFound."""
    found = repo.get_template(s, code)
    if found is None:
        raise NotFound("coupon template", code)
    return found


def create_coupon_template(data: TemplateInput | dict[str, Any], *, actor: str = ACTOR) -> TemplateRecord:
    """Save a template for an existing promotion.

    Raises:
        InvalidInput (unknown ``promotion_code`` included), Conflict ``duplicate``.
    """
    inp = _parse(TemplateInput, data)
    with session_scope() as s:
        promotion = promo_repo.get_by_code(s, inp.promotion_code)
        if promotion is None:
            raise InvalidInput([FieldProblem("promotion_code", f"no promotion {inp.promotion_code!r}")])
        fields = inp.model_dump(exclude={"code", "promotion_code"})
        try:
            rec = repo.create_template(s, code=inp.code, promotion_id=promotion.id, **fields)
        except DuplicateError:
            raise Conflict("duplicate", f"coupon template {inp.code!r} already exists", field="code") from None
        audit.record(s, actor=actor, action="coupon_template.create", entity_type="coupon_template",
                     entity_id=inp.code, details={"promotion": inp.promotion_code})
    return rec


def update_coupon_template(code: str, data: TemplateChange | dict[str, Any], *, actor: str = ACTOR) -> TemplateRecord:
    """Change a template (stock may not go below what is claimed: Conflict ``stock_below_claimed``)."""
    change = _parse(TemplateChange, data)
    fields = {k: getattr(change, k) for k in change.model_fields_set}
    with session_scope() as s:
        rec = _template(s, code)
        starts = fields.get("claim_starts_at", rec.claim_starts_at)
        ends = fields.get("claim_ends_at", rec.claim_ends_at)
        if starts and ends and ends <= starts:
            raise InvalidInput([FieldProblem("claim_ends_at", "must be after claim_starts_at")])
        if fields and not repo.update_template(s, rec.id, **fields):
            raise Conflict("stock_below_claimed", f"stock cannot go below the {rec.claimed} already claimed",
                           claimed=rec.claimed)
        audit.record(s, actor=actor, action="coupon_template.update", entity_type="coupon_template",
                     entity_id=code, details={"fields": sorted(fields)})
        return _template(s, code)


def get_coupon_template(code: str) -> TemplateRecord:
    """One template (NotFound if there is none)."""
    with session_scope() as s:
        return _template(s, code)


def list_coupon_templates() -> list[TemplateRecord]:
    """Every template, newest first."""
    with session_scope() as s:
        return repo.list_templates(s)


def generate_batch(template_code: str, count: int, *, actor: str = ACTOR) -> BatchView:
    """Generate ``count`` (1..100 000) new unique codes of the template, nobody's yet."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= BATCH_MAX:
        raise InvalidInput([FieldProblem("count", f"must be an integer from 1 to {BATCH_MAX}")])
    with session_scope() as s:
        template = _template(s, template_code)
        fresh = codes.new_codes(count)
        taken = repo.existing_codes(s, fresh)
        while taken:
            fresh = (fresh - taken) | codes.new_codes(len(taken), taken | fresh)
            taken = repo.existing_codes(s, fresh)
        batch = repo.create_batch(s, template.id, sorted(fresh), actor)
        audit.record(s, actor=actor, action="coupon_template.batch", entity_type="coupon_template",
                     entity_id=template_code, details={"batch": batch.id, "size": count})
    return _batch_view(batch, template_code)


def list_batches(*, limit: int = 50) -> list[BatchView]:
    """The newest generated batches of every template, newest first (at most ``limit``)."""
    with session_scope() as s:
        return [_batch_view(b, code) for b, code in repo.list_batches(s, max(1, limit))]


def _batch_view(batch: BatchRecord, template_code: str) -> BatchView:
    """Record -> view."""
    return BatchView(batch.id, template_code, batch.size, batch.created_by, batch.created_at)


def export_batch_csv(template_code: str, batch_id: int) -> str:
    """The batch's codes as CSV text (header: code, display_code, status, claimed_at, redeemed_at, expires_at)."""
    with session_scope() as s:
        template = _template(s, template_code)
        if repo.get_batch(s, template.id, batch_id) is None:
            raise NotFound("batch", batch_id)
        coupons = repo.batch_coupons(s, batch_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in coupons:
        writer.writerow([c.code, codes.display(c.code), c.status, _iso(c.claimed_at), _iso(c.redeemed_at),
                         _iso(c.expires_at)])
    return out.getvalue()


def _iso(value: datetime | None) -> str:
    """ISO 8601 or empty."""
    return value.isoformat() if value else ""


def claim_coupon(template_code: str, customer_id: int, *, now: datetime | None = None) -> ClaimedCoupon:
    """Give the customer a fresh coupon of the template.

    Raises:
        NotFound (template), InvalidInput (customer), Conflict ``claim_not_started``, ``claim_ended``,
        ``promotion_not_running``, ``out_of_stock``, ``per_customer_limit``.
    """
    now = now or utcnow()
    for _ in range(3):
        try:
            with session_scope() as s:
                template = _claimable(s, template_code, customer_id, now)
                coupon = repo.insert_claimed(s, template.id, codes.new_code(), customer_id, now,
                                             _expiry(template, now))
                return _claimed(coupon, template)
        except IntegrityError:  # a code collision (1 in 2^50 per existing code): draw again
            continue
    raise Conflict("busy", "could not draw a unique code; try again")


def claim_code(code: str, customer_id: int, *, now: datetime | None = None) -> ClaimedCoupon:
    """Make a batch code the customer's (the same window, stock and limit as ``claim_coupon``).

    Raises:
        NotFound (code), Conflict ``code_taken`` and those of ``claim_coupon``.
    """
    now = now or utcnow()
    with session_scope() as s:
        coupon = repo.get_coupon(s, codes.normalise(code))
        if coupon is None:
            raise NotFound("coupon", code)
        if coupon.status != "issued":
            raise Conflict("code_taken", "this code was claimed already", code=coupon.code)
        template = repo.templates_by_ids(s, [coupon.template_id])[coupon.template_id]
        _claimable(s, template.code, customer_id, now)
        expires = _expiry(template, now)
        if not repo.bind_issued(s, coupon.id, customer_id, now, expires):
            raise Conflict("code_taken", "this code was claimed already", code=coupon.code)
        bound = repo.get_coupon(s, coupon.code)
        assert bound is not None
        return _claimed(bound, template)


def _claimable(s: Session, template_code: str, customer_id: int, now: datetime) -> TemplateRecord:
    """Check the window and the promotion, then take stock and the customer's limit (or Conflict)."""
    template = _template(s, template_code)
    if order_repo.customer_facts(s, customer_id) is None:
        raise InvalidInput([FieldProblem("customer_id", f"no customer {customer_id}")])
    if template.claim_starts_at and now < template.claim_starts_at:
        raise Conflict("claim_not_started", "claiming has not started", starts_at=template.claim_starts_at.isoformat())
    if template.claim_ends_at and now >= template.claim_ends_at:
        raise Conflict("claim_ended", "claiming has ended", ended_at=template.claim_ends_at.isoformat())
    promotion = promo_repo.get_by_code(s, template.promotion_code or "")
    if promotion is None or effective_status(promotion.status, promotion.starts_at, promotion.ends_at,
                                             now) not in ("scheduled", "live"):
        raise Conflict("promotion_not_running", "the promotion of this coupon is not scheduled or live")
    if not repo.take_stock(s, template.id):
        raise Conflict("out_of_stock", "no coupons of this template are left", stock=template.stock)
    if not repo.count_customer_claim(s, template.id, customer_id, template.per_customer_limit):
        raise Conflict("per_customer_limit", "this customer holds as many of these coupons as allowed",
                       limit=template.per_customer_limit)
    return template


def _expiry(template: TemplateRecord, now: datetime) -> datetime | None:
    """When a coupon claimed now expires."""
    return now + timedelta(days=template.valid_days) if template.valid_days else None


def _claimed(coupon: CouponRecord, template: TemplateRecord) -> ClaimedCoupon:
    """Coupon record -> claimed view."""
    assert coupon.customer_id is not None and coupon.claimed_at is not None
    return ClaimedCoupon(coupon.code, codes.display(coupon.code), template.code, template.promotion_code,
                         coupon.customer_id, coupon.claimed_at, coupon.expires_at)


def customer_coupons(customer_id: int) -> list[CouponRecord]:
    """The customer's coupons, newest claim first."""
    with session_scope() as s:
        return repo.customer_coupons(s, customer_id)
