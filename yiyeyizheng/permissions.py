"""一业一证 enterprise actions and who may do them (ADR 0015, ``elicense.permissions``)."""

import rules

from elicense.permissions import add_enterprise_rule, is_bureau_staff, is_city_wide
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

# --- issue 20: the service promises (好差评, 帮办代办) -------------------------------------
add_enterprise_rule(
    "yiyeyizheng.rate_service",
    label="评价“一业一证”服务（好差评）",
    matters=(SIGNING_MATTER,),
)
add_enterprise_rule(
    "yiyeyizheng.request_assistance",
    label="申请“一业一证”帮办代办",
    matters=(SIGNING_MATTER,),
)


@rules.predicate
def is_window_clerk(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role == Role.WINDOW_CLERK
        and user.district_id
    )  # fmt: skip


@rules.predicate
def is_department_reviewer(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role == Role.DEPARTMENT_REVIEWER
        and user.department_id
    )  # fmt: skip


#: The window fills an application on an applicant's behalf (帮办代办).
rules.add_perm("yiyeyizheng.assist", is_window_clerk)
#: The window, the departments and the city see their ratings (好差评).
rules.add_perm("yiyeyizheng.view_ratings", is_window_clerk | is_department_reviewer | is_city_wide)
