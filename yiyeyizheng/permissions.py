"""一业一证 enterprise actions and who may do them (ADR 0015, ``elicense.permissions``)."""

from elicense.permissions import add_enterprise_rule, is_bureau_staff
from portal.models import Role
from portal.permissions import has_administrator_role, has_role, is_superuser
from yiyeyizheng.models.applications import SIGNING_MATTER

#: Administrators (or a superuser) maintain the catalogue.
is_catalogue_admin = is_superuser | has_administrator_role

#: The window's queue (一口受理) and the departments' review pages (并联审批): by role alone
#: (their querysets scope by district and department).
is_window_desk = has_role(Role.WINDOW_CLERK)
is_review_desk = has_role(Role.DEPARTMENT_REVIEWER)

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
