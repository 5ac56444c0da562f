from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from portal import outbox, services
from portal.forms import add_service_errors
from portal.models import AuditEvent, CalendarDay, Department, District, OutboxMessage, User
from portal.services.calendar import CALENDAR_YEARS
from portal.workdays import format_calendar_year


class AuditedAdminMixin:
    """Route admin saves and deletes through the audited portal services."""

    def save_model(self, request, obj, form, change):
        services.save_from_admin(
            acting_user=request.user,
            obj=obj,
            created=not change,
            changed_fields=form.changed_data if form else (),
        )

    def delete_model(self, request, obj):
        services.delete_from_admin(acting_user=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_from_admin(acting_user=request.user, obj=obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through services (the register, certificates, logs)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "district", "department", "entity_uscc"]
    list_select_related = ["district", "department"]  # nullable: not followed by default
    list_filter = ["role", "district", "department", "is_active"]
    search_fields = ["username", "full_name", "entity_uscc"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "角色与归属",
            {
                "fields": (
                    "role",
                    "full_name",
                    "phone",
                    "district",
                    "department",
                    "entity_uscc",
                    "enterprise_capacity",
                )
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            "角色与归属",
            {
                "fields": (
                    "role",
                    "full_name",
                    "district",
                    "department",
                    "entity_uscc",
                    "enterprise_capacity",
                )
            },
        ),
    )


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "sort_order"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "sort_order"]
    list_filter = ["level"]
    search_fields = ["name", "short_name"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail is written by the services and never edited."""

    list_display = [
        "created_at",
        "actor_label",
        "action",
        "action_label",
        "object_type",
        "object_repr",
        "client_address",
    ]
    list_filter = ["action", "object_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "object_repr", "object_id", "action"]
    date_hierarchy = "created_at"


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(
        label="年份",
        min_value=CALENDAR_YEARS.start,
        max_value=CALENDAR_YEARS.stop - 1,
    )
    text = forms.CharField(
        label="节假日安排",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 60}),
        help_text=(
            "每行一条：“2026-10-01..2026-10-07 国庆节”（连续放假）、“2026-10-01 国庆节”（单日）、"
            "“2026-10-10 调休上班”（周六或周日上班）。空行和以 # 开头的注释行忽略。"
            "保存后该年原有的全部记录被替换；留空则清除该年。"
        ),
    )


WEEKDAYS = "一二三四五六日"


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    """Read-only rows; a year is replaced as a whole through 按年导入节假日安排
    (``portal.services.set_calendar_year``, audited)."""

    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    change_list_template = "admin/portal/calendarday/change_list.html"

    @admin.display(description="星期")
    def weekday(self, day):
        return f"星期{WEEKDAYS[day.date.weekday()]}"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="portal_calendarday_import"), *super().get_urls()]

    def import_view(self, request):
        if not request.user.has_perms(["portal.add_calendarday", "portal.delete_calendarday"]):
            raise PermissionDenied
        if request.method == "POST":
            form = CalendarYearForm(request.POST)
            if form.is_valid():
                try:
                    n = services.set_calendar_year(acting_user=request.user, **form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    self.message_user(
                        request,
                        f"已导入 {n['year']} 年节假日安排：法定节假日 {n['holidays']} 天，"
                        f"调休上班日 {n['workdays']} 天（替换原有 {n['replaced']} 条）。",
                        messages.SUCCESS,
                    )
                    return redirect("admin:portal_calendarday_changelist")
        else:
            asked, next_year = request.GET.get("year", ""), timezone.localdate().year + 1
            year = int(asked) if asked.isascii() and asked.isdecimal() else next_year
            if year not in CALENDAR_YEARS:
                year = next_year
            form = CalendarYearForm(initial={"year": year, "text": format_calendar_year(year)})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "按年导入节假日安排",
            "form": form,
        }
        return TemplateResponse(request, "admin/portal/calendarday/import.html", context)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """The outbox, for an operator: what is pending, why it failed; 重新派发 for the given-up."""

    list_display = ["pk", "task_name", "args", "created_at", "dispatched_at", "done_at",
                    "attempts", "last_error"]  # fmt: skip
    list_filter = ["task_name", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name", "last_error"]
    actions = ["requeue"]

    @admin.action(description="重新派发所选任务（清零派发次数）", permissions=["view"])
    def requeue(self, request, queryset):
        pending = queryset.filter(done_at__isnull=True)
        for message in pending:
            outbox.requeue(acting_user=request.user, message=message)
        self.message_user(request, f"已重新派发 {len(pending)} 项。")


# The admin speaks as the bureau's back office (issue 16): its own title, every section in
# Chinese. django-axes ships no Chinese: its section name is set here and its strings come
# from locale/zh_Hans (LOCALE_PATHS), so no model or migration of axes changes.
admin.site.site_header = "上海市市场监督管理局 管理后台"
admin.site.site_title = "上海市市场监督管理局 管理后台"
admin.site.index_title = "管理首页"
apps.get_app_config("axes").verbose_name = "登录保护（失败锁定）"
apps.get_app_config("oauth2_provider").verbose_name = "应用系统登录（OAuth/OpenID Connect）"

#: Chinese names of third-party models whose names come from their class names (not
#: translatable): shown in the admin's lists only, so no model or migration of theirs changes.
THIRD_PARTY_MODEL_NAMES = {
    ("oauth2_provider", "application"): "接入应用",
    ("oauth2_provider", "accesstoken"): "访问令牌",
    ("oauth2_provider", "refreshtoken"): "刷新令牌",
    ("oauth2_provider", "grant"): "授权码",
    ("oauth2_provider", "idtoken"): "身份令牌",
    ("oauth2_provider", "devicegrant"): "设备授权",
}
_get_app_list = admin.site.get_app_list


def _chinese_app_list(request, app_label=None):
    app_list = _get_app_list(request, app_label)
    for app in app_list:
        for model in app["models"]:
            key = (app["app_label"], model["object_name"].lower())
            model["name"] = THIRD_PARTY_MODEL_NAMES.get(key, model["name"])
    return app_list


admin.site.get_app_list = _chinese_app_list
