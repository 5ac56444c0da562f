"""Deterministic, realistic demo entities for ``seed_demo`` and the benchmarks."""

import datetime
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

from licensing.models import EntityType, FoodBusinessItem, FoodSubjectType
from portal.identifiers import make_uscc

DISTRICT_SLUGS = {
    "310101": "huangpu",
    "310104": "xuhui",
    "310105": "changning",
    "310106": "jingan",
    "310107": "putuo",
    "310109": "hongkou",
    "310110": "yangpu",
    "310112": "minhang",
    "310113": "baoshan",
    "310114": "jiading",
    "310115": "pudong",
    "310116": "jinshan",
    "310117": "songjiang",
    "310118": "qingpu",
    "310120": "fengxian",
    "310151": "chongming",
}
DISTRICT_NAMES = {
    "310101": "黄浦", "310104": "徐汇", "310105": "长宁", "310106": "静安",
    "310107": "普陀", "310109": "虹口", "310110": "杨浦", "310112": "闵行",
    "310113": "宝山", "310114": "嘉定", "310115": "浦东新", "310116": "金山",
    "310117": "松江", "310118": "青浦", "310120": "奉贤", "310151": "崇明",
}  # fmt: skip
ROADS = {
    "310101": ["南京东路", "淮海中路", "西藏南路", "复兴东路"],
    "310104": ["漕溪北路", "天钥桥路", "衡山路", "虹桥路"],
    "310105": ["天山路", "延安西路", "长宁路", "仙霞路"],
    "310106": ["南京西路", "延安中路", "共和新路", "大统路"],
    "310107": ["长寿路", "曹杨路", "真北路", "武宁路"],
    "310109": ["四川北路", "东大名路", "曲阳路", "大连西路"],
    "310110": ["控江路", "五角场淞沪路", "长阳路", "国定路"],
    "310112": ["莘庄路", "七莘路", "虹井路", "都市路"],
    "310113": ["友谊路", "牡丹江路", "共富路", "泰和路"],
    "310114": ["城中路", "博乐路", "曹安公路", "嘉戬公路"],
    "310115": ["张杨路", "世纪大道", "浦东南路", "川沙路"],
    "310116": ["石化一路", "卫零路", "朱泾镇万安街", "亭林镇亭枫公路"],
    "310117": ["人民北路", "中山中路", "新松江路", "九亭大街"],
    "310118": ["城中北路", "公园路", "华新镇华志路", "朱家角镇漕平路"],
    "310120": ["南桥路", "解放中路", "南奉公路", "环城东路"],
    "310151": ["八一路", "城桥镇西门路", "长兴镇潘园公路", "陈家镇揽海路"],
}
TRADE_FIRST = "鼎万佳锦福悦同汇春浦海金嘉瑞新和申味绿永明久宏星云东欣荣盛泰"
TRADE_SECOND = "丰和禾江满来心源润纳乐祥记康德隆图辰帆方昌达兴华美圆旺顺益"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许"
    "邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭"
)
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
         "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东",
         "海燕", "国平", "文博"]  # fmt: skip
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: The first Xuhui entity: always a restaurant (餐饮管理) with an active food licence, so
#: ``seed_demo`` can bind ``ent_legal`` and ``ent_agent`` to it with any ``--entities`` ≥ 2.
RESTAURANT_INDEX = list(DISTRICT_SLUGS).index("310104")

# (weight, business line, entity type, food subject type or None, scope, food items)
PROFILES = [
    (30, "餐饮管理", EntityType.LLC_NATURAL, FoodSubjectType.CATERING,
     "餐饮服务；餐饮管理；食品销售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
     [FoodBusinessItem.HOT_FOOD, FoodBusinessItem.COLD_FOOD, FoodBusinessItem.DRINKS]),
    (20, "小吃店", EntityType.INDIVIDUAL_BUSINESS, FoodSubjectType.CATERING,
     "餐饮服务；食品销售。", [FoodBusinessItem.HOT_FOOD]),
    (15, "食品", EntityType.LLC_SOLE_NATURAL, FoodSubjectType.SALES,
     "食品销售；日用百货销售；互联网销售（除销售需要许可的商品）。",
     [FoodBusinessItem.PREPACKAGED, FoodBusinessItem.BULK]),
    (5, "便利店", EntityType.INDIVIDUAL_BUSINESS, FoodSubjectType.SALES,
     "食品销售；烟草制品零售。", [FoodBusinessItem.PREPACKAGED]),
    (5, "后勤服务", EntityType.LLC_SOLE_CORPORATE, FoodSubjectType.CANTEEN,
     "单位后勤管理服务；餐饮服务（单位食堂）。", [FoodBusinessItem.HOT_FOOD]),
    (10, "信息科技", EntityType.LLC_NATURAL, None,
     "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发。", []),
    (5, "建筑工程", EntityType.JSC_UNLISTED, None, "建设工程施工；建筑材料销售。", []),
    (5, "文化传播", EntityType.LIMITED_PARTNERSHIP, None,
     "组织文化艺术交流活动；会议及展览服务。", []),
    (5, "商贸", EntityType.SOLE_PROPRIETORSHIP, None, "日用百货销售；五金产品零售。", []),
]  # fmt: skip


