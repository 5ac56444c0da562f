"""The signing summary: the data an application's electronic signature covers, in Chinese.

Built from the very dict that is signed (``services.applications.signing_data``), not from the
application row, so the page shows exactly what the signature will cover.
"""

from django.template.defaultfilters import filesizeformat

from yiyeyizheng.models import ApplicationKind, AttachmentPurpose
from yiyeyizheng.models.applications import FORM_FIELDS
from yiyeyizheng.models.questions import answer_rows

KIND_LABELS = {"licence": "许可", "filing": "备案"}


def signing_rows(data: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(label, value)]) for every part of the signed data."""
    entity = data["entity"]
    application = [
        ("申请编号", data["application"]),
        ("申请类型", ApplicationKind(data["kind"]).label),
        ("目录版本", data["catalogue_version"]),
        ("经营业态", f"{data['format'][0]}. {data['format'][1]}"),
    ]
    if data["licence"]:
        application.append(("所涉许可证", data["licence"]))
    if data["reason"]:
        application.append(("申请事由", data["reason"]))
    if data.get("assisted_by"):
        application.append(
            ("帮办代办", f"窗口工作人员{data['assisted_by']}代为填写，申请人确认签署")
        )
    return [
        ("申请", application),
        (
            "市场主体（登记信息）",
            [
                ("主体名称", entity["name"]),
                ("统一社会信用代码", entity["uscc"]),
                ("类型", entity["entity_type"]),
                ("法定代表人（负责人）", entity["legal_person_name"]),
                ("住所", entity["address"]),
                ("食品经营许可证", entity["food_licence_number"] or "无"),
            ],
        ),
        ("经营情况", answer_rows(data["answers"])),
        ("申请表", [(FORM_FIELDS.get(k, k), v or "—") for k, v in data["form"].items()]),
        (
            "申请办理的事项",
            [
                (item["permit"], KIND_LABELS.get(item["kind"], item["kind"]))
                for item in data["items"]
            ],
        ),
        (
            "申请材料",
            [
                (
                    AttachmentPurpose(a["purpose"]).label,
                    f"{a['name']}（{filesizeformat(a['size'])}）",
                )
                for a in data["attachments"]
            ],
        ),
    ]
