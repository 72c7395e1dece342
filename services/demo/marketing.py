"""Campaigns, promotions and coupon templates of the demo year, and the offers orders use.

Every big season inside the window (年货节, 618, 双11) has a campaign, a 满减 promotion and a
coupon; always-on offers (第二杯半价, 新人券, 会员券) and a running 沉睡唤醒 campaign complete it, plus
one scheduled and one draft campaign so every lifecycle state shows. Promotion definitions are
validated by the promotion engine's model, so they are what later pages will load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_CEILING, Decimal
from typing import Any

from engine.promotions.model import Promotion as EnginePromotion
from services.demo.calendar import spring_festival

ONLINE = ("online", "tmall", "miniprogram", "douyin")
DRINK_CATEGORIES = ("DRK-COFFEE", "DRK-TEA")
_D = Decimal


@dataclass(frozen=True)
class Offer:
    """A promotion as order generation applies it."""

    id: int
    code: str
    name: str
    kind: str  # 'threshold' | 'second_half' | 'coupon' | 'percent'
    tiers: tuple[tuple[Decimal, Decimal], ...]
    channels: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    campaign: str | None = None
    template: str | None = None
    valid_days: int | None = None
    categories: tuple[str, ...] = ()
    percent: Decimal = _D("0")
    seasonal: bool = False
    per_customer: int | None = None  # coupons of this template one customer may hold

    def active(self, at: datetime, channel: str) -> bool:
        """True when the offer runs at ``at`` on ``channel``."""
        return (channel in self.channels and (self.start is None or self.start <= at)
                and (self.end is None or at < self.end))

    def off(self, amount: Decimal) -> Decimal:
        """满减: what the highest tier reached by ``amount`` takes off (0 below every tier)."""
        best = _D("0")
        for threshold, off in self.tiers:
            if amount >= threshold:
                best = max(best, off)
        return best


@dataclass(frozen=True)
class CampaignSpec:
    """One campaign row and what it is about."""

    id: int
    code: str
    name: str
    season: str
    start: datetime
    end: datetime | None
    budget: Decimal
    state: str
    focus: tuple[str, ...]


@dataclass
class MarketingPlan:
    """Everything marketing the demo year holds, keyed for quick lookups while generating orders."""

    campaigns: list[CampaignSpec]
    offers: list[Offer]
    extra_promotions: list[tuple[Offer, str]] = field(default_factory=list)  # (offer, status)

    def season_offers(self, at: datetime, channel: str) -> tuple[Offer | None, Offer | None]:
        """The season's 满减 and coupon running at ``at`` on ``channel`` (None when outside)."""
        found: dict[str, Offer] = {}
        for offer in self.offers:
            if offer.seasonal and offer.active(at, channel):
                found.setdefault(offer.kind, offer)
        return found.get("threshold"), found.get("coupon")

    def offer(self, code: str) -> Offer:
        """The offer with promotion code ``code``."""
        return next(o for o in self.offers if o.code == code)

    def campaign(self, code: str | None) -> CampaignSpec | None:
        """The campaign with ``code`` (None for None)."""
        return next((c for c in self.campaigns if c.code == code), None) if code else None


_SEASONS = {
    "cny": ("年货节·新春茶礼", "CNY", ("short_video", "wechat_oa", "community"), "满299减50，满599减120",
            ((_D("299"), _D("50")), (_D("599"), _D("120"))), (_D("199"), _D("40"))),
    "618": ("618 年中好茶节", "618", ("short_video", "search"), "满300减60，满500减110",
            ((_D("300"), _D("60")), (_D("500"), _D("110"))), (_D("199"), _D("30"))),
    "d11": ("双11 狂欢季", "D11", ("short_video", "search", "community"), "满400减80，满800减180",
            ((_D("400"), _D("80")), (_D("800"), _D("180"))), (_D("299"), _D("50"))),
}


def _season_dates(season: str, year: int) -> tuple[date, date]:
    """First and last local day of a season's occurrence in ``year``."""
    if season == "cny":
        sf = spring_festival(year)
        return sf - timedelta(days=25), sf - timedelta(days=8)
    if season == "618":
        return date(year, 6, 1), date(year, 6, 18)
    return date(year, 10, 20), date(year, 11, 11)


def _state(start: datetime, end: datetime | None, now: datetime) -> str:
    """Lifecycle state of a campaign at ``now``."""
    if start > now:
        return "scheduled"
    return "completed" if end is not None and end <= now else "running"


