"""Expected decisions for every format, written by hand from the catalogue (第二版), as data.

Each item lists its decision under four answer sets, in this order:

- NOTHING: nothing answered;
- NO: 299.9 m², every yes/no answered no, venue other, no boiler, 徐汇区;
- AT_300: exactly 300 m², every yes/no answered no, venue other, a small gas boiler, 徐汇区;
- YES: 1000 m², every yes/no answered yes, an exhibition hall, a coal boiler, 浦东新区.
"""

from decimal import Decimal

import pytest

from yiyeyizheng.models import BusinessFormat
from yiyeyizheng.models.questions import ACTIVITIES
from yiyeyizheng.queries.decisions import Answers, decide, questions_for

#: The catalogue is imported once for the module (read-only decisions, no transactional test).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]

R, O, N = "required", "optional", "not_required"  # noqa: E741 - columns of the table


def _all(value: bool) -> dict:
    return dict.fromkeys(ACTIVITIES, value)


NOTHING = Answers()
NO = Answers(
    area_m2=Decimal("299.9"), district="310104", has_pool=False, has_sauna=False,
    venue="other", boiler="none", activities=_all(False),
)  # fmt: skip
AT_300 = Answers(
    area_m2=Decimal("300"), district="310104", has_pool=False, has_sauna=False,
    venue="other", boiler="gas_small", activities=_all(False),
)  # fmt: skip
YES = Answers(
    area_m2=Decimal("1000"), district="310115", has_pool=True, has_sauna=True,
    venue="exhibition_hall", boiler="high_pollution", activities=_all(True),
)  # fmt: skip
GRID = (NOTHING, NO, AT_300, YES)

# The remark column, read by hand, as decisions under (NOTHING, NO, AT_300, YES):
NO_REMARK = (R, R, R, R)  # blank remark, or 属于行政备案事项 alone
AS_NEEDED = (O, N, N, R)  # 按需办理
AREA_300 = (O, N, R, R)  # 经营面积 300 平方米以上的须办理
AREA_1000 = (O, N, N, R)  # 经营面积 1000 平方米以上的须办理
BOILER = (O, N, N, R)  # 燃煤、燃油、高污染燃料锅炉或 20 吨/小时以上天然气锅炉的须办理
EXHIBITION = (O, N, N, R)  # 展览馆、美术馆须办理
POOL = (O, N, N, R)  # 含游泳场(馆)的须办理
DANCE_HALL = (O, N, N, N)  # 歌舞厅须办理 (YES is an exhibition hall)
ARCADE = (O, N, N, N)  # 游艺厅(室)须办理
AREA_300_OR_SAUNA = (O, N, R, R)  # 经营面积 300 平方米以上的须办理,含有桑拿的均须办理

FOOD, TOBACCO, DRUGS = "食品经营许可", "烟草专卖零售许可", "药品零售企业经营许可"
DEVICES_2, DEVICES_3 = "第二类医疗器械经营备案", "第三类医疗器械经营许可"
HYGIENE, FIRE = "公共场所卫生许可", "公众聚集场所投入使用、营业前消防安全检查"
SEWAGE, EIA = "城镇污水排入排水管网许可", "一般建设项目环境影响评价审批"
PUBLICATIONS, ONLINE_PUBLICATIONS = "出版物零售业务经营许可", "出版物网上发行备案"
ONLINE_DRUG_INFO = "药品、医疗器械互联网信息服务审批"
ENTERTAINMENT, HIGH_RISK_SPORTS = "娱乐场所经营活动审批", "高危险性体育项目经营许可"
SPECIAL_EQUIPMENT, HOTEL = "特种设备使用登记", "旅馆业特种行业许可"
RADIATION, RADIOLOGY = "辐射安全许可", "放射源诊疗技术和医用辐射机构许可"
CAR_WASH, MEDICAL_REGISTRATION = "机动车清洗企业备案", "医疗机构执业登记"

