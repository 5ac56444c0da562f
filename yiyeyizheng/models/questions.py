"""The questions the rules can ask (一次告知), with their Chinese wording and allowed values.

Rules name these keys; the questionnaire, the public API and the rule validator all read
this one registry, so a question exists in exactly one place.
"""

from dataclasses import dataclass

#: The 16 Shanghai districts (GB/T 2260), as in fixtures/districts.json.
DISTRICTS: dict[str, str] = {
    "310101": "黄浦区",
    "310104": "徐汇区",
    "310105": "长宁区",
    "310106": "静安区",
    "310107": "普陀区",
    "310109": "虹口区",
    "310110": "杨浦区",
    "310112": "闵行区",
    "310113": "宝山区",
    "310114": "嘉定区",
    "310115": "浦东新区",
    "310116": "金山区",
    "310117": "松江区",
    "310118": "青浦区",
    "310120": "奉贤区",
    "310151": "崇明区",
}

#: 场所类型: the values of the ``venue`` answer.
VENUES: dict[str, str] = {
    "dance_hall": "歌舞厅",
    "arcade": "游艺厅（室）",
    "exhibition_hall": "展览馆",
    "art_museum": "美术馆",
    "other": "其他场所",
}

#: 锅炉情况: the values of the ``boiler`` answer.
BOILERS: dict[str, str] = {
    "none": "无锅炉",
    "high_pollution": "燃煤、燃油或使用其他高污染燃料的锅炉",
    "gas_20t_plus": "单台容量 20 吨/小时以上的天然气锅炉",
    "gas_small": "单台容量 20 吨/小时以下（不含 20 吨）的天然气锅炉",
}

#: Venue features a ``venue_feature`` rule may name: pool and sauna are yes/no answers of
#: their own, the others are values of the ``venue`` answer.
FEATURES: dict[str, str] = {
    "swimming_pool": "含游泳池（游泳场馆）",
    "sauna": "含桑拿",
    "dance_hall": "歌舞厅",
    "arcade": "游艺厅（室）",
    "exhibition_hall": "展览馆",
    "art_museum": "美术馆",
}

FEATURE_QUESTION = {"swimming_pool": "has_pool", "sauna": "has_sauna"}


@dataclass(frozen=True)
class Activity:
    """An activity question behind the 按需办理 items of one permit."""

    key: str
    question: str
    permit: str


#: One activity per distinct 按需办理 permit across the catalogue (第二版), keyed in English.
ACTIVITY_LIST = [
    Activity("sells_food", "是否销售食品或提供餐饮服务？", "食品经营许可"),
    Activity("sells_tobacco", "是否销售烟草制品？", "烟草专卖零售许可"),
    Activity("sells_drugs", "是否零售药品？", "药品零售企业经营许可"),
    Activity("sells_medical_devices_class2", "是否经营第二类医疗器械？", "第二类医疗器械经营备案"),
    Activity("sells_medical_devices_class3", "是否经营第三类医疗器械？", "第三类医疗器械经营许可"),
    Activity(
        "online_drug_info",
        "是否通过互联网提供药品、医疗器械信息服务？",
        "药品、医疗器械互联网信息服务审批",
    ),
    Activity(
        "sells_publications", "是否零售出版物（图书、报刊、音像制品等）？", "出版物零售业务经营许可"
    ),
    Activity("online_publication", "是否通过互联网发行出版物？", "出版物网上发行备案"),
    Activity("discharges_sewage", "是否向城镇排水管网排放污水？", "城镇污水排入排水管网许可"),
    Activity("public_hygiene", "是否经营须卫生许可的公共场所（如住宿客房）？", "公共场所卫生许可"),
    Activity("provides_lodging", "是否提供住宿（过夜休息）服务？", "旅馆业特种行业许可"),
    Activity("entertainment", "是否设有歌舞、游艺等娱乐场所？", "娱乐场所经营活动审批"),
    Activity(
        "high_risk_sports", "是否经营游泳、攀岩等高危险性体育项目？", "高危险性体育项目经营许可"
    ),
    Activity(
        "special_equipment",
        "是否使用电梯、锅炉、大型游乐设施等特种设备？",
        "特种设备使用登记",
    ),
    Activity("video_on_demand", "是否向客房提供视频点播服务？", "广播电视视频点播业务审批"),
    Activity("satellite_tv", "是否设置卫星电视接收设施？", "设置卫星电视广播地面接收设施审批"),
    Activity("car_washing", "是否从事机动车清洗？", "机动车清洗企业备案"),
    Activity(
        "uses_radiation",
        "是否使用放射源或射线装置（如 X 光机）？",
        "辐射安全许可",
    ),
    Activity(
        "radiology_services",
        "是否开展放射诊疗（如口腔 X 光检查）？",
        "放射源诊疗技术和医用辐射机构许可",
    ),
    Activity("medical_services", "是否内设医疗机构（医务室、护理站等）？", "医疗机构执业备案"),
    Activity(
        "environmental_impact",
        "是否有须做环境影响评价的建设项目？",
        "一般建设项目环境影响评价审批",
    ),
    Activity(
        "animal_pathogen_lab",
        "是否设立一、二级动物病原微生物实验室？",
        "一、二级动物病原微生物实验室备案",
    ),
    Activity(
        "pathogen_lab",
        "是否设立一、二级病原微生物实验室（人间传染）？",
        "一、二级病原微生物实验室备案",
    ),
    Activity("lab_animals", "是否生产或使用实验动物？", "实验动物生产、使用许可"),
    Activity("hr_services", "是否从事职业中介等人力资源服务？", "人力资源服务许可"),
    Activity("labour_dispatch", "是否经营劳务派遣？", "劳务派遣经营许可"),
]

