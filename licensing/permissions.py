"""The register's enterprise actions and who may do them (ADR 0015, ``elicense.permissions``)."""

import rules

from elicense.permissions import ANY_MATTER, add_enterprise_rule, is_bureau_staff
from portal.permissions import add_rule, is_window_clerk, of_district

#: A window clerk of ``district`` (a District or its code): writes to its register.
is_clerk_of_district: rules.Predicate = is_window_clerk & of_district

#: The home panel's 设立登记 button: window clerks (the page itself asks for a district).
add_rule("licensing.register_entity", is_window_clerk)

#: 食品经营者进货查验: checking suppliers' licences is a duty of the food business itself.
FOOD_MATTER = "电子政务/市场监管/食品经营许可"
#: 网络餐饮平台对入网商户的资质审查: what platforms use bulk checks for.
PLATFORM_REVIEW_MATTER = "电子商务/网络餐饮/资质审查"

add_enterprise_rule(
    "licensing.view_entity",
    label="查看本企业的登记信息和证照",
    matters=ANY_MATTER,
    also=is_bureau_staff,  # staff read through MarketEntity.objects.visible_to
)
add_enterprise_rule(
    "licensing.manage_suppliers", label="查看和维护供货者清单", matters=(FOOD_MATTER,)
)
add_enterprise_rule(
    "licensing.run_bulk_check",
    label="上传和查看批量资质审查",
    matters=(FOOD_MATTER, PLATFORM_REVIEW_MATTER),
)
