"""一业一证 enterprise actions and who may do them (ADR 0015, ``elicense.permissions``)."""

from elicense.permissions import add_enterprise_rule, is_bureau_staff
from yiyeyizheng.models.applications import SIGNING_MATTER

add_enterprise_rule(
    "yiyeyizheng.apply",
    label="办理“一业一证”申请（新办、填写、上传材料、签名提交、撤回、补正、变更、注销、补办）",
    matters=(SIGNING_MATTER,),
)
add_enterprise_rule(
    "yiyeyizheng.view_application",
    label="查看本企业的“一业一证”申请和许可证",
    matters=(SIGNING_MATTER,),
    also=is_bureau_staff,  # clerks and reviewers read through Application.objects.visible_to
)