EXPECTED = {
    1: {FOOD: AS_NEEDED, DEVICES_2: AS_NEEDED, DRUGS: AS_NEEDED, TOBACCO: AS_NEEDED,
        HYGIENE: AREA_1000, FIRE: AREA_300},
    2: {FOOD: AS_NEEDED, TOBACCO: AS_NEEDED, DRUGS: AS_NEEDED, DEVICES_2: AS_NEEDED},
    3: {DRUGS: NO_REMARK, DEVICES_3: AS_NEEDED, DEVICES_2: AS_NEEDED, FOOD: AS_NEEDED,
        FIRE: AREA_300},
    4: {FOOD: AS_NEEDED, DEVICES_2: AS_NEEDED, FIRE: AREA_300},
    5: {PUBLICATIONS: NO_REMARK, ONLINE_PUBLICATIONS: AS_NEEDED, FOOD: AS_NEEDED,
        HYGIENE: AREA_1000, FIRE: AREA_300},
    6: {"艺术品经营备案": NO_REMARK, HYGIENE: EXHIBITION, FIRE: AREA_300},
    7: {HYGIENE: AREA_1000, FIRE: NO_REMARK},
    8: {FOOD: AS_NEEDED, DRUGS: AS_NEEDED, DEVICES_3: AS_NEEDED, DEVICES_2: AS_NEEDED,
        ONLINE_DRUG_INFO: AS_NEEDED, PUBLICATIONS: AS_NEEDED, ONLINE_PUBLICATIONS: AS_NEEDED},
    9: {FOOD: NO_REMARK, TOBACCO: AS_NEEDED, FIRE: AREA_300},
    10: {FOOD: NO_REMARK, SEWAGE: AS_NEEDED, TOBACCO: AS_NEEDED, FIRE: AREA_300, EIA: BOILER},
    11: {FOOD: NO_REMARK, TOBACCO: AS_NEEDED},
    12: {FOOD: NO_REMARK, TOBACCO: AS_NEEDED, FIRE: AREA_300},
    13: {FOOD: NO_REMARK, TOBACCO: AS_NEEDED, FIRE: AREA_300},
    14: {FOOD: NO_REMARK, SEWAGE: AS_NEEDED},
    15: {FOOD: NO_REMARK, TOBACCO: AS_NEEDED, FIRE: AREA_300},
    16: {HOTEL: NO_REMARK, HYGIENE: NO_REMARK, FIRE: AREA_300, FOOD: AS_NEEDED,
         SEWAGE: AS_NEEDED, TOBACCO: AS_NEEDED, ENTERTAINMENT: AS_NEEDED,
         HIGH_RISK_SPORTS: AS_NEEDED, SPECIAL_EQUIPMENT: AS_NEEDED,
         "广播电视视频点播业务审批": AS_NEEDED, "设置卫星电视广播地面接收设施审批": AS_NEEDED,
         EIA: BOILER},
    17: {HYGIENE: AS_NEEDED, FOOD: AS_NEEDED, TOBACCO: AS_NEEDED, SEWAGE: AS_NEEDED},
    18: {HYGIENE: NO_REMARK, FIRE: AREA_300},
    19: {HYGIENE: NO_REMARK, HOTEL: AS_NEEDED, SPECIAL_EQUIPMENT: AS_NEEDED, FOOD: AS_NEEDED,
         TOBACCO: AS_NEEDED, ENTERTAINMENT: AS_NEEDED, FIRE: AREA_300_OR_SAUNA, EIA: BOILER},
    20: {"动物诊疗许可": NO_REMARK, RADIATION: AS_NEEDED, SEWAGE: AS_NEEDED},
    21: {"机动车维修经营备案": NO_REMARK, CAR_WASH: AS_NEEDED, SEWAGE: AS_NEEDED},
    22: {CAR_WASH: NO_REMARK, SEWAGE: AS_NEEDED},
    23: {"电影放映单位设立审批": NO_REMARK, HYGIENE: NO_REMARK, FOOD: AS_NEEDED,
         FIRE: AREA_300},
    24: {HIGH_RISK_SPORTS: AS_NEEDED, HYGIENE: POOL, FIRE: AREA_300},
    25: {HIGH_RISK_SPORTS: NO_REMARK, HYGIENE: NO_REMARK, FIRE: AREA_300},
    26: {ENTERTAINMENT: NO_REMARK, HIGH_RISK_SPORTS: AS_NEEDED, SPECIAL_EQUIPMENT: AS_NEEDED,
         FOOD: AS_NEEDED, FIRE: AREA_300},
    27: {ENTERTAINMENT: NO_REMARK, HYGIENE: DANCE_HALL, FOOD: AS_NEEDED, FIRE: NO_REMARK},
    28: {ENTERTAINMENT: NO_REMARK, HYGIENE: ARCADE, FOOD: AS_NEEDED, FIRE: NO_REMARK},
    29: {"互联网上网服务经营活动审批": NO_REMARK, "互联网上网服务营业场所信息安全审核": NO_REMARK,
         FIRE: NO_REMARK, FOOD: AS_NEEDED},
    30: {"剧本娱乐经营场所及剧本备案": NO_REMARK, FIRE: AREA_300},
    31: {MEDICAL_REGISTRATION: NO_REMARK, ONLINE_DRUG_INFO: AS_NEEDED},
    32: {"中医诊所备案": NO_REMARK, SEWAGE: AS_NEEDED},
    33: {"诊所备案": NO_REMARK, RADIOLOGY: AS_NEEDED, RADIATION: AS_NEEDED, SEWAGE: AS_NEEDED},
    34: {MEDICAL_REGISTRATION: NO_REMARK, RADIOLOGY: AS_NEEDED, RADIATION: AS_NEEDED,
         SEWAGE: AS_NEEDED},
    35: {"养老机构备案": NO_REMARK, FOOD: AS_NEEDED, "医疗机构执业备案": AS_NEEDED,
         SEWAGE: AS_NEEDED},
    36: {"化妆品生产许可": NO_REMARK, EIA: AS_NEEDED},
    37: {"消毒产品生产单位审批": NO_REMARK, EIA: AS_NEEDED},
    38: {"一、二级动物病原微生物实验室备案": AS_NEEDED, "一、二级病原微生物实验室备案": AS_NEEDED,
         "实验动物生产、使用许可": AS_NEEDED, EIA: AS_NEEDED},
    39: {"人力资源服务许可": AS_NEEDED, "劳务派遣经营许可": AS_NEEDED},
}  # fmt: skip

