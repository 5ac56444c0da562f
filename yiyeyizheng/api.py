"""The public catalogue API: the published formats, and what one format requires (一次告知).

No API key: these answer the same questions as the public questionnaire page. The answers are
validated by the questionnaire's own form, so the page and the API accept the same values and
answer with the same Chinese messages; errors are ``{"code", "message"}`` naming the parameter.
"""

import json
from typing import Literal

from django.http import HttpResponse
from ninja import Router, Schema

from elicense.api import ApiError, ErrorOut
from yiyeyizheng.forms.questionnaire import AnswersForm
from yiyeyizheng.models import BusinessFormat
from yiyeyizheng.models.questions import ACTIVITIES, BOILERS, DISTRICTS, VENUES, question
from yiyeyizheng.queries.decisions import decide_item
from yiyeyizheng.queries.published import current_version, format_summary, formats_of

router = Router(tags=["一业一证行业目录"], auth=None)


class FormatOut(Schema):
    seq: int
    category: str
    name: str
    lead_department: str


class ItemOut(Schema):
    name: str
    department: str
    kind: Literal["licence", "filing"]
    decision: Literal["required", "optional", "not_required"]
    reason: str


class RequirementsOut(Schema):
    format: FormatOut
    edition: str
    items: list[ItemOut]


def _parameter(name: str, description: str, schema: dict) -> dict:
    return {
        "in": "query",
        "name": name,
        "required": False,
        "description": description,
        "schema": schema,
    }


def _boolean(name: str) -> dict:
    return _parameter(
        name, f"{question(name).label}（true / false；不填为未回答）", {"type": "boolean"}
    )


QUERY_PARAMETERS = [
    _parameter(
        "area_m2",
        "经营面积（平方米），大于 0；“N 平方米以上”含 N 本身。",
        {"type": "number", "exclusiveMinimum": 0},
    ),
    _parameter(
        "district",
        "经营场所所在区的行政区划代码（上海 16 个区之一，如 310115 浦东新区）。",
        {"type": "string", "enum": list(DISTRICTS)},
    ),
    _boolean("has_pool"),
    _boolean("has_sauna"),
    _parameter(
        "venue",
        "场所类型：" + "，".join(f"{k} {v}" for k, v in VENUES.items()) + "。",
        {"type": "string", "enum": list(VENUES)},
    ),
    _parameter(
        "boiler",
        "锅炉情况：" + "，".join(f"{k} {v}" for k, v in BOILERS.items()) + "。",
        {"type": "string", "enum": list(BOILERS)},
    ),
    *[_boolean(key) for key in ACTIVITIES],
]
PARAMETER_NAMES = {parameter["name"] for parameter in QUERY_PARAMETERS}


def _current():
    version = current_version()
    if version is None:
        raise ApiError(404, "not_found", "行业目录尚未发布。")
    return version


@router.get(
    "/formats",
    response={200: list[FormatOut], 404: ErrorOut},
    summary="已发布目录的经营业态",
    auth=None,
)
def formats(request):
    """The 经营业态 of the published catalogue, in 序号 order."""
    version = _current()
    return [format_summary(f) for f in BusinessFormat.objects.of(version)]


@router.get(
    "/formats/{seq}/requirements",
    response={200: RequirementsOut, 404: ErrorOut, 422: ErrorOut},
    summary="某经营业态须办理的许可和备案（一次告知）",
    auth=None,
    openapi_extra={"parameters": QUERY_PARAMETERS},
)
def requirements(request, seq: int):
    """Each item of the format: required / optional / not_required, licence or filing, and why.

    Unanswered questions leave the items that depend on them ``optional``, with a reason that
    names the missing answer. Unknown parameters and bad values answer 422. The answer is
    built directly as JSON (issue 15): its shape is ``RequirementsOut``'s, which documents
    it, and a test checks that answers validate to themselves through it.
    """
    unknown = sorted(set(request.GET) - PARAMETER_NAMES)
    if unknown:
        raise ApiError(422, "unknown_parameter", f"未知参数：{unknown[0]}。")
    form = AnswersForm(request.GET, widgets=False, given_only=True)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise ApiError(422, "invalid_parameter", f"参数 {name} 无效：{errors[0]}")
    version = _current()
    published = formats_of(version).get(seq)
    if published is None:
        raise ApiError(404, "not_found", f"目录{version.edition}中没有序号为 {seq} 的经营业态。")
    answers = form.answers()
    items = []
    for shown in published.items:
        decision = decide_item(shown.item, answers)
        items.append(
            {
                "name": shown.name,
                "department": shown.department,
                "kind": decision.kind,
                "decision": decision.decision,
                "reason": decision.reason,
            }
        )
    body = {"format": published.summary, "edition": version.edition, "items": items}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=utf-8",
    )
