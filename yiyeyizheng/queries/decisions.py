"""The rules engine: which permits a business of a format needs, given its answers (一次告知).

Rules are data (``FormatItem.rule``, shape in ``yiyeyizheng.models.rule_schema``); this module only
reads them. Each rule evaluates to yes / no / unknown (an answer it needs is missing) together
with a trace that reads answer → rule, so every decision says why it was made.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from yiyeyizheng.models.questions import (
    ACTIVITIES,
    BOILERS,
    DISTRICTS,
    FEATURE_QUESTION,
    FEATURES,
    QUESTION_ORDER,
    VENUES,
    Question,
    answer_label,
    question,
)

if TYPE_CHECKING:
    from yiyeyizheng.models import FormatItem

REQUIRED, OPTIONAL, NOT_REQUIRED = "required", "optional", "not_required"
DECISION_LABELS = {REQUIRED: "须办理", OPTIONAL: "可选（按需）", NOT_REQUIRED: "无需办理"}
MANUAL_REASON = "规则待管理员设置"


@dataclass(frozen=True)
class Answers:
    """What the applicant told us; None means not answered."""

    area_m2: Decimal | None = None
    district: str | None = None
    has_pool: bool | None = None
    has_sauna: bool | None = None
    venue: str | None = None
    boiler: str | None = None
    activities: Mapping[str, bool] = field(default_factory=dict)

    def get(self, key: str):
        if key in ACTIVITIES:
            return self.activities.get(key)
        return getattr(self, key)


@dataclass(frozen=True)
class ItemDecision:
    """The decision on one catalogue item, with the kind it is handled as and why."""

    item: "FormatItem"
    decision: str
    kind: str
    reason: str

    @property
    def label(self) -> str:
        return DECISION_LABELS[self.decision]

    @property
    def kind_label(self) -> str:
        return "备案" if self.kind == "filing" else "许可"


def _missing(key: str) -> str:
    return f"未回答“{question(key).label}”"


def _area(m2) -> str:
    return format(Decimal(str(m2)).normalize(), "f")


def _feature_present(feature: str, answers: Answers) -> bool | None:
    if feature in FEATURE_QUESTION:
        return answers.get(FEATURE_QUESTION[feature])
    if answers.venue is None:
        return None
    return answers.venue == feature


def _feature_answer(feature: str, answers: Answers) -> str:
    key = FEATURE_QUESTION.get(feature, "venue")
    value = answers.get(key)
    return _missing(key) if value is None else answer_label(key, value)


def evaluate(rule: dict, answers: Answers) -> tuple[bool | None, list[str]]:
    """Evaluate one rule: (True / False / None when an answer is missing, trace steps)."""
    kind = rule["type"]
    if kind == "always":
        return True, ["目录规定该业态须办理"]
    if kind == "manual":
        return None, [MANUAL_REASON]
    if kind == "as_needed":
        key = rule["activity"]
        value = answers.activities.get(key)
        said = _missing(key) if value is None else answer_label(key, value)
        return value, [f"{said} → 按需办理"]
    if kind == "area_at_least":
        threshold = Decimal(str(rule["m2"]))
        text = f"经营面积 {_area(threshold)} 平方米以上须办理"
        if answers.area_m2 is None:
            return None, [f"{_missing('area_m2')} → {text}"]
        hit = answers.area_m2 >= threshold
        return hit, [
            f"{answer_label('area_m2', answers.area_m2)} → {text}（{'已' if hit else '未'}达到）"
        ]
    if kind == "venue_feature":
        features = rule["features"]
        text = f"{'、'.join(FEATURES[f] for f in features)}须办理"
        present = [_feature_present(f, answers) for f in features]
        value = True if any(present) else (None if None in present else False)
        said = "，".join(dict.fromkeys(_feature_answer(f, answers) for f in features))
        return value, [f"{said} → {text}"]
    if kind == "boiler":
        text = f"配套建设{'或'.join(BOILERS[b] for b in rule['boilers'])}须办理"
        if answers.boiler is None:
            return None, [f"{_missing('boiler')} → {text}"]
        return answers.boiler in rule["boilers"], [
            f"{answer_label('boiler', answers.boiler)} → {text}"
        ]
    if kind == "filing_in_districts":
        return evaluate(rule["rule"], answers)
    if kind in ("any", "all"):
        results = [evaluate(child, answers) for child in rule["rules"]]
        values = [value for value, _ in results]
        decisive = True if kind == "any" else False
        if decisive in values:
            value = decisive
        else:
            value = None if None in values else not decisive
        # The trace keeps only the conditions that settled it (any: the one met; all: the one
        # failed); otherwise every condition, since each matters.
        shown = [r for r in results if r[0] is decisive] if value is decisive else results
        return value, [step for _, child_steps in shown for step in child_steps]
    raise ValueError(f"unknown rule type {kind!r}")


def _kind(item, rule: dict, answers: Answers) -> tuple[str, str | None]:
    """The item's kind for these answers: a licence may become a filing in named districts."""
    if rule.get("type") != "filing_in_districts" or item.kind == "filing":
        return item.kind, None
    names = "、".join(DISTRICTS[code] for code in rule["districts"])
    text = f"{names}取消许可，改为备案"
    if answers.district is None:
        return item.kind, f"{_missing('district')} → {text}（按许可告知）"
    if answers.district in rule["districts"]:
        return "filing", f"{answer_label('district', answers.district)} → {text} → 备案"
    return item.kind, f"{answer_label('district', answers.district)} → {text}（本区仍为许可）"