@dataclass(frozen=True)
class DemoEntity:
    uscc: str
    district_code: str
    registration: dict
    food: dict | None


def _person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _name(trade, district_code, line, entity_type) -> str:
    district = DISTRICT_NAMES[district_code]
    if entity_type == EntityType.INDIVIDUAL_BUSINESS:
        return f"上海市{district}区{trade}{line}"
    if entity_type == EntityType.LIMITED_PARTNERSHIP:
        return f"上海{trade}{line}合伙企业（有限合伙）"
    if entity_type == EntityType.SOLE_PROPRIETORSHIP:
        return f"上海{trade}{line}商行"
    if entity_type == EntityType.JSC_UNLISTED:
        return f"上海{trade}{line}股份有限公司"
    return f"上海{trade}{line}有限公司"


def _trade_names(rng):
    """Distinct trade names (字号) in a shuffled but fixed order, never running out."""
    names = [a + b for a in TRADE_FIRST for b in TRADE_SECOND if a != b]
    rng.shuffle(names)
    yield from names
    for round_ in itertools.count(2):
        yield from (f"{name}{round_}" for name in names)


def demo_entities(count: int, *, today: datetime.date | None = None):
    """Yield ``count`` demo entities, the same ones every time, across all 16 districts."""
    rng = random.Random(20221231)  # noqa: S311 - demo data, not security
    today = today or datetime.date.today()  # noqa: DTZ011 - a calendar date for demo data
    weights = [profile[0] for profile in PROFILES]
    codes = list(DISTRICT_SLUGS)
    trades = _trade_names(rng)
    for index in range(count):
        district_code = codes[index % len(codes)]
        _, line, entity_type, subject_type, scope, items = rng.choices(PROFILES, weights)[0]
        if index == RESTAURANT_INDEX:
            # The Xuhui restaurant of the enterprise demo accounts, however few are asked for.
            _, line, entity_type, subject_type, scope, items = PROFILES[0]
        category = entity_type.info.uscc_category
        body = "".join(
            rng.choice(ORG_ALPHABET[:10] if index % 3 else ORG_ALPHABET) for _ in range(8)
        )
        body = "MA" + body[2:] if index % 3 == 0 else body
        uscc = make_uscc(authority="9", category=category, division=district_code, org_body=body)
        established = today - datetime.timedelta(days=rng.randint(30, 365 * 15))
        capital = None
        if entity_type.info.capital_label:
            capital = Decimal(rng.choice([10, 50, 100, 200, 500, 1000, 3000]))
        road = rng.choice(ROADS[district_code])
        address = f"上海市{DISTRICT_NAMES[district_code]}区{road}{rng.randint(1, 2000)}号"
        if rng.random() < 0.4:
            address += f"{rng.randint(1, 12)}层{rng.randint(1, 30):02d}室"
        registration = {
            "uscc": uscc,
            "name": _name(next(trades), district_code, line, entity_type),
            "entity_type": entity_type,
            "legal_person_name": _person(rng),
            "registered_capital": capital,
            "established_on": established,
            "operating_period_to": (
                None if rng.random() < 0.6 else established.replace(year=established.year + 20)
            ),
            "address": address,
            "business_scope": scope,
        }
        food = None
        if subject_type is not None:
            # Spread validity; every 25th has expired and every 20th expires within weeks.
            age_days = rng.randint(0, 365 * 4)
            if index % 25 == 7:
                age_days = 365 * 5 + 30
            elif index % 20 == 3:
                age_days = 365 * 5 - 15
            food = {
                "subject_type": int(subject_type),
                "business_items": [str(item) for item in items],
                "premises_address": address,
                "valid_from": max(established, today - datetime.timedelta(days=age_days)),
            }
        yield DemoEntity(uscc, district_code, registration, food)
