"""Fixed reference data of the demo brand 云岫茶咖 (Yunxiu Tea & Coffee): channels, tiers, stores,
cities, Chinese names and the vocabulary of nicknames, e-mail addresses and tags."""

from __future__ import annotations

from decimal import Decimal

BRAND = "云岫"
BRAND_EN = "Yunxiu Tea & Coffee"
WAREHOUSE = "WH-ONLINE"

# code, name_zh, name_en, kind
CHANNELS: tuple[tuple[str, str, str, str], ...] = (
    ("store", "线下门店", "Retail stores", "offline"),
    ("online", "官方商城", "Official web shop", "ecommerce"),
    ("tmall", "天猫旗舰店", "Tmall flagship store", "ecommerce"),
    ("miniprogram", "微信小程序", "WeChat mini-program", "miniprogram"),
    ("douyin", "抖音小店", "Douyin shop", "ecommerce"),
    ("crm", "会员中心", "Member centre (CRM)", "crm"),
)
ORDER_NO_PREFIX = {"store": "POS", "online": "WEB", "tmall": "TM", "miniprogram": "MP", "douyin": "DY"}
# where a customer first met the brand, and mostly keeps buying
PRIMARY_CHANNEL_WEIGHTS = {"store": 42, "miniprogram": 26, "tmall": 18, "douyin": 9, "online": 5}

# code, name_zh, name_en, min_spent, points_rate, rank
TIERS: tuple[tuple[str, str, str, Decimal, Decimal, int], ...] = (
    ("member", "普通会员", "Member", Decimal("0"), Decimal("1.0"), 0),
    ("silver", "银卡会员", "Silver", Decimal("500"), Decimal("1.2"), 1),
    ("gold", "金卡会员", "Gold", Decimal("1500"), Decimal("1.5"), 2),
    ("platinum", "铂金会员", "Platinum", Decimal("4000"), Decimal("2.0"), 3),
    ("diamond", "黑钻会员", "Diamond", Decimal("10000"), Decimal("3.0"), 4),
)

# city, province, region, mall / street, opened (year, month)
STORES: tuple[tuple[str, str, str, str, tuple[int, int]], ...] = (
    ("上海", "上海市", "华东", "静安嘉里中心店", (2016, 5)),
    ("上海", "上海市", "华东", "徐家汇港汇恒隆店", (2017, 9)),
    ("上海", "上海市", "华东", "陆家嘴正大广场店", (2018, 4)),
    ("上海", "上海市", "华东", "长风大悦城店", (2021, 6)),
    ("杭州", "浙江省", "华东", "湖滨银泰in77店", (2015, 10)),
    ("杭州", "浙江省", "华东", "西溪印象城店", (2019, 8)),
    ("宁波", "浙江省", "华东", "天一广场店", (2020, 11)),
    ("南京", "江苏省", "华东", "新街口德基广场店", (2018, 12)),
    ("南京", "江苏省", "华东", "河西金鹰世界店", (2022, 4)),
    ("苏州", "江苏省", "华东", "苏州中心店", (2019, 5)),
    ("合肥", "安徽省", "华东", "滨湖银泰城店", (2022, 9)),
    ("厦门", "福建省", "华东", "万象城店", (2021, 1)),
    ("青岛", "山东省", "华东", "万象城店", (2023, 3)),
    ("北京", "北京市", "华北", "三里屯太古里店", (2017, 6)),
    ("北京", "北京市", "华北", "国贸商城店", (2018, 10)),
    ("北京", "北京市", "华北", "西单大悦城店", (2020, 7)),
    ("天津", "天津市", "华北", "恒隆广场店", (2022, 12)),
    ("广州", "广东省", "华南", "天河太古汇店", (2018, 3)),
    ("广州", "广东省", "华南", "正佳广场店", (2021, 10)),
    ("深圳", "广东省", "华南", "万象城店", (2017, 12)),
    ("深圳", "广东省", "华南", "南山海岸城店", (2020, 9)),
    ("成都", "四川省", "西南", "远洋太古里店", (2019, 1)),
    ("成都", "四川省", "西南", "IFS国际金融中心店", (2021, 5)),
    ("重庆", "重庆市", "西南", "解放碑来福士店", (2020, 4)),
    ("昆明", "云南省", "西南", "顺城购物中心店", (2023, 6)),
    ("武汉", "湖北省", "华中", "楚河汉街店", (2019, 11)),
    ("长沙", "湖南省", "华中", "五一广场IFS店", (2020, 10)),
    ("郑州", "河南省", "华中", "正弘城店", (2023, 8)),
    ("西安", "陕西省", "西北", "赛格国际店", (2021, 8)),
    ("沈阳", "辽宁省", "东北", "市府恒隆广场店", (2024, 4)),
)

