"""Marketing: promotions, coupons, points, campaigns, pages and rules (versioned)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, IdMixin, JSONType, Money, TimestampMixin, utcnow


class Promotion(IdMixin, TimestampMixin, Base):
    """A promotion; its definition lives in PromotionVersion rows."""

    __tablename__ = "promotions"

    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(256))
    status: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    budget_amount: Mapped[Decimal | None] = mapped_column(Money)
    budget_uses: Mapped[int | None]
    used_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    used_uses: Mapped[int] = mapped_column(default=0)
    per_customer_limit: Mapped[int | None]
    # copied from the current version's definition, so live promotions are found in SQL
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('draft','scheduled','live','paused','ended')", name="status"
        ),
        # budgets are enforced by conditional UPDATEs; these checks are the last line of defence
        sa.CheckConstraint("budget_uses IS NULL OR used_uses <= budget_uses", name="budget_uses"),
        sa.CheckConstraint(
            "budget_amount IS NULL OR used_amount <= budget_amount", name="budget_amount"
        ),
        sa.CheckConstraint("used_uses >= 0 AND used_amount >= 0", name="used_not_negative"),
    )


class PromotionVersion(IdMixin, Base):
    """One immutable version of a promotion's engine definition."""

    __tablename__ = "promotion_versions"

    promotion_id: Mapped[int] = mapped_column(sa.ForeignKey("promotions.id", ondelete="CASCADE"))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # budgets and per-customer limit saved with this version (money as text); NULL: not recorded
    limits: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # the older version this one restored, if it was a restore
    restored_from: Mapped[int | None]
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("promotion_id", "version"),)


class CouponTemplate(IdMixin, Base):
    """A coupon kind customers can claim."""

    __tablename__ = "coupon_templates"

    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(256))
    promotion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("promotions.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    claim_starts_at: Mapped[datetime | None]
    claim_ends_at: Mapped[datetime | None]
    stock: Mapped[int | None]
    claimed: Mapped[int] = mapped_column(default=0)
    per_customer_limit: Mapped[int | None]
    valid_days: Mapped[int | None]

    __table_args__ = (
        sa.CheckConstraint("stock IS NULL OR claimed <= stock", name="stock"),
        sa.CheckConstraint("claimed >= 0", name="claimed_not_negative"),
    )


class Coupon(IdMixin, Base):
    """One coupon instance."""

    __tablename__ = "coupons"

    template_id: Mapped[int] = mapped_column(sa.ForeignKey("coupon_templates.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="issued")
    claimed_at: Mapped[datetime | None]
    redeemed_at: Mapped[datetime | None]
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coupon_batches.id"), index=True)
    expires_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint("status IN ('issued','claimed','redeemed','expired')", name="status"),
    )


class PointsLedger(IdMixin, Base):
    """A points movement of a customer (append-only)."""

    __tablename__ = "points_ledger"

    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    delta: Mapped[int]
    balance_after: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(64))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(IdMixin, TimestampMixin, Base):
    """A marketing campaign (graph in CampaignVersion, lifecycle in CampaignStateChange)."""

    __tablename__ = "campaigns"

    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(256))
    state: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    budget: Mapped[Decimal | None] = mapped_column(Money)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('draft','scheduled','running','paused','completed','failed','cancelled')",
            name="state",
        ),
    )


class CampaignVersion(IdMixin, Base):
    """One immutable version of a campaign graph."""

    __tablename__ = "campaign_versions"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    version: Mapped[int]
    graph: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("campaign_id", "version"),)


class CampaignStateChange(IdMixin, Base):
    """A lifecycle transition of a campaign."""

    __tablename__ = "campaign_state_changes"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(sa.String(16))
    to_state: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    actor: Mapped[str | None] = mapped_column(sa.String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class Page(IdMixin, TimestampMixin, Base):
    """An H5 / mini-program activity page served at /p/<slug>."""

    __tablename__ = "pages"

    slug: Mapped[str] = mapped_column(sa.String(128), unique=True)
    title: Mapped[str] = mapped_column(sa.String(256))
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    current_version: Mapped[int] = mapped_column(default=1)
    published_html: Mapped[str | None] = mapped_column(sa.Text)
    published_css: Mapped[str | None] = mapped_column(sa.Text)
    published_at: Mapped[datetime | None]

    __table_args__ = (sa.CheckConstraint("status IN ('draft','published')", name="status"),)


class PageVersion(IdMixin, Base):
    """One saved version of a page's designer project."""

    __tablename__ = "page_versions"

    page_id: Mapped[int] = mapped_column(sa.ForeignKey("pages.id", ondelete="CASCADE"))
    version: Mapped[int]
    project: Mapped[dict[str, Any]] = mapped_column(JSONType)
    html: Mapped[str | None] = mapped_column(sa.Text)
    css: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("page_id", "version"),)


class Rule(IdMixin, TimestampMixin, Base):
    """A named audience / eligibility rule (JSON-Logic in RuleVersion)."""

    __tablename__ = "rules"

    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(256))
    description: Mapped[str | None] = mapped_column(sa.Text)
    current_version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))


class RuleVersion(IdMixin, Base):
    """One immutable version of a rule's JSON-Logic."""

    __tablename__ = "rule_versions"

    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("rules.id", ondelete="CASCADE"))
    version: Mapped[int]
    logic: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("rule_id", "version"),)