#: Items the catalogue marks 属于行政备案事项 (everything else is a licence).
FILINGS = {
    DEVICES_2, ONLINE_PUBLICATIONS, "艺术品经营备案", "机动车维修经营备案", CAR_WASH,
    "剧本娱乐经营场所及剧本备案", "中医诊所备案", "诊所备案", "养老机构备案",
    "一、二级动物病原微生物实验室备案", "一、二级病原微生物实验室备案",
}  # fmt: skip


@pytest.fixture
def formats(catalogue):
    return {f.seq: f for f in BusinessFormat.objects.of(catalogue).with_items()}


def _decisions(business_format, answers):
    return {d.item.permit.name: d for d in decide(business_format, answers)}


def test_the_expected_table_covers_all_39_formats_and_145_rows():
    assert sorted(EXPECTED) == list(range(1, 40))
    assert sum(len(items) for items in EXPECTED.values()) == 145


@pytest.mark.parametrize("seq", range(1, 40))
def test_every_format_decides_as_the_catalogue_says(formats, seq):
    got = {
        name: tuple(_decisions(formats[seq], answers)[name].decision for answers in GRID)
        for name in _decisions(formats[seq], NOTHING)
    }
    assert got == EXPECTED[seq]


@pytest.mark.parametrize("seq", range(1, 40))
def test_every_item_is_a_licence_or_a_filing_as_marked(formats, seq):
    kinds = {name: d.kind for name, d in _decisions(formats[seq], NO).items()}
    assert kinds == {name: "filing" if name in FILINGS else "licence" for name in EXPECTED[seq]}


def test_300_square_metres_exactly_is_300_or_more(formats):
    supermarket = formats[1]
    for area, fire, hygiene in [("299.9", N, N), ("300", R, N), ("999.99", R, N), ("1000", R, R)]:
        got = _decisions(supermarket, Answers(area_m2=Decimal(area)))
        assert (got[FIRE].decision, got[HYGIENE].decision) == (fire, hygiene), area
    reason = _decisions(supermarket, Answers(area_m2=Decimal("300")))[FIRE].reason
    assert reason == "经营面积 300 平方米 → 经营面积 300 平方米以上须办理（已达到） → 须办理"


def test_a_sauna_needs_the_fire_check_below_300_square_metres(formats):
    bath = formats[19]
    cases = [
        (Answers(area_m2=Decimal("120"), has_sauna=True), R),
        (Answers(area_m2=Decimal("120"), has_sauna=False), N),
        (Answers(area_m2=Decimal("120")), O),
        (Answers(area_m2=Decimal("300")), R),
    ]
    for answers, expected in cases:
        assert _decisions(bath, answers)[FIRE].decision == expected, answers
    reason = _decisions(bath, cases[0][0])[FIRE].reason
    assert reason == "是否含桑拿：是 → 含桑拿须办理 → 须办理"
    assert "未回答“是否含桑拿？”" in _decisions(bath, cases[2][0])[FIRE].reason