ACTIVITIES: dict[str, Activity] = {activity.key: activity for activity in ACTIVITY_LIST}
ACTIVITY_BY_PERMIT: dict[str, str] = {activity.permit: activity.key for activity in ACTIVITY_LIST}


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire: ``type`` is decimal, bool or choice."""

    key: str
    label: str
    type: str
    choices: tuple[tuple[str, str], ...] = ()
    help_text: str = ""


FIXED_QUESTIONS: dict[str, Question] = {
    "area_m2": Question(
        "area_m2", "经营面积（平方米）", "decimal", help_text="按实际经营面积填写，可有小数。"
    ),
    "has_pool": Question("has_pool", "是否含游泳池（游泳场馆）？", "bool"),
    "has_sauna": Question("has_sauna", "是否含桑拿？", "bool"),
    "venue": Question("venue", "场所类型", "choice", tuple(VENUES.items())),
    "boiler": Question("boiler", "是否配套建设锅炉？", "choice", tuple(BOILERS.items())),
    "district": Question(
        "district", "经营场所所在区", "choice", tuple(DISTRICTS.items()), "按行政区划代码。"
    ),
}

#: The order questions are asked in.
QUESTION_ORDER = ["area_m2", "venue", "has_pool", "has_sauna", "boiler", "district"]


def question(key: str) -> Question:
    """The question behind an answer key (fixed or activity)."""
    if key in FIXED_QUESTIONS:
        return FIXED_QUESTIONS[key]
    activity = ACTIVITIES[key]
    return Question(key, activity.question, "bool", help_text=f"关系到：{activity.permit}")


def answer_label(key: str, value) -> str:
    """How an answer reads in a reason: 经营面积 300 平方米, 是否销售烟草制品：是 …"""
    if key == "area_m2":
        return f"经营面积 {format(value.normalize(), 'f')} 平方米"
    if key == "district":
        return f"所在区：{DISTRICTS.get(value, value)}"
    if key == "venue":
        return f"场所类型：{VENUES.get(value, value)}"
    if key == "boiler":
        return f"锅炉：{BOILERS.get(value, value)}"
    return f"{question(key).label.rstrip('？')}：{'是' if value else '否'}"


def answer_rows(answers: dict[str, str]) -> list[tuple[str, str]]:
    """Stored answers (strings, as a questionnaire link carries them) as (question, answer)
    in Chinese, in question order."""
    keys = [*QUESTION_ORDER, *(activity.key for activity in ACTIVITY_LIST)]
    rows = []
    for key in keys:
        value = answers.get(key)
        if value in (None, ""):
            continue
        q = question(key)
        if q.type == "decimal":
            shown = f"{value} 平方米"
        elif q.type == "bool":
            shown = {"true": "是", "false": "否"}.get(value, value)
        else:
            shown = dict(q.choices).get(value, value)
        rows.append((q.label, shown))
    return rows
