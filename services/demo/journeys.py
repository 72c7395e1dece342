"""Touchpoint journeys: the events before an order (短视频, 搜索, 公众号, 小程序, 社群, 线下门店),
each with UTM source / medium / campaign and the page it happened on, ending in a purchase event.

Touches before a customer registered carry only the device's ``anonymous_id`` (what identity
stitching works on later); a share of visitors never buys and leaves anonymous events only.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from services.demo.marketing import CampaignSpec, MarketingPlan

# order channel -> touch channels that lead to it, with weights
_PATHS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "douyin": (("short_video", "search", "community"), (6, 1, 1)),
    "tmall": (("search", "short_video", "wechat_oa"), (5, 3, 1)),
    "online": (("search", "wechat_oa", "community"), (3, 2, 2)),
    "miniprogram": (("wechat_oa", "community", "miniprogram", "short_video"), (3, 3, 3, 1.5)),
    "store": (("offline_store", "community", "wechat_oa", "short_video"), (3, 2, 2, 1.5)),
}
_JOURNEY_SHARE = {"douyin": 0.95, "tmall": 0.8, "online": 0.9, "miniprogram": 0.85, "store": 0.22}
_PURCHASE_CHANNEL = {"douyin": "short_video", "tmall": "search", "online": "search",
                     "miniprogram": "miniprogram", "store": "offline_store"}
# touch channel -> (utm sources, utm medium, event types, page template)
_TOUCH: dict[str, tuple[tuple[str, ...], str, tuple[str, ...], str]] = {
    "short_video": (("douyin", "channels", "kuaishou"), "short_video", ("view", "click", "share"),
                    "video/{n}"),
    "search": (("tmall_search", "baidu", "xiaohongshu"), "search", ("click", "view"), "search?q={kw}"),
    "wechat_oa": (("wechat_oa",), "article", ("page_view", "click", "share"), "mp/article/{n}"),
    "miniprogram": (("miniprogram",), "mini", ("page_view", "add_to_cart", "claim_coupon"),
                    "pages/goods/detail?sku={sku}"),
    "community": (("wecom_group",), "community", ("click", "claim_coupon", "share"), "group/{n}"),
    "offline_store": (("store_qr",), "qr", ("view", "claim_coupon", "click"), "store/{store}"),
}
_KEYWORDS = ("龙井", "冷萃咖啡", "茶叶礼盒", "挂耳咖啡", "白茶", "保温杯", "咖啡豆", "云岫", "年货礼盒")


class Journeys:
    """Makes event rows; ids come from the generator's counter."""

    def __init__(self, rng: random.Random, plan: MarketingPlan, next_id: Any) -> None:
        self.rng = rng
        self.plan = plan
        self.next_id = next_id

    def _campaign(self, at: datetime, code: str | None) -> CampaignSpec | None:
        """The order's campaign, else sometimes one running at the time (content without a deal)."""
        spec = self.plan.campaign(code)
        if spec is None and self.rng.random() < 0.3:
            running = [c for c in self.plan.campaigns
                       if c.start <= at and (c.end is None or at < c.end) and c.state != "draft"]
            spec = self.rng.choice(running) if running else None
        return spec

    def event(self, at: datetime, kind: str, channel: str, customer: int | None, anon: str | None,
              spec: CampaignSpec | None, props: dict[str, Any], order_id: int | None = None,
              ) -> dict[str, Any]:
        """One event row."""
        sources, medium, _, _ = _TOUCH[channel]
        return dict(id=self.next_id(), customer_id=customer, anonymous_id=anon, type=kind,
                    channel=channel, campaign_id=spec.id if spec else None, page_id=None,
                    utm_source=self.rng.choice(sources), utm_medium=medium,
                    utm_campaign=spec.code if spec else "always_on", order_id=order_id,
                    occurred_at=at, props=props)

    def _touch_props(self, channel: str, sku: str, store: int | None) -> dict[str, Any]:
        """Page (and keyword for search) of one touch."""
        page = _TOUCH[channel][3].format(n=self.rng.randint(1000, 9999), kw=self.rng.choice(_KEYWORDS),
                                         sku=sku, store=store or 0)
        props: dict[str, Any] = {"page": page}
        if channel == "search":
            props["keyword"] = page.split("=", 1)[1]
        return props

    def for_order(self, order: Any, customer: int, anon: str, registered: datetime,
                  store: int | None) -> list[dict[str, Any]]:
        """The touches before ``order`` and its purchase event (or nothing for most store visits)."""
        if self.rng.random() > _JOURNEY_SHARE[order.channel]:
            return []
        spec = self._campaign(order.placed, order.campaign)
        options, weights = _PATHS[order.channel]
        touches = self.rng.choices(options, weights=weights, k=self.rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0])
        if spec is not None and self.rng.random() < 0.6:
            touches[0] = self.rng.choice(spec.focus)
        sku = order.lines[0]["sku"]
        at = order.placed
        rows = []
        for channel in reversed(touches):
            at -= timedelta(minutes=int(self.rng.expovariate(1 / 600)) + 1)
            known = at >= registered
            kind = self.rng.choice(_TOUCH[channel][2])
            rows.append(self.event(at, kind, channel, customer if known else None, anon, spec,
                                   self._touch_props(channel, sku, store)))
        rows.reverse()
        rows.append(self.event(order.placed, "purchase", _PURCHASE_CHANNEL[order.channel], customer, anon,
                               spec, {"order_no": order.row["order_no"], "total": str(order.total),
                                      "order_channel": order.channel}, order_id=order.row["id"]))
        return rows

    def signup(self, at: datetime, customer: int, anon: str, channel: str) -> dict[str, Any]:
        """A registration event."""
        touch = {"store": "offline_store", "miniprogram": "miniprogram", "crm": "wechat_oa"}.get(channel, "wechat_oa")
        return self.event(at, "signup", touch, customer, anon, None, {"page": "member/register"})

    def visitor(self, at: datetime, anon: str) -> list[dict[str, Any]]:
        """An anonymous visitor who looks around and leaves."""
        spec = self._campaign(at, None)
        options, weights = _PATHS[self.rng.choice(tuple(_PATHS))]
        rows = []
        for channel in self.rng.choices(options, weights=weights, k=self.rng.randint(1, 3)):
            rows.append(self.event(at, self.rng.choice(_TOUCH[channel][2][:2]), channel, None, anon, spec,
                                   self._touch_props(channel, "", None)))
            at += timedelta(minutes=self.rng.randint(1, 240))
        return rows