def test_a_gym_with_a_swimming_pool_needs_the_hygiene_licence(formats):
    gym = formats[24]
    assert _decisions(gym, Answers(has_pool=True))[HYGIENE].decision == R
    assert _decisions(gym, Answers(has_pool=False))[HYGIENE].decision == N
    assert _decisions(gym, Answers())[HYGIENE].decision == O


def test_a_gallery_in_pudong_files_the_hygiene_permit_and_in_xuhui_applies_for_it(formats):
    gallery = formats[6]
    pudong = _decisions(gallery, Answers(venue="exhibition_hall", district="310115"))[HYGIENE]
    assert (pudong.decision, pudong.kind) == (R, "filing")
    assert pudong.reason.endswith("所在区：浦东新区 → 浦东新区、奉贤区取消许可，改为备案 → 备案")
    fengxian = _decisions(gallery, Answers(venue="art_museum", district="310120"))[HYGIENE]
    assert (fengxian.decision, fengxian.kind) == (R, "filing")
    xuhui = _decisions(gallery, Answers(venue="exhibition_hall", district="310104"))[HYGIENE]
    assert (xuhui.decision, xuhui.kind) == (R, "licence")
    assert "所在区：徐汇区" in xuhui.reason and "本区仍为许可" in xuhui.reason
    plain_gallery = _decisions(gallery, Answers(venue="other", district="310115"))[HYGIENE]
    assert (plain_gallery.decision, plain_gallery.kind) == (N, "filing")
    no_district = _decisions(gallery, Answers(venue="exhibition_hall"))[HYGIENE]
    assert (no_district.decision, no_district.kind) == (R, "licence")
    assert "未回答“经营场所所在区”" in no_district.reason


def test_boilers_decide_the_environmental_impact_assessment(formats):
    restaurant = formats[10]
    cases = {"high_pollution": R, "gas_20t_plus": R, "gas_small": N, "none": N, None: O}
    for boiler, expected in cases.items():
        assert _decisions(restaurant, Answers(boiler=boiler))[EIA].decision == expected, boiler


def test_dance_halls_and_arcades(formats):
    assert _decisions(formats[27], Answers(venue="dance_hall"))[HYGIENE].decision == R
    assert _decisions(formats[27], Answers(venue="arcade"))[HYGIENE].decision == N
    assert _decisions(formats[28], Answers(venue="arcade"))[HYGIENE].decision == R
    assert _decisions(formats[28], Answers(venue="dance_hall"))[HYGIENE].decision == N


def test_as_needed_unanswered_yes_and_no(formats):
    supermarket = formats[1]
    unanswered = _decisions(supermarket, Answers())[FOOD]
    assert unanswered.decision == O
    assert unanswered.reason == "未回答“是否销售食品或提供餐饮服务？” → 按需办理 → 可选（按需）"
    yes = _decisions(supermarket, Answers(activities={"sells_food": True}))[FOOD]
    assert (yes.decision, yes.reason) == (R, "是否销售食品或提供餐饮服务：是 → 按需办理 → 须办理")
    no = _decisions(supermarket, Answers(activities={"sells_food": False}))[FOOD]
    assert no.decision == N
    assert _decisions(supermarket, Answers(activities={"sells_food": True}))[TOBACCO].decision == O


def test_only_the_questions_a_format_needs(formats):
    def keys(seq):
        return [q.key for q in questions_for(formats[seq])]

    assert keys(7) == ["area_m2"]
    assert keys(25) == ["area_m2"]
    assert keys(6) == ["area_m2", "venue", "district"]
    assert keys(29) == ["sells_food"]
    assert keys(19) == [
        "area_m2", "has_sauna", "boiler", "provides_lodging", "special_equipment",
        "sells_food", "sells_tobacco", "entertainment",
    ]  # fmt: skip
    venue = next(q for q in questions_for(formats[6]) if q.key == "venue")
    assert [value for value, _ in venue.choices] == ["exhibition_hall", "art_museum", "other"]