# customers also live where there is no store yet (they buy online)
OTHER_CITIES: tuple[tuple[str, str], ...] = (
    ("温州", "浙江省"), ("绍兴", "浙江省"), ("无锡", "江苏省"), ("常州", "江苏省"),
    ("东莞", "广东省"), ("佛山", "广东省"), ("福州", "福建省"), ("济南", "山东省"),
    ("南昌", "江西省"), ("贵阳", "贵州省"), ("南宁", "广西壮族自治区"), ("太原", "山西省"),
    ("石家庄", "河北省"), ("哈尔滨", "黑龙江省"), ("大连", "辽宁省"), ("兰州", "甘肃省"),
    ("海口", "海南省"), ("呼和浩特", "内蒙古自治区"), ("乌鲁木齐", "新疆维吾尔自治区"),
    ("长春", "吉林省"),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "慕容")
GIVEN_F = "婷静敏丽芳娜雪颖琳欣怡佳悦晨雨萱涵梦诗雅思瑶蕾倩菲露洁琪燕玲慧月清嘉宁馨妍岚"
GIVEN_M = "伟强磊军洋勇杰涛明超浩宇轩博文俊鹏辉航睿泽凯峰斌健毅刚鑫昊然子豪一鸣晓东"
GIVEN_ANY = "子一思佳梓欣若安可语宸墨书晨"

EMAIL_DOMAINS = (("qq.com", 40), ("163.com", 18), ("126.com", 8), ("foxmail.com", 6),
                 ("sina.com", 4), ("outlook.com", 8), ("gmail.com", 6), ("icloud.com", 10))
SYLLABLES = (
    "xiao", "yu", "chen", "lin", "wang", "li", "zhang", "mei", "jing", "hao", "tian", "yun",
    "xin", "an", "le", "jia", "qing", "ming", "fei", "lu", "tang", "cha", "kafei", "ming",
)
NICK_WORDS = (
    "爱喝茶的", "早八", "一杯", "慢慢", "山间", "喝咖啡的", "晴天", "小满", "半糖", "温柔的",
    "奶茶星人", "今天也要", "周末", "茶水间", "拿铁", "桂花",
)
NICK_NOUNS = ("猫", "鱼", "小熊", "阿柚", "小王子", "橘子", "木木", "豆豆", "旅人", "团子", "momo")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "198", "199",
)

# behavioural tags (source 'rule'), survey tags (source 'import'), hand-picked (source 'manual')
TAG_HIGH_VALUE = "高价值"
TAG_DORMANT = "沉睡"
TAG_NEW = "新客"
TAG_REPEAT = "复购客"
TAG_LOYAL = "忠实粉丝"
TAG_COFFEE = "咖啡爱好者"
TAG_TEA = "茶饮爱好者"
TAG_GIFT = "礼盒客户"
TAG_DEAL = "优惠敏感"
TAG_MOM = "宝妈"
TAG_STUDENT = "学生"
TAG_OFFICE = "白领"
TAG_KOC = "KOC"
HIGH_VALUE_SPENT = Decimal("1500")
DORMANT_DAYS = 120
NEW_DAYS = 30
