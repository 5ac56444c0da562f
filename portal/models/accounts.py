"""Portal users and their roles (DESIGN.md §4)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models

from portal.identifiers import normalise_identifier
from portal.models.reference import Department


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "窗口人员"
    ENTERPRISE = "enterprise", "企业用户"
    DEPARTMENT_REVIEWER = "department_reviewer", "审批部门人员"
    DISTRICT_OFFICER = "district_officer", "区局人员"
    CITY_OFFICER = "city_officer", "市局人员"
    ADMINISTRATOR = "administrator", "系统管理员"


#: The binding each role needs: a district, a department, or a market entity (by USCC).
ROLE_BINDINGS = {
    Role.WINDOW_CLERK: {"district"},
    Role.ENTERPRISE: {"entity_uscc"},
    Role.DEPARTMENT_REVIEWER: {"department"},
    Role.DISTRICT_OFFICER: {"district"},
    Role.CITY_OFFICER: set(),
    Role.ADMINISTRATOR: set(),
}


class EnterpriseCapacity(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人（负责人）"
    AGENT = "agent", "经办人"


class User(AbstractUser):
    """A portal account with exactly one role and the binding that role needs.

    Enterprise users are bound to their market entity by USCC rather than by a foreign
    key, so that ``portal`` stays below ``licensing`` in the dependency order
    (ADR 0002); ``licensing`` resolves the entity.
    """

    role = models.CharField("角色", max_length=30, choices=Role.choices)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    district = models.ForeignKey(
        "portal.District",
        verbose_name="所属区",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.ForeignKey(
        "portal.Department",
        verbose_name="所属部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    entity_uscc = models.CharField(
        "所属主体统一社会信用代码", max_length=18, blank=True, db_index=True
    )
    enterprise_capacity = models.CharField(
        "企业身份", max_length=30, choices=EnterpriseCapacity.choices, blank=True
    )

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        from portal.permissions import is_department_reviewer, is_enterprise

        super().clean()
        self.entity_uscc = normalise_identifier(self.entity_uscc)
        if not self.role:
            return
        needed = set(ROLE_BINDINGS[Role(self.role)])
        if (
            is_department_reviewer(self)
            and self.department_id
            and self.department.level == Department.Level.DISTRICT
        ):
            needed.add("district")  # a district body reviews its own district's items only
        labels = {"district": "所属区", "department": "所属部门", "entity_uscc": "所属主体"}
        errors = {}
        for field, label in labels.items():
            value = getattr(self, field if field == "entity_uscc" else f"{field}_id")
            if field in needed and not value:
                errors[field] = f"{self.get_role_display()}必须指定{label}。"
            if field not in needed and value:
                errors[field] = f"{self.get_role_display()}不应指定{label}。"
        if is_department_reviewer(self) and "district" not in needed and self.district_id:
            errors["district"] = "只有区级审批部门的人员可以指定所属区。"
        if is_enterprise(self) and not self.enterprise_capacity:
            errors["enterprise_capacity"] = "企业用户必须指定企业身份。"
        if errors:
            raise ValidationError(errors)

    # The role questions are portal.permissions' predicates (ADR 0030); imported here, not
    # at the top, because that module builds its predicates from Role above.
    @property
    def is_window_clerk(self):
        from portal.permissions import is_window_clerk

        return is_window_clerk(self)

    @property
    def is_enterprise(self):
        from portal.permissions import is_enterprise

        return is_enterprise(self)

    @property
    def is_city_wide(self):
        """City officers and administrators read every district."""
        from portal.permissions import has_city_wide_role

        return has_city_wide_role(self)
