"""Values the promotion engine takes and returns: pydantic models that also accept plain JSON dicts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Money = Annotated[Decimal, Field(ge=0, decimal_places=2, max_digits=14)]
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)]
PromotionType = Literal[
    "threshold_off", "percent_off", "fixed_price", "buy_x_get_y", "gift", "free_shipping"
]
Layer = Literal["item", "order", "coupon", "shipping"]


class _In(BaseModel):
    """Input value: unknown keys are refused so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Out(BaseModel):
    """Output value of a quote."""

    model_config = ConfigDict(frozen=True)


class CartLine(_In):
    """One cart line: a SKU at a unit price (and unit cost) times a quantity."""

    sku: str = Field(min_length=1)
    category: str | None = None
    price: Money
    cost: Money = Decimal("0")
    qty: int = Field(ge=1, le=100_000)


class Cart(_In):
    """What the customer is about to buy."""

    lines: list[CartLine] = Field(min_length=1, max_length=500)
    shipping_fee: Money = Decimal("0")
    channel: str | None = None
    coupon_codes: list[str] = Field(default_factory=list)


class Customer(_In):
    """Who is buying; conditions see these fields as ``customer.*``."""

    id: str | None = None
    is_new: bool = False
    tier: str | None = None
    tags: list[str] = Field(default_factory=list)


class Context(_In):
    """When (and anything else conditions may read as ``context.*``)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    now: datetime | None = None

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        """Refuse naive datetimes: times are always timezone-aware."""
        if value is not None and value.tzinfo is None:
            raise ValueError("must be timezone-aware (e.g. 2026-11-11T00:00:00+08:00)")
        return value


class Scope(_In):
    """Lines a promotion covers: listed SKUs or categories (none listed = every line), minus exclusions."""

    skus: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    exclude_skus: list[str] = Field(default_factory=list)

    def covers(self, line: CartLine) -> bool:
        """True if the line is in scope."""
        if line.sku in self.exclude_skus:
            return False
        if not self.skus and not self.categories:
            return True
        return line.sku in self.skus or (line.category is not None and line.category in self.categories)


class Stacking(_In):
    """How a promotion combines with others."""

    exclusive: bool = False
    group: str | None = None
    priority: int = 0


class Tier(_In):
    """满 threshold 减 off."""

    threshold: Money
    off: Money


class ThresholdOffParams(_In):
    """满减: the highest tier reached applies; ``repeat`` with one tier = 每满 (once per full threshold)."""

    tiers: list[Tier] = Field(min_length=1)
    repeat: bool = False
    max_off: Money | None = None

    @model_validator(mode="after")
    def _check(self) -> ThresholdOffParams:
        """Repeat needs exactly one positive threshold; thresholds must be distinct."""
        if self.repeat and len(self.tiers) != 1:
            raise ValueError("repeat (每满) takes exactly one tier")
        if any(t.threshold <= 0 for t in self.tiers) and self.repeat:
            raise ValueError("repeat (每满) needs a threshold above 0")
        if len({t.threshold for t in self.tiers}) != len(self.tiers):
            raise ValueError("tiers must have distinct thresholds")
        ordered = sorted(self.tiers, key=lambda t: t.threshold)
        if any(a.off > b.off for a, b in zip(ordered, ordered[1:])):
            raise ValueError("a higher threshold must not take less off than a lower one")
        return self


class PercentOffParams(_In):
    """折扣: ``percent`` off (8折 = 20), optionally capped by ``max_off``."""

    percent: Percent
    max_off: Money | None = None


class FixedPriceParams(_In):
    """特价: every in-scope unit costs ``price`` (never more than its own price)."""

    price: Money
    max_off: Money | None = None


class BuyXGetYParams(_In):
    """Buy ``buy`` get ``get`` at ``get_percent_off`` off; the cheapest qualifying units are discounted."""

    buy: int = Field(ge=1, le=1000)
    get: int = Field(ge=1, le=1000)
    get_percent_off: Percent = Decimal("100")
    max_off: Money | None = None


class GiftParams(_In):
    """赠品: from ``threshold`` in scope, ``gift_qty`` × ``gift_sku`` (while gift stock lasts)."""

    threshold: Money = Decimal("0")
    gift_sku: str = Field(min_length=1)
    gift_qty: int = Field(default=1, ge=1, le=1000)
    gift_value: Money = Decimal("0")
    gift_cost: Money = Decimal("0")


class FreeShippingParams(_In):
    """包邮 from ``threshold`` in scope."""

    threshold: Money = Decimal("0")


PARAMS_BY_TYPE: dict[str, type[_In]] = {
    "threshold_off": ThresholdOffParams,
    "percent_off": PercentOffParams,
    "fixed_price": FixedPriceParams,
    "buy_x_get_y": BuyXGetYParams,
    "gift": GiftParams,
    "free_shipping": FreeShippingParams,
}
AnyParams = (
    ThresholdOffParams | PercentOffParams | FixedPriceParams | BuyXGetYParams | GiftParams
    | FreeShippingParams
)


class Promotion(_In):
    """One promotion as the marketer configured it."""

    id: str = Field(min_length=1)
    name: str = ""
    type: PromotionType
    condition: dict[str, Any] | bool | None = None
    scope: Scope = Field(default_factory=Scope)
    params: AnyParams
    stacking: Stacking = Field(default_factory=Stacking)
    coupon_code: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @field_validator("params", mode="before")
    @classmethod
    def _typed_params(cls, value: Any, info: ValidationInfo) -> Any:
        """Validate params with the model of the promotion's type."""
        kind = info.data.get("type")
        if kind is None or isinstance(value, _In):
            return value
        return PARAMS_BY_TYPE[kind].model_validate(value)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        """Refuse naive datetimes."""
        return Context._aware(value)

    @model_validator(mode="after")
    def _check(self) -> Promotion:
        """Params must match the type; the window must not be empty."""
        if not isinstance(self.params, PARAMS_BY_TYPE[self.type]):
            raise ValueError(f"params do not fit type {self.type}")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    @property
    def layer(self) -> Layer:
        """Where the promotion sits in the stacking order."""
        if self.type == "free_shipping":
            return "shipping"
        if self.coupon_code is not None:
            return "coupon"
        if self.type in ("threshold_off", "gift"):
            return "order"
        return "item"


