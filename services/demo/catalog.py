"""The demo catalogue: a category tree and ~500 SKUs of a tea, coffee and lifestyle brand.

Every base product comes in its real variants (weights, cup sizes, colours); prices end like real
price tags and costs follow the category's gross margin (drinks ~70%, snacks ~40%).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from services.demo.reference import BRAND, STORES, WAREHOUSE

CENT = Decimal("0.01")

# level-1 code, zh, en, [(level-2 code, zh, en, cost ratio, store weight, online weight)]
TREE: tuple[tuple[str, str, str, tuple[tuple[str, str, str, float, int, int], ...]], ...] = (
    ("TEA", "茶叶", "Tea", (
        ("TEA-GREEN", "绿茶", "Green tea", 0.38, 2, 14),
        ("TEA-BLACK", "红茶", "Black tea", 0.38, 1, 10),
        ("TEA-OOLONG", "乌龙茶", "Oolong", 0.38, 1, 10),
        ("TEA-WHITE", "白茶", "White tea", 0.36, 1, 6),
        ("TEA-DARK", "普洱·黑茶", "Pu'er & dark tea", 0.35, 1, 5),
        ("TEA-FLOWER", "花草茶", "Floral tea", 0.32, 1, 8),
        ("TEA-BAG", "袋泡茶", "Tea bags", 0.30, 3, 12),
    )),
    ("COFFEE", "咖啡", "Coffee", (
        ("COF-BEAN", "咖啡豆", "Coffee beans", 0.42, 2, 12),
        ("COF-DRIP", "挂耳咖啡", "Drip bags", 0.40, 3, 14),
        ("COF-INSTANT", "冻干咖啡", "Freeze-dried coffee", 0.38, 1, 12),
        ("COF-COLD", "冷萃咖啡液", "Cold brew concentrate", 0.40, 1, 8),
        ("COF-CAPSULE", "咖啡胶囊", "Capsules", 0.40, 0, 4),
    )),
    ("DRINK", "现制饮品", "Made-to-order drinks", (
        ("DRK-COFFEE", "现制咖啡", "Coffee drinks", 0.28, 100, 0),
        ("DRK-TEA", "鲜萃茶饮", "Tea drinks", 0.25, 70, 0),
        ("DRK-BAKERY", "烘焙轻食", "Bakery", 0.36, 18, 0),
    )),
    ("WARE", "茶具器物", "Teaware & coffeeware", (
        ("WARE-TEASET", "茶具", "Teaware", 0.46, 1, 5),
        ("WARE-COFFEE", "咖啡器具", "Coffee gear", 0.50, 1, 4),
        ("WARE-CUP", "杯具", "Cups & tumblers", 0.45, 2, 7),
    )),
    ("SNACK", "茶点零食", "Snacks", (
        ("SNK-PASTRY", "中式糕点", "Pastries", 0.58, 3, 6),
        ("SNK-NUTS", "坚果果干", "Nuts & dried fruit", 0.60, 1, 5),
        ("SNK-BISCUIT", "饼干曲奇", "Biscuits", 0.55, 2, 4),
    )),
    ("GIFT", "礼盒", "Gift sets", (
        ("GIFT-TEA", "茶礼", "Tea gift sets", 0.45, 1, 5),
        ("GIFT-COFFEE", "咖啡礼盒", "Coffee gift sets", 0.46, 0, 3),
        ("GIFT-FEST", "节令礼盒", "Festive gift sets", 0.48, 1, 3),
    )),
    ("LIFE", "生活周边", "Lifestyle", (
        ("LIFE-BAG", "包袋", "Bags", 0.40, 1, 2),
        ("LIFE-HOME", "香氛家居", "Home fragrance", 0.38, 0, 2),
        ("LIFE-STATIONERY", "文创", "Stationery", 0.35, 1, 2),
    )),
)

_TEA_SPECS = (("特级 50g罐装", 1.0), ("特级 100g罐装", 1.85), ("一级 100g罐装", 1.35), ("一级 250g量贩装", 3.0))
_CUPS = (("中杯", 0), ("大杯", 4), ("超大杯", 7))
_COLOURS = (("月白", 1.0), ("天青", 1.0), ("墨黑", 1.05), ("青瓷", 1.1))
_TWO_SIZES = (("单盒", 1.0), ("家庭装", 2.2))
_GIFTS = (("标准装", 1.0), ("尊享装", 1.8))

# level-2 code -> (base names with base price, variants (suffix, multiplier or +yuan for cups))
PRODUCTS: dict[str, tuple[tuple[tuple[str, int], ...], tuple[tuple[str, float], ...]]] = {
    "TEA-GREEN": ((("西湖龙井", 168), ("洞庭碧螺春", 138), ("黄山毛峰", 98), ("信阳毛尖", 88),
                   ("六安瓜片", 118), ("太平猴魁", 198), ("安吉白茶", 128), ("蒙顶甘露", 128),
                   ("峨眉竹叶青", 108), ("恩施玉露", 118)), _TEA_SPECS),
    "TEA-BLACK": ((("正山小种", 98), ("金骏眉", 238), ("滇红金芽", 88), ("祁门红茶", 78),
                   ("英德红茶", 68), ("坦洋工夫", 88)), _TEA_SPECS),
    "TEA-OOLONG": ((("安溪铁观音", 98), ("武夷大红袍", 158), ("凤凰单丛·鸭屎香", 128),
                    ("冻顶乌龙", 118), ("武夷肉桂", 178), ("漳平水仙", 108)), _TEA_SPECS),
    "TEA-WHITE": ((("白毫银针", 268), ("福鼎白牡丹", 128), ("老寿眉", 98), ("福鼎贡眉", 118)), _TEA_SPECS),
    "TEA-DARK": ((("普洱熟茶", 108), ("普洱生茶", 138), ("梧州六堡茶", 88), ("安化黑茶", 78)), _TEA_SPECS),
    "TEA-FLOWER": ((("茉莉花茶", 58), ("桂花乌龙", 68), ("玫瑰红茶", 58), ("白桃乌龙", 62),
                    ("蜜桃乌龙冷泡茶", 49)), (("50g罐装", 1.0), ("100g罐装", 1.85), ("三角茶包 15袋", 1.2))),
    "TEA-BAG": ((("茉莉绿茶袋泡茶", 39), ("白桃乌龙袋泡茶", 45), ("英式早餐红茶", 42), ("焙炒大麦茶", 29),
                 ("冷泡柠檬红茶", 45), ("菊花枸杞茶", 35), ("玄米煎茶", 42)), (("10包", 1.0), ("30包", 2.6))),
    "COF-BEAN": ((("云南保山小粒", 78), ("耶加雪菲", 108), ("哥伦比亚慧兰", 98), ("巴西喜拉多", 78),
                  ("肯尼亚AA", 118), ("危地马拉安提瓜", 108), ("苏门答腊曼特宁", 98), ("意式拼配", 72),
                  ("秋日拼配", 76), ("巴拿马瑰夏", 268), ("埃塞西达摩", 108),
                  ("云南孟连", 88)), (("227g 浅烘", 1.0), ("227g 中深烘", 1.0), ("454g 中深烘", 1.85))),
    "COF-DRIP": ((("经典意式挂耳", 49), ("耶加雪菲挂耳", 59), ("云南小粒挂耳", 45), ("哥伦比亚挂耳", 55),
                  ("曼特宁挂耳", 55), ("花魁挂耳", 69)), (("10片", 1.0), ("30片", 2.6))),
    "COF-INSTANT": ((("冻干黑咖啡", 59), ("冷萃冻干咖啡", 69), ("美式速溶咖啡", 39),
                     ("燕麦拿铁速溶", 45)), (("12颗", 1.0), ("24颗", 1.8))),
    "COF-COLD": ((("原味冷萃咖啡液", 69), ("耶加冷萃咖啡液", 79), ("0糖拿铁浓缩液", 59)),
                 (("6条", 1.0), ("15条", 2.2))),
    "COF-CAPSULE": ((("意式浓缩胶囊", 49), ("美式胶囊", 45), ("焦糖风味胶囊", 52)),
                    (("10粒", 1.0), ("50粒", 4.5))),
    "DRK-COFFEE": ((("美式", 22), ("拿铁", 26), ("生椰拿铁", 28), ("燕麦拿铁", 28), ("澳白", 30),
                    ("卡布奇诺", 26), ("摩卡", 29), ("焦糖玛奇朵", 30), ("桂花拿铁", 29),
                    ("冰博克拿铁", 32), ("手冲·耶加雪菲", 38), ("冷萃", 26), ("陨石拿铁", 29),
                    ("橙C美式", 25), ("椰青冰萃", 28), ("黑糖燕麦拿铁", 29)), _CUPS),
    "DRK-TEA": ((("茉莉轻乳茶", 19), ("桂花乌龙轻乳茶", 21), ("白桃乌龙", 20), ("鸭屎香柠檬茶", 19),
                 ("大红袍奶茶", 22), ("普洱拿铁", 24), ("抹茶拿铁", 26), ("金骏眉鲜奶茶", 22),
                 ("冰橘柠檬茶", 18), ("杨枝甘露", 26), ("龙井奶绿", 22),
                 ("荔枝冰红茶", 19), ("桂花酒酿奶茶", 23), ("芝士茉莉", 24)), _CUPS),
    "DRK-BAKERY": ((("黄油可颂", 16), ("肉桂卷", 18), ("芝麻贝果", 15), ("鸡肉牛油果三明治", 26),
                    ("巴斯克芝士蛋糕", 28), ("英式司康", 14), ("抹茶千层", 32)), (("", 1.0),)),
    "WARE-TEASET": ((("白瓷盖碗", 128), ("汝窑公道杯", 98), ("玻璃飘逸杯", 79), ("旅行快客杯", 139),
                     ("竹制茶盘", 199), ("建盏品茗杯", 168), ("锡制茶叶罐", 258)), _COLOURS),
    "WARE-COFFEE": ((("不锈钢手冲壶", 219), ("锥形滤杯", 89), ("玻璃分享壶", 99), ("手摇磨豆机", 299),
                     ("咖啡电子秤", 169), ("滤纸100张", 25)), (("黑色", 1.0), ("白色", 1.0))),
    "WARE-CUP": ((("真空保温杯 450ml", 169), ("随行杯 350ml", 129), ("陶瓷马克杯", 69),
                  ("双层玻璃杯", 79), ("冷泡壶 1L", 89), ("陶瓷对杯", 159)), _COLOURS),
    "SNK-PASTRY": ((("绿豆糕", 39), ("凤梨酥", 49), ("核桃桃酥", 29), ("桂花糕", 35),
                    ("抹茶麻薯", 39), ("蛋黄酥", 45)), _TWO_SIZES),
    "SNK-NUTS": ((("每日坚果", 89), ("奶油碧根果", 59), ("夏威夷果", 59), ("冻干草莓", 39),
                  ("芒果干", 29), ("烤扁桃仁", 49), ("山楂条", 19)), (("小袋装", 1.0), ("量贩装", 2.5))),
    "SNK-BISCUIT": ((("红茶曲奇", 35), ("抹茶曲奇", 35), ("咖啡豆脆", 29), ("海盐苏打饼", 19), ("芝麻薄脆", 25), ("手工沙琪玛", 29),
                     ("茶香牛轧糖", 39)), _TWO_SIZES),
    "GIFT-TEA": ((("明前龙井礼盒", 398), ("大红袍礼盒", 498), ("金骏眉礼盒", 458), ("白茶饼礼盒", 368),
                  ("四季名茶礼盒", 298), ("普洱典藏礼盒", 598)), _GIFTS),
    "GIFT-COFFEE": ((("挂耳咖啡礼盒", 168), ("咖啡豆双拼礼盒", 228), ("冷萃咖啡礼盒", 198),
                     ("手冲入门套装", 399), ("冻干咖啡礼盒", 188)), _GIFTS),
    "GIFT-FEST": ((("年货礼盒·福满堂", 368), ("中秋月饼茶礼", 328), ("端午茶粽礼盒", 198),
                   ("新春茶点礼盒", 268), ("企业定制礼盒", 588), ("七夕咖啡礼盒", 199), ("圣诞限定礼盒", 258)), _GIFTS),
    "LIFE-BAG": ((("帆布托特包", 79), ("保温提袋", 59), ("皮质杯套", 29)), _COLOURS),
    "LIFE-HOME": ((("茶香香薰蜡烛", 129), ("扩香石", 89), ("车载香薰", 69), ("茶香护手霜", 59),
                   ("茶香沐浴露", 79), ("茶香枕", 129)),
                  (("白茶", 1.0), ("乌龙", 1.0), ("桂花", 1.0))),
    "LIFE-STATIONERY": ((("山水笔记本", 39), ("帆布笔袋", 29), ("冰箱贴", 19), ("明信片套装", 25),
                         ("晴雨伞", 89)), (("", 1.0), ("联名款", 1.3))),
}


@dataclass(frozen=True)
class Category:
    """A category of the tree (parent_id None for level 1)."""

    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: int | None


@dataclass(frozen=True)
class Product:
    """One SKU with what order generation needs."""

    id: int
    sku: str
    name: str
    category: str
    category_id: int
    top: str
    price: Decimal
    cost: Decimal
    active: bool


def price_tag(value: float) -> Decimal:
    """Round a price the way shelves show it: ¥x8/x9 above 100, whole yuan or .9 below."""
    if value >= 100:
        tens = int(value) // 10 * 10
        return Decimal(tens + (8 if value - tens < 8.5 else 9)).quantize(CENT)
    if value >= 30:
        return Decimal(int(round(value))).quantize(CENT)
    return Decimal(f"{int(value)}.9") if value % 1 >= 0.5 else Decimal(int(value)).quantize(CENT)


def build_categories() -> list[Category]:
    """The two-level category tree with ids from 1."""
    out: list[Category] = []
    for code, zh, en, children in TREE:
        parent = Category(len(out) + 1, code, zh, en, None)
        out.append(parent)
        out += [Category(len(out) + 1 + i, c[0], c[1], c[2], parent.id) for i, c in enumerate(children)]
    return out


def _cost_ratios() -> dict[str, float]:
    """Level-2 code -> cost / price."""
    return {c[0]: c[3] for _, _, _, children in TREE for c in children}


def _parents() -> dict[str, str]:
    """Level-2 code -> level-1 code."""
    return {c[0]: code for code, _, _, children in TREE for c in children}


def _variant_price(sub: str, base: int, value: float) -> Decimal:
    """Cup sizes add whole yuan to a drink; every other variant multiplies the base price."""
    if sub in ("DRK-COFFEE", "DRK-TEA"):
        return Decimal(base + int(value)).quantize(CENT)
    return price_tag(base * value)


def build_products(rng: random.Random, categories: list[Category]) -> list[Product]:
    """Every SKU: base products × variants, with margin-based costs and a few inactive items."""
    ids = {c.code: c.id for c in categories}
    ratios, parents = _cost_ratios(), _parents()
    out: list[Product] = []
    for sub, (bases, variants) in PRODUCTS.items():
        for b, (name, base) in enumerate(bases):
            for v, (suffix, value) in enumerate(variants):
                price = _variant_price(sub, base, value)
                ratio = ratios[sub] * rng.uniform(0.88, 1.12)
                cost = (price * Decimal(str(round(ratio, 4)))).quantize(CENT, ROUND_HALF_UP)
                n = len(out) + 1
                label = f"{name} {suffix}".strip()
                out.append(Product(n, f"YX-{sub}-{b + 1:02d}{v + 1}", label, sub,
                                   ids[sub], parents[sub], price, cost, rng.random() > 0.03))
    return out


def category_rows(categories: list[Category]) -> list[dict[str, Any]]:
    """Rows of the categories table."""
    return [dict(id=c.id, code=c.code, name_zh=c.name_zh, name_en=c.name_en, parent_id=c.parent_id)
            for c in categories]


def product_rows(products: list[Product], created_at: datetime) -> list[dict[str, Any]]:
    """Rows of the products table."""
    return [dict(id=p.id, sku=p.sku, name=p.name, category_id=p.category_id, brand=BRAND,
                 price=p.price, cost=p.cost, status="active" if p.active else "inactive",
                 created_at=created_at) for p in products]


def inventory_rows(rng: random.Random, products: list[Product]) -> list[dict[str, Any]]:
    """Stock in the online warehouse (every packaged SKU) and in stores (a share of them)."""
    packaged = [p for p in products if p.top != "DRINK"]
    rows: list[dict[str, Any]] = []
    for p in packaged:
        rows.append(dict(product_id=p.id, location_code=WAREHOUSE,
                         on_hand=rng.randint(0, 30) if not p.active else rng.randint(80, 2400),
                         reserved=rng.randint(0, 40)))
    for s in range(len(STORES)):
        for p in packaged:
            if p.active and rng.random() < 0.4:
                rows.append(dict(product_id=p.id, location_code=store_code(s),
                                 on_hand=rng.choice((0, 2, 5)) if rng.random() < 0.08 else rng.randint(6, 90),
                                 reserved=rng.randint(0, 3)))
    return [dict(id=i + 1, **r) for i, r in enumerate(rows)]


def store_code(index: int) -> str:
    """Code of the store at ``index`` of reference.STORES."""
    return f"S{index + 1:03d}"


def store_rows(channel_code: str = "store") -> list[dict[str, Any]]:
    """Rows of the stores table (ids from 1, same order as reference.STORES)."""
    return [dict(id=i + 1, code=store_code(i), name=f"{BRAND}·{city}{mall}", city=city,
                 province=province, region=region,
                 opened_at=datetime(y, m, 1, 2, 0, tzinfo=UTC), channel_code=channel_code)
            for i, (city, province, region, mall, (y, m)) in enumerate(STORES)]