def decide_item(item, answers: Answers) -> ItemDecision:
    rule = item.rule or {"type": "manual"}
    value, steps = evaluate(rule, answers)
    decision = {True: REQUIRED, False: NOT_REQUIRED, None: OPTIONAL}[value]
    kind, kind_step = _kind(item, rule, answers)
    if steps == [MANUAL_REASON]:
        reason = MANUAL_REASON
    else:
        reason = f"{'；'.join(steps)} → {DECISION_LABELS[decision]}"
    if kind_step and decision != NOT_REQUIRED:
        reason = f"{reason}；{kind_step}"
    return ItemDecision(item=item, decision=decision, kind=kind, reason=reason)


def decide(format, answers: Answers) -> list[ItemDecision]:
    """Decide every item of a format (prefetch ``items`` with permit and departments)."""
    return [decide_item(item, answers) for item in format.items.all()]


def rule_keys(rule: dict) -> Iterable[str]:
    """The answer keys a rule reads, in the order it reads them."""
    kind = rule.get("type")
    if kind == "as_needed":
        yield rule["activity"]
    elif kind == "area_at_least":
        yield "area_m2"
    elif kind == "venue_feature":
        for feature in rule["features"]:
            yield FEATURE_QUESTION.get(feature, "venue")
    elif kind == "boiler":
        yield "boiler"
    elif kind == "filing_in_districts":
        yield from rule_keys(rule["rule"])
        yield "district"
    elif kind in ("any", "all"):
        for child in rule["rules"]:
            yield from rule_keys(child)


def _venues(rule: dict) -> Iterable[str]:
    if rule.get("type") == "venue_feature":
        yield from (f for f in rule["features"] if f in VENUES)
    for child in rule.get("rules", []) + ([rule["rule"]] if "rule" in rule else []):
        yield from _venues(child)


def questions_for(format) -> list[Question]:
    """Only the questions this format's rules need: fixed ones first, then activities."""
    keys: dict[str, None] = {}
    venues: dict[str, None] = {}
    for item in format.items.all():
        keys.update(dict.fromkeys(rule_keys(item.rule or {})))
        venues.update(dict.fromkeys(_venues(item.rule or {})))
    fixed = [question(key) for key in QUESTION_ORDER if key in keys]
    if "venue" in keys:
        choices = tuple((v, VENUES[v]) for v in [*venues, "other"])
        fixed = [replace(q, choices=choices) if q.key == "venue" else q for q in fixed]
    return fixed + [question(key) for key in keys if key in ACTIVITIES]