def _local(day: date, tz: tzinfo) -> datetime:
    """Midnight of a local day."""
    return datetime.combine(day, time.min, tzinfo=tz)


def build_plan(window_start: date, as_of: date, tz: tzinfo) -> MarketingPlan:
    """Campaigns and offers for the window [window_start, as_of) and a few weeks after it."""
    now = _local(as_of, tz)
    campaigns: list[CampaignSpec] = []
    offers: list[Offer] = []
    occurrences = sorted(
        (_season_dates(s, y), s, y) for s in _SEASONS for y in range(window_start.year - 1, as_of.year + 2)
    )
    for (first, last), season, year in occurrences:
        if last < window_start or first > as_of + timedelta(days=45):
            continue
        name, prefix, focus, _, tiers, coupon = _SEASONS[season]
        start, end = _local(first, tz), _local(last + timedelta(days=1), tz)
        code = f"{prefix}-{year}"
        budget = _D({"cny": "150000", "618": "200000", "d11": "400000"}[season])
        campaigns.append(CampaignSpec(len(campaigns) + 1, code, f"{name} {year}", season, start, end,
                                      budget, _state(start, end, now), focus))
        offers.append(Offer(len(offers) + 1, f"P-{code}", f"{name} {_SEASONS[season][3]}", "threshold",
                            tiers, ONLINE, start, end, campaign=code, seasonal=True))
        offers.append(Offer(len(offers) + 1, f"Q-{code}", f"{name} 满{coupon[0]:.0f}减{coupon[1]:.0f}券",
                            "coupon", (coupon,), ONLINE + ("store",), start, end, campaign=code,
                            template=f"{prefix}{year % 100:02d}-{coupon[1]:.0f}", seasonal=True,
                            valid_days=7, per_customer=1))
    _always_on(campaigns, offers, window_start, now, tz)
    plan = MarketingPlan(campaigns, offers)
    _upcoming(plan, as_of, tz)
    return plan


def _always_on(
    campaigns: list[CampaignSpec], offers: list[Offer], window_start: date, now: datetime, tz: tzinfo
) -> None:
    """第二杯半价, 新人券, 会员日券 and the running 沉睡唤醒 campaign."""
    since = _local(window_start - timedelta(days=30), tz)
    member_day = CampaignSpec(len(campaigns) + 1, "MEMBER-DAY", "会员日·每周三", "member", since, None,
                              _D("120000"), "running", ("wechat_oa", "miniprogram", "community"))
    winback_start = now - timedelta(days=60)
    winback = CampaignSpec(len(campaigns) + 2, "WINBACK", "沉睡会员唤醒", "winback", winback_start,
                           now + timedelta(days=30), _D("50000"), "running", ("wechat_oa", "community"))
    campaigns += [member_day, winback]
    n = len(offers)
    offers += [
        Offer(n + 1, "P-SECOND-HALF", "门店第二杯半价", "second_half", (), ("store", "miniprogram"),
              since, None, categories=DRINK_CATEGORIES),
        Offer(n + 2, "Q-NEW10", "新人礼 满50减10券", "coupon", ((_D("50"), _D("10")),),
              ONLINE + ("store",), since, None, template="NEW10", valid_days=30, per_customer=1),
        Offer(n + 3, "Q-MEMBER20", "会员日 满150减20券", "coupon", ((_D("150"), _D("20")),),
              ONLINE + ("store",), since, None, campaign="MEMBER-DAY", template="MEM20", valid_days=7),
        Offer(n + 4, "Q-WINBACK15", "回归礼 满99减15券", "coupon", ((_D("99"), _D("15")),),
              ONLINE + ("store",), winback_start, now + timedelta(days=30), campaign="WINBACK",
              template="BACK15", valid_days=14, per_customer=1),
    ]