# ---------------------------------------------------------------- outputs


class LineAdjustment(_Out):
    """What one promotion took off one cart line (index into ``cart.lines``)."""

    line: int
    sku: str
    amount: Decimal


class Gift(_Out):
    """A gift added to the order."""

    promotion_id: str
    sku: str
    qty: int
    value: Decimal


class AppliedPromotion(_Out):
    """A promotion of the winning combination and what it gave."""

    promotion_id: str
    name: str
    type: PromotionType
    layer: Layer
    discount: Decimal
    shipping_off: Decimal = Decimal("0")
    gifts: list[Gift] = Field(default_factory=list)
    lines: list[LineAdjustment] = Field(default_factory=list)
    messages: dict[str, str] = Field(default_factory=dict)


class QuoteLine(_Out):
    """One cart line after discounts."""

    line: int
    sku: str
    qty: int
    amount: Decimal
    discount: Decimal
    total: Decimal


class NotApplied(_Out):
    """A promotion that did not apply, why (a code), and the reason in each language."""

    promotion_id: str
    name: str
    reason: Literal[
        "condition_false", "outside_dates", "no_line_in_scope", "threshold_not_reached",
        "gift_out_of_stock", "excluded_by_stacking", "not_better", "margin_guard",
    ]
    detail: dict[str, str] = Field(default_factory=dict)
    messages: dict[str, str] = Field(default_factory=dict)


class Nudge(_Out):
    """凑单: how much more in scope unlocks a promotion (or its next tier)."""

    promotion_id: str
    shortfall: Decimal
    reward: str
    messages: dict[str, str] = Field(default_factory=dict)


class Alternative(_Out):
    """A combination the winner beat (or that the margin guard refused)."""

    promotion_ids: list[str]
    saving: Decimal
    discount: Decimal
    refused_by_margin: bool


class Quote(_Out):
    """The priced cart: ``total = subtotal - discount + shipping``; ``saving`` also counts gifts and shipping."""

    subtotal: Decimal
    discount: Decimal
    shipping_fee: Decimal
    shipping: Decimal
    total: Decimal
    saving: Decimal
    gift_value: Decimal
    lines: list[QuoteLine]
    applied: list[AppliedPromotion]
    gifts: list[Gift]
    not_applied: list[NotApplied]
    nudges: list[Nudge]
    combination: list[str]
    alternatives: list[Alternative]
    min_margin: Decimal
    optimal: bool = True
    nodes: int = 0
