"""The typed field catalogue rules may read: ``customer.*``, ``cart.*``, ``line.*``, ``order.*``,
``event.*`` and ``context.*``, with zh-CN / English labels for the visual rule builder.

The keys follow the data the engine is given (``engine.promotions.eligibility.condition_data``)
and the columns in ``storage/models`` (customers, orders, order_lines, events); enum options are
the codes stored there (tiers and channels from the reference data).  The validator uses the
catalogue to refuse unknown fields and literals of the wrong type, the builder to offer fields,
operators and options.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.rules.checks import check_field_literals, literal_path
from engine.rules.errors import Problem, problem
from engine.rules.registry import OPERATORS

FieldType = Literal["string", "number", "money", "bool", "date", "enum", "list"]
FIELD_TYPES: tuple[FieldType, ...] = ("string", "number", "money", "bool", "date", "enum", "list")


@dataclass(frozen=True)
class Option:
    """One allowed value of an enum field."""

    value: str
    zh: str
    en: str


@dataclass(frozen=True)
class Field:
    """One readable field: dotted key, type, labels, description, enum options, list item type."""

    key: str
    type: FieldType
    zh: str
    en: str
    description: str = ""
    options: tuple[Option, ...] = ()
    item_type: FieldType | None = None
    items: str | None = None  # namespace of the objects in a list field (cart.lines → "line")

    def label(self, locale: str = "zh-CN") -> str:
        """The label in ``zh-CN`` (default) or ``en``."""
        return self.en if locale.startswith("en") else self.zh

    def as_json(self, locale: str = "zh-CN") -> dict[str, Any]:
        """The field for the visual builder."""
        out: dict[str, Any] = {"key": self.key, "type": self.type, "label": self.label(locale),
                               "label_zh": self.zh, "label_en": self.en, "description": self.description}
        if self.options:
            out["options"] = [{"value": o.value, "label": o.en if locale.startswith("en") else o.zh}
                              for o in self.options]
        if self.item_type:
            out["item_type"] = self.item_type
        return out


@dataclass(frozen=True)
class Catalogue:
    """A set of fields by key, with the checks the validator runs against it."""

    fields: dict[str, Field] = field(default_factory=dict)

    @classmethod
    def of(cls, fields: Iterable[Field]) -> Catalogue:
        """A catalogue from fields (keys must be unique)."""
        by_key: dict[str, Field] = {}
        for f in fields:
            if f.key in by_key:
                raise ValueError(f"duplicate catalogue field {f.key!r}")
            by_key[f.key] = f
        return cls(by_key)

    def get(self, key: str) -> Field | None:
        """The field at a dotted path, following list items (``cart.lines.0.sku`` → ``line.sku``)."""
        if key in self.fields:
            return self.fields[key]
        for list_key, f in self.fields.items():
            if f.items and key.startswith(list_key + "."):
                rest = key[len(list_key) + 1:].split(".", 1)
                if len(rest) == 2 and rest[0].isdigit():
                    return self.fields.get(f"{f.items}.{rest[1]}")
        return None

    def knows(self, key: str) -> bool:
        """True for a field, a list item path, or a namespace prefix such as ``customer``."""
        return self.get(key) is not None or any(k.startswith(key + ".") for k in self.fields)

    def check_operator(self, name: str, args: list[Any], path: str) -> list[Problem]:
        """Problems of one operator node against this catalogue: unknown fields, wrong literals."""
        if name in ("var", "val", "exists"):
            key = literal_path(name, args)
            if key is not None and key != "" and not self.knows(key):
                return [problem(f"{path}[0]", "unknown_field", f"{key!r} is not in the field catalogue", field=key)]
            return []
        return check_field_literals(self, name, args, path)

    def namespace(self, prefix: str) -> list[Field]:
        """The fields under one namespace (``customer``, ``cart``, ``line``...)."""
        return [f for k, f in self.fields.items() if k.startswith(prefix + ".")]

    def as_json(self, locale: str = "zh-CN") -> dict[str, Any]:
        """Fields and operators with labels in one locale, for the visual rule builder."""
        return {"fields": [f.as_json(locale) for f in self.fields.values()],
                "operators": operator_labels(locale)}


def operator_labels(locale: str = "zh-CN") -> list[dict[str, str]]:
    """Every registered operator with its group and label (zh-CN or en)."""
    en = locale.startswith("en")
    return [{"name": op.name, "group": op.group, "label": op.label_en if en else op.label_zh,
             "label_zh": op.label_zh, "label_en": op.label_en}
            for op in OPERATORS.values()]


def _o(*triples: tuple[str, str, str]) -> tuple[Option, ...]:
    """Enum options from (value, zh, en) triples."""
    return tuple(Option(v, zh, en) for v, zh, en in triples)


TIERS = _o(("member", "普通会员", "Member"), ("silver", "银卡会员", "Silver"), ("gold", "金卡会员", "Gold"),
           ("platinum", "铂金会员", "Platinum"), ("diamond", "黑钻会员", "Diamond"))
GENDERS = _o(("M", "男", "Male"), ("F", "女", "Female"), ("U", "未知", "Unknown"))
SALES_CHANNELS = _o(("store", "线下门店", "Retail stores"), ("online", "官方商城", "Official web shop"),
                    ("tmall", "天猫旗舰店", "Tmall flagship store"), ("miniprogram", "微信小程序", "WeChat mini-program"),
                    ("douyin", "抖音小店", "Douyin shop"), ("crm", "会员中心", "Member centre (CRM)"))
EVENT_CHANNELS = _o(("short_video", "短视频", "Short video"), ("search", "搜索", "Search"),
                    ("wechat_oa", "微信公众号", "WeChat official account"), ("miniprogram", "微信小程序", "WeChat mini-program"),
                    ("community", "社群", "Community"), ("offline_store", "线下门店", "Offline store"))
EVENT_TYPES = _o(("view", "浏览", "View"), ("click", "点击", "Click"), ("share", "分享", "Share"),
                 ("claim_coupon", "领券", "Claim coupon"), ("signup", "注册", "Sign-up"),
                 ("add_to_cart", "加购", "Add to cart"), ("purchase", "购买", "Purchase"),
                 ("page_view", "页面访问", "Page view"))
ORDER_STATUSES = _o(("paid", "已支付", "Paid"), ("refunded", "已退款", "Refunded"),
                    ("cancelled", "已取消", "Cancelled"), ("pending", "待支付", "Pending"))


def _customer() -> list[Field]:
    """``customer.*``: the unified profile (customers table, tags from customer_tags)."""
    return [
        Field("customer.id", "number", "客户ID", "Customer ID", "Unified customer id (customers.id)."),
        Field("customer.code", "string", "客户编号", "Customer code", "Customer code shown in the app (customers.code)."),
        Field("customer.is_new", "bool", "新客", "New customer", "True until the first paid order."),
        Field("customer.tier", "enum", "会员等级", "Membership tier", "customers.tier", TIERS),
        Field("customer.tags", "list", "客户标签", "Tags", "customer_tags.tag (rule, manual or imported).",
              item_type="string"),
        Field("customer.city", "string", "城市", "City", "customers.city, e.g. 上海."),
        Field("customer.province", "string", "省份", "Province", "customers.province, e.g. 浙江省."),
        Field("customer.gender", "enum", "性别", "Gender", "customers.gender", GENDERS),
        Field("customer.birth_date", "date", "生日", "Birth date", "customers.birth_date"),
        Field("customer.registered_at", "date", "注册时间", "Registered at", "customers.registered_at"),
        Field("customer.first_order_at", "date", "首单时间", "First order at", "customers.first_order_at"),
        Field("customer.last_order_at", "date", "最近下单时间", "Last order at", "customers.last_order_at"),
        Field("customer.orders_count", "number", "累计订单数", "Orders", "customers.orders_count"),
        Field("customer.total_spent", "money", "累计消费金额", "Total spent", "customers.total_spent (¥)."),
        Field("customer.points_balance", "number", "积分余额", "Points balance", "customers.points_balance"),
        Field("customer.is_member", "bool", "是否会员", "Is a member", "customers.is_member"),
        Field("customer.first_channel", "enum", "首次渠道", "First channel", "customers.first_channel",
              SALES_CHANNELS),
    ]


def _cart() -> list[Field]:
    """``cart.*`` and ``line.*``: the cart being priced (engine.promotions.model.Cart)."""
    return [
        Field("cart.subtotal", "money", "购物车金额", "Cart subtotal", "Sum of line price × qty (¥)."),
        Field("cart.qty", "number", "购物车件数", "Cart quantity", "Sum of line quantities."),
        Field("cart.item_count", "number", "商品件数", "Item count",
              "Same as cart.qty (the name the promotion engine's data uses)."),
        Field("cart.channel", "enum", "下单渠道", "Channel", "Where the cart is checked out.", SALES_CHANNELS),
        Field("cart.lines", "list", "购物车商品行", "Cart lines", "The lines (see line.*).", items="line"),
        Field("cart.skus", "list", "商品SKU列表", "SKUs in cart", "", item_type="string"),
        Field("cart.categories", "list", "商品品类列表", "Categories in cart", "", item_type="string"),
        Field("cart.coupon_codes", "list", "使用的券码", "Coupon codes", "Codes presented.", item_type="string"),
        Field("cart.shipping_fee", "money", "运费", "Shipping fee", "(¥)"),
        Field("line.sku", "string", "SKU", "SKU", "products.sku"),
        Field("line.category", "string", "品类", "Category", "Category code or name, e.g. 饮品."),
        Field("line.price", "money", "单价", "Unit price", "(¥)"),
        Field("line.cost", "money", "单位成本", "Unit cost", "(¥)"),
        Field("line.qty", "number", "数量", "Quantity", ""),
    ]


def _order() -> list[Field]:
    """``order.*``: an order (orders table) for post-purchase campaigns."""
    return [
        Field("order.id", "string", "订单ID", "Order ID", "orders.id"),
        Field("order.order_no", "string", "订单号", "Order number", "orders.order_no"),
        Field("order.channel", "enum", "下单渠道", "Channel", "orders.channel_code", SALES_CHANNELS),
        Field("order.store", "string", "门店", "Store", "Store code (orders.store_id → stores.code)."),
        Field("order.status", "enum", "订单状态", "Status", "orders.status", ORDER_STATUSES),
        Field("order.placed_at", "date", "下单时间", "Placed at", "orders.placed_at"),
        Field("order.subtotal", "money", "商品金额", "Subtotal", "orders.subtotal (¥)"),
        Field("order.discount", "money", "优惠金额", "Discount", "orders.discount (¥)"),
        Field("order.shipping", "money", "运费", "Shipping", "orders.shipping (¥)"),
        Field("order.total", "money", "实付金额", "Total paid", "orders.total (¥)"),
        Field("order.coupon_code", "string", "券码", "Coupon code", "orders.coupon_code"),
        Field("order.campaign", "string", "活动", "Campaign", "orders.campaign_id"),
        Field("order.lines", "list", "订单商品行", "Order lines", "order_lines (see line.*).", items="line"),
    ]


def _event() -> list[Field]:
    """``event.*``: a behaviour event (events table)."""
    return [
        Field("event.type", "enum", "事件类型", "Event type", "events.type", EVENT_TYPES),
        Field("event.channel", "enum", "事件渠道", "Event channel", "events.channel", EVENT_CHANNELS),
        Field("event.campaign", "string", "活动", "Campaign", "events.campaign_id"),
        Field("event.page", "string", "页面", "Page", "events.page_id"),
        Field("event.utm_source", "string", "UTM来源", "UTM source", "events.utm_source"),
        Field("event.utm_medium", "string", "UTM媒介", "UTM medium", "events.utm_medium"),
        Field("event.utm_campaign", "string", "UTM活动", "UTM campaign", "events.utm_campaign"),
        Field("event.ts", "date", "发生时间", "Occurred at", "events.occurred_at"),
    ]


def _context() -> list[Field]:
    """``context.*``: when and where the rule is evaluated."""
    return [
        Field("context.now", "date", "当前时间", "Now", "Evaluation time (default: the current time)."),
        Field("context.store", "string", "门店", "Store", "Store code of the checkout, if any."),
        Field("context.channel", "enum", "渠道", "Channel", "Channel of the checkout.", SALES_CHANNELS),
    ]


CATALOGUE = Catalogue.of([*_customer(), *_cart(), *_order(), *_event(), *_context()])