def _upcoming(plan: MarketingPlan, as_of: date, tz: tzinfo) -> None:
    """A scheduled 春日新茶季 and a draft 夏日冷萃季, each with its promotion."""
    start = _local(as_of + timedelta(days=14), tz)
    n = len(plan.campaigns)
    plan.campaigns.append(CampaignSpec(n + 1, f"NEWTEA-{start.year}", "春日新茶季·明前茶上新", "newtea",
                                       start, start + timedelta(days=31), _D("80000"), "scheduled",
                                       ("wechat_oa", "short_video")))
    plan.campaigns.append(CampaignSpec(n + 2, "SUMMER-COLDBREW", "夏日冷萃季", "summer", start,
                                       None, _D("60000"), "draft", ("short_video", "miniprogram")))
    m = len(plan.offers)
    newtea = Offer(m + 1, f"P-NEWTEA-{start.year}", "新茶上市 绿茶9折", "percent", (), ONLINE + ("store",),
                   start, start + timedelta(days=31), campaign=f"NEWTEA-{start.year}",
                   categories=("TEA-GREEN",), percent=_D("10"))
    summer = Offer(m + 2, "P-SUMMER-COLDBREW", "冷萃咖啡液 第二件半价", "second_half", (), ONLINE,
                   None, None, campaign="SUMMER-COLDBREW", categories=("COF-COLD",))
    plan.extra_promotions += [(newtea, "scheduled"), (summer, "draft")]


def engine_definition(offer: Offer) -> dict[str, Any]:
    """The offer as a promotion-engine definition (validated by the engine model), as JSON."""
    data: dict[str, Any] = {"id": offer.code, "name": offer.name,
                            "starts_at": offer.start, "ends_at": offer.end,
                            "condition": {"in": [{"var": "cart.channel"}, list(offer.channels)]}}
    if offer.kind in ("threshold", "coupon"):
        data.update(type="threshold_off", params={"tiers": [
            {"threshold": str(t), "off": str(o)} for t, o in offer.tiers]})
    elif offer.kind == "second_half":
        data.update(type="buy_x_get_y", scope={"categories": list(offer.categories)},
                    params={"buy": 1, "get": 1, "get_percent_off": "50"})
    else:
        data.update(type="percent_off", scope={"categories": list(offer.categories)},
                    params={"percent": str(offer.percent)})
    if offer.kind == "coupon":
        data["coupon_code"] = offer.template
        data["stacking"] = {"group": "coupon"}
    elif offer.kind == "threshold":
        data["stacking"] = {"group": "season"}
    return EnginePromotion.model_validate(data).model_dump(mode="json", exclude_defaults=True)


# --- rows ------------------------------------------------------------------------------------


def _status(offer: Offer, now: datetime) -> str:
    """Promotion status at ``now``."""
    if offer.start is not None and offer.start > now:
        return "scheduled"
    return "ended" if offer.end is not None and offer.end <= now else "live"


def _created(start: datetime | None, fallback: datetime) -> datetime:
    """When a marketer set something up: two weeks before it starts."""
    return (start or fallback) - timedelta(days=14)


def budget_for(offer: Offer, used: Decimal) -> Decimal | None:
    """Campaign promotions have an amount budget (most of it used); always-on ones none."""
    if offer.campaign is None:
        return None
    return max(_D("50000"), (used * _D("1.3") / 10000).to_integral_value(ROUND_CEILING) * 10000)


