"""All Shuying tables; import models from here (``from storage.models import Customer``)."""

from storage.models.base import (
    Base,
    EncryptedString,
    UTCDateTime,
    encrypt_pii_row,
    utcnow,
)
from storage.models.catalog import Category, Channel, Inventory, Product, Store, Tier
from storage.models.commerce import (
    CouponBatch,
    CouponCustomerClaim,
    GiftStock,
    OrderPromotion,
    PromotionCustomerUse,
)
from storage.models.customers import Customer, CustomerIdentity, CustomerTag
from storage.models.marketing import (
    Campaign,
    CampaignStateChange,
    CampaignVersion,
    Coupon,
    CouponTemplate,
    Page,
    PageVersion,
    PointsLedger,
    Promotion,
    PromotionVersion,
    Rule,
    RuleVersion,
)
from storage.models.orders import Event, Order, OrderLine
from storage.models.platform import (
    ApiToken,
    AuditLog,
    DataSource,
    IdempotencyKey,
    LoginThrottle,
    Quarantine,
    User,
    UserSession,
)

metadata = Base.metadata

__all__ = [
    "ApiToken", "AuditLog", "Base", "Campaign", "CampaignStateChange", "CampaignVersion",
    "Category", "Channel", "Coupon", "CouponBatch", "CouponCustomerClaim", "CouponTemplate",
    "Customer", "CustomerIdentity", "CustomerTag", "DataSource", "EncryptedString", "Event",
    "GiftStock", "IdempotencyKey", "Inventory", "LoginThrottle", "Order", "OrderLine",
    "OrderPromotion", "Page", "PageVersion", "PointsLedger", "Product", "Promotion", "PromotionCustomerUse",
    "PromotionVersion", "Quarantine", "Rule", "RuleVersion", "Store", "Tier", "UTCDateTime",
    "User", "UserSession", "encrypt_pii_row", "metadata", "utcnow",
]
