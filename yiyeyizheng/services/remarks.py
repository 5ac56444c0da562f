"""Turning a catalogue remark (备注) into a rule and a kind.

The catalogue writes its conditions in a handful of stock phrasings (按需办理, 属于行政备案事项,
经营面积 N 平方米以上的须办理, 含游泳场(馆)的须办理, 歌舞厅须办理, boilers, districts where a
licence becomes a filing), sometimes several numbered (1. … 2. …) or comma-separated in one
cell. Each clause becomes a rule; several conditions combine with ``any`` (each one alone makes
the item required). A clause we cannot read makes the whole rule ``manual``, and the importer
reports it for an administrator to set by hand.
"""

import re
from dataclasses import dataclass

from yiyeyizheng.models.questions import ACTIVITY_BY_PERMIT, DISTRICTS
from yiyeyizheng.models.rule_schema import ALWAYS, MANUAL

FILING_CLAUSE = "属于行政备案事项"

VENUE_WORDS = {
    "歌舞厅": "dance_hall",
    "游艺厅": "arcade",
    "游艺室": "arcade",
    "游艺厅(室)": "arcade",
    "展览馆": "exhibition_hall",
    "美术馆": "art_museum",
}

DISTRICT_WORDS = {name: code for code, name in DISTRICTS.items()} | {
    name.removesuffix("区").removesuffix("新"): code for code, name in DISTRICTS.items()
}

AREA = re.compile(r"^经营面积\s*(\d+(?:\.\d+)?)\s*平方米以上的?均?须办理$")
POOL = re.compile(r"^(?:含有?|有|设有)游泳(?:池|场|馆|场\(馆\))的?均?须办理$")
SAUNA = re.compile(r"^(?:含有?|有|设有)桑拿的?均?须办理$")
VENUE = re.compile(r"^(.+?)的?均?须办理$")
BOILER = re.compile(
    r"^配套建设燃煤、燃油、使用其他高污染燃料的锅炉,以及单台容量\s*20\s*吨/小时以上天然气锅炉的须办理$"
)
DISTRICT_FILING = re.compile(r"^(.+?)取消许可,?改为备案$")
NUMBERED = re.compile(r"(?:^|\s)\d+\.\s*")


@dataclass(frozen=True)
class ParsedRemark:
    kind: str
    rule: dict
    parsed: bool


def normalise(remark: str) -> str:
    """Half-width brackets and commas, single spaces: the forms the patterns expect."""
    text = remark.replace("（", "(").replace("）", ")").replace("，", ",").replace("、 ", "、")
    return re.sub(r"\s+", " ", text).strip()


def _clauses(text: str) -> list[str]:
    if NUMBERED.match(text):
        return [part.strip() for part in NUMBERED.split(text) if part.strip()]
    return [text]


def _condition(clause: str, permit: str) -> dict | None:
    if clause == "按需办理":
        activity = ACTIVITY_BY_PERMIT.get(permit)
        return {"type": "as_needed", "activity": activity} if activity else None
    if match := AREA.match(clause):
        m2 = match.group(1)
        return {"type": "area_at_least", "m2": int(m2) if m2.isdigit() else float(m2)}
    if POOL.match(clause):
        return {"type": "venue_feature", "features": ["swimming_pool"]}
    if SAUNA.match(clause):
        return {"type": "venue_feature", "features": ["sauna"]}
    if BOILER.match(clause):
        return {"type": "boiler", "boilers": ["high_pollution", "gas_20t_plus"]}
    if match := VENUE.match(clause):
        words = match.group(1).split("、")
        if all(word in VENUE_WORDS for word in words):
            features = list(dict.fromkeys(VENUE_WORDS[word] for word in words))
            return {"type": "venue_feature", "features": features}
    return None


def _districts(clause: str) -> list[str] | None:
    match = DISTRICT_FILING.match(clause)
    if not match:
        return None
    words = match.group(1).split("、")
    if not all(word in DISTRICT_WORDS for word in words):
        return None
    return [DISTRICT_WORDS[word] for word in words]


def _split_commas(clause: str, permit: str) -> list[dict] | None:
    parts = [part.strip() for part in clause.split(",") if part.strip()]
    if len(parts) < 2:
        return None
    conditions = [_condition(part, permit) for part in parts]
    return None if None in conditions else conditions


def parse_remark(remark: str, permit: str) -> ParsedRemark:
    """The rule and kind a remark says, for the given permit (its name picks the activity)."""
    text = normalise(remark)
    kind, conditions, districts = "licence", [], None
    for clause in _clauses(text) if text else []:
        if clause == FILING_CLAUSE:
            kind = "filing"
        elif (condition := _condition(clause, permit)) is not None:
            conditions.append(condition)
        elif (codes := _districts(clause)) is not None and districts is None:
            districts = codes
        elif (several := _split_commas(clause, permit)) is not None:
            conditions.extend(several)
        else:
            return ParsedRemark(kind=kind, rule=dict(MANUAL), parsed=False)
    if not conditions:
        rule = dict(ALWAYS)
    elif len(conditions) == 1:
        rule = conditions[0]
    else:
        rule = {"type": "any", "rules": conditions}
    if districts:
        rule = {"type": "filing_in_districts", "districts": districts, "rule": rule}
    return ParsedRemark(kind=kind, rule=rule, parsed=True)