def promotion_rows(
    plan: MarketingPlan, usage: dict[int, tuple[Decimal, int]], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of promotions and promotion_versions (usage: promotion id -> (amount, uses))."""
    promos, versions = [], []
    every = [(o, _status(o, now)) for o in plan.offers] + plan.extra_promotions
    for offer, status in every:
        created = _created(offer.start, now)
        amount, uses = usage.get(offer.id, (_D("0"), 0))
        budget = budget_for(offer, amount)
        promos.append(dict(
            id=offer.id, code=offer.code, name=offer.name, status=status, current_version=1,
            created_by="marketer", budget_amount=budget,
            budget_uses=None, used_amount=amount, used_uses=uses,
            per_customer_limit=offer.per_customer, starts_at=offer.start, ends_at=offer.end,
            created_at=created, updated_at=max(created, min(now, offer.end or now))))
        limits = {"budget_amount": None if budget is None else str(budget), "budget_uses": None,
                  "per_customer_limit": offer.per_customer}
        versions.append(dict(id=offer.id, promotion_id=offer.id, version=1,
                             definition=engine_definition(offer), limits=limits, restored_from=None,
                             created_by="marketer", created_at=created))
    return promos, versions


def coupon_templates(plan: MarketingPlan) -> list[Offer]:
    """The coupon offers, in template id order (template id = position + 1)."""
    return [o for o in plan.offers if o.kind == "coupon"]


def coupon_template_rows(plan: MarketingPlan, claimed: dict[str, int]) -> list[dict[str, Any]]:
    """Rows of coupon_templates (claimed: template code -> coupons handed out)."""
    rows = []
    for i, offer in enumerate(coupon_templates(plan)):
        assert offer.template is not None
        seasonal = offer.seasonal
        rows.append(dict(
            id=i + 1, code=offer.template, name=offer.name, promotion_id=offer.id,
            kind="threshold_off",
            claim_starts_at=offer.start if seasonal else None,
            claim_ends_at=offer.end if seasonal else None,
            stock=_stock(claimed.get(offer.template, 0)) if seasonal else None,
            claimed=claimed.get(offer.template, 0), per_customer_limit=offer.per_customer,
            valid_days=offer.valid_days))
    return rows


def _stock(claimed: int) -> int:
    """A season coupon's stock: 20,000, or what was handed out plus a margin when more were."""
    return max(20000, claimed + claimed // 5)


def _graph(spec: CampaignSpec, template: str | None) -> dict[str, Any]:
    """A small campaign canvas: trigger → audience → coupon → wait → reminder (xyflow-like JSON)."""
    steps: list[tuple[str, dict[str, Any]]] = [
        ("trigger", {"label": "定时开始", "kind": "schedule", "at": spec.start.isoformat()}),
        ("audience", {"label": "目标人群", "rule": _audience(spec.season)}),
    ]
    if template:
        steps.append(("send_coupon", {"label": "发券", "template": template}))
    steps += [("wait", {"label": "等待 2 天", "days": 2}),
              ("send_message", {"label": "提醒", "channel": spec.focus[0], "template": spec.code})]
    nodes = [{"id": f"n{i + 1}", "type": kind, "position": {"x": 80 + 220 * i, "y": 120}, "data": data}
             for i, (kind, data) in enumerate(steps)]
    edges = [{"id": f"e{i + 1}", "source": f"n{i + 1}", "target": f"n{i + 2}"} for i in range(len(nodes) - 1)]
    return {"nodes": nodes, "edges": edges}


def _audience(season: str) -> dict[str, Any]:
    """JSON-Logic audience of a campaign over the customer profile."""
    if season == "winback":
        return {"in": ["沉睡", {"var": "customer.tags"}]}
    if season == "member":
        return {"==": [{"var": "customer.is_member"}, True]}
    if season == "newtea":
        return {"in": ["茶饮爱好者", {"var": "customer.tags"}]}
    return {">=": [{"var": "customer.orders_count"}, 1]}


def _transitions(spec: CampaignSpec, now: datetime) -> list[tuple[str | None, str, datetime, str]]:
    """Lifecycle transitions that happened by ``now``: (from, to, at, actor)."""
    created = _created(spec.start, now)
    steps: list[tuple[str | None, str, datetime, str]] = [(None, "draft", created, "marketer")]
    if spec.state == "draft":
        return steps
    steps.append(("draft", "scheduled", created + timedelta(days=2), "marketer"))
    if spec.start <= now:
        steps.append(("scheduled", "running", spec.start, "system"))
    if spec.state == "completed" and spec.end is not None:
        steps.append(("running", "completed", spec.end, "system"))
    return steps


def campaign_rows(plan: MarketingPlan, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Rows of campaigns, campaign_versions and campaign_state_changes."""
    templates = {o.campaign: o.template for o in coupon_templates(plan) if o.campaign}
    out: dict[str, list[dict[str, Any]]] = {"campaigns": [], "campaign_versions": [],
                                            "campaign_state_changes": []}
    for spec in plan.campaigns:
        created = _created(spec.start, now)
        out["campaigns"].append(dict(
            id=spec.id, code=spec.code, name=spec.name, state=spec.state, current_version=1,
            budget=spec.budget, created_by="marketer", starts_at=spec.start, ends_at=spec.end,
            flow_run_id=None, created_at=created, updated_at=created))
        out["campaign_versions"].append(dict(
            id=spec.id, campaign_id=spec.id, version=1, graph=_graph(spec, templates.get(spec.code)),
            created_by="marketer", created_at=created))
        for old, new, at, actor in _transitions(spec, now):
            out["campaign_state_changes"].append(dict(
                id=len(out["campaign_state_changes"]) + 1, campaign_id=spec.id, from_state=old,
                to_state=new, reason=None, actor=actor, occurred_at=at))
    return out
