"""Catalogue administration: versions, and formats with their items while a version is a draft.

Every change goes through ``yiyeyizheng.services`` (audited). A published or retired version
is shown read-only: to change the catalogue, copy the published version into a new draft
(复制为新草稿), edit it, compare it with the published one (与已发布版本比较) and publish it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from portal.models import Department
from yiyeyizheng import services
from yiyeyizheng.forms.catalogue import RuleField
from yiyeyizheng.models import BusinessFormat, CatalogueVersion, FormatItem, VersionStatus
from yiyeyizheng.queries.catalogue import compare_versions


def _errors(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = [
        "edition",
        "status",
        "format_count",
        "published_at",
        "published_by",
        "created_at",
    ]
    list_filter = ["status"]
    actions = ["copy_as_draft", "publish"]
    fields = [
        "edition", "status", "source", "based_on", "published_at", "published_by", "retired_at",
        "created_at", "tools", "formats_table",
    ]  # fmt: skip
    readonly_fields = fields
    change_form_template = "admin/yiyeyizheng/catalogueversion/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_formats=Count("formats"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == VersionStatus.DRAFT

    @admin.display(description="经营业态数", ordering="n_formats")
    def format_count(self, version):
        return version.n_formats

    @admin.display(description="操作")
    def tools(self, version):
        links = [
            (
                "与已发布版本比较",
                reverse("admin:yiyeyizheng_catalogueversion_compare", args=[version.pk]),
            )
        ]
        return format_html_join(
            " · ", '<a href="{}">{}</a>', ((url, label) for label, url in links)
        )

    @admin.display(description="经营业态")
    def formats_table(self, version):
        rows = version.formats.select_related("lead_department").annotate(n=Count("items"))
        return format_html(
            '<table><thead><tr><th>序号</th><th>行业分类</th><th>经营业态</th><th>牵头部门</th>'
            "<th>事项数</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                '<tr><td>{}</td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
                (
                    (
                        f.seq, f.category,
                        reverse("admin:yiyeyizheng_businessformat_change", args=[f.pk]),
                        f.name, f.lead_department.short_name, f.n,
                    )
                    for f in rows
                ),
            ),
        )  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view
        name = "yiyeyizheng_catalogueversion_"
        return [
            path("<int:pk>/compare/", view(self.compare_view), name=name + "compare"),
            path("<int:pk>/copy/", view(self.copy_view), name=name + "copy"),
            path("<int:pk>/publish/", view(self.publish_view), name=name + "publish"),
            *super().get_urls(),
        ]

    def _run(self, request, version, action, done) -> bool:
        try:
            result = action(version)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, f"{version.edition}：{_errors(error)}", messages.ERROR)
            return False
        self.message_user(request, done(result), messages.SUCCESS)
        return True

    def _copy(self, request, version):
        return self._run(
            request, version,
            lambda v: services.copy_version(acting_user=request.user, version=v),
            lambda draft: f"已复制为新草稿“{draft.edition}”，编辑后可比较并发布。",
        )  # fmt: skip

    def _publish(self, request, version):
        return self._run(
            request, version,
            lambda v: services.publish_version(acting_user=request.user, version=v),
            lambda v: f"已发布{v.edition}；此前发布的版本已停用。",
        )  # fmt: skip

    @admin.action(description="复制为新草稿")
    def copy_as_draft(self, request, queryset):
        for version in queryset:
            self._copy(request, version)

    @admin.action(description="发布（停用此前发布的版本）…")
    def publish(self, request, queryset):
        """One version at a time, through its confirmation page."""
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个要发布的草稿。", messages.ERROR)
            return None
        return redirect("admin:yiyeyizheng_catalogueversion_publish", queryset.get().pk)

    def get_actions(self, request):
        """No bulk delete: only a draft can be discarded, from its own page."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _post_only(self, request, pk, run):
        if request.method != "POST":
            return redirect("admin:yiyeyizheng_catalogueversion_change", pk)
        if not self.has_view_permission(request):
            raise PermissionDenied
        run(request, get_object_or_404(CatalogueVersion, pk=pk))
        return redirect("admin:yiyeyizheng_catalogueversion_changelist")

    def copy_view(self, request, pk):
        return self._post_only(request, pk, self._copy)

    def publish_view(self, request, pk):
        """发布, after a confirmation page: what changes against the published version, and
        that the published version is retired (a new version, not an undo, corrects it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(CatalogueVersion, pk=pk)
        if request.method == "POST" and request.POST.get("confirmed") == "1":
            return self._post_only(request, pk, self._publish)
        if version.status != VersionStatus.DRAFT:
            self.message_user(request, f"{version.edition}：只有草稿可以发布。", messages.ERROR)
            return redirect("admin:yiyeyizheng_catalogueversion_change", pk)
        published = CatalogueVersion.current()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"确认发布 {version.edition}",
            "version": version,
            "base": published,
            "comparison": compare_versions(published, version) if published else None,
        }
        return TemplateResponse(
            request, "admin/yiyeyizheng/catalogueversion/publish_confirm.html", context
        )

    def compare_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(CatalogueVersion, pk=pk)
        published = CatalogueVersion.current()
        base = published if published and published.pk != version.pk else version.based_on
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{version.edition} 与已发布版本比较",
            "version": version,
            "base": base,
            "comparison": compare_versions(base, version) if base else None,
        }
        return TemplateResponse(request, "admin/yiyeyizheng/catalogueversion/compare.html", context)

    def delete_model(self, request, obj):
        services.discard_draft(acting_user=request.user, version=obj)

    def delete_queryset(self, request, queryset):
        for version in queryset:
            services.discard_draft(acting_user=request.user, version=version)


class FormatItemForm(forms.ModelForm):
    permit_name = forms.CharField(label="事项名称", max_length=80)
    rule = RuleField(label="办理规则")

    class Meta:
        model = FormatItem
        fields = ["position", "permit_name", "departments", "kind", "rule", "remark"]
        widgets = {"remark": forms.Textarea(attrs={"rows": 2, "cols": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "departments" in self.fields:
            self.fields["departments"].queryset = Department.objects.all()
        if self.instance.pk and "permit_name" in self.fields:
            self.fields["permit_name"].initial = self.instance.permit.name

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "permit_name": data["permit_name"],
            "position": data["position"],
            "kind": data["kind"],
            "rule": data["rule"],
            "remark": data.get("remark", ""),
            "departments": list(data["departments"]),
        }


class FormatItemFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            f for f in self.forms
            if f.cleaned_data and not self._should_delete_form(f)
        ]  # fmt: skip
        for key, label in (("permit_name", "事项名称"), ("position", "顺序")):
            values = [f.cleaned_data.get(key) for f in kept]
            repeated = {v for v in values if values.count(v) > 1}
            if repeated:
                raise ValidationError(f"{label}“{sorted(map(str, repeated))[0]}”重复。")

    def validate_unique(self):
        """Uniqueness is checked in ``clean`` on what the services will write."""


class FormatItemInline(admin.TabularInline):
    model = FormatItem
    form = FormatItemForm
    formset = FormatItemFormSet
    extra = 0
    ordering = ["position"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("permit").prefetch_related("departments")
        )

    def _editable(self, obj):
        return obj is not None and obj.version.status == VersionStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        if self._editable(obj):
            return ["position", "permit_name", "departments", "kind", "rule", "remark"]
        return ["position", "permit", "department_names", "kind", "rule", "remark"]

    def get_readonly_fields(self, request, obj=None):
        if self._editable(obj):
            return []
        return ["position", "permit", "department_names", "kind", "rule", "remark"]

    @admin.display(description="审批部门")
    def department_names(self, item):
        return "、".join(d.short_name for d in item.departments.all())


@admin.register(BusinessFormat)
class BusinessFormatAdmin(admin.ModelAdmin):
    list_display = ["seq", "name", "category", "lead_department", "version"]
    list_filter = ["version", "category"]
    list_select_related = ["lead_department", "version"]
    search_fields = ["name", "category"]
    fields = ["version", "seq", "category", "name", "lead_department"]
    inlines = [FormatItemInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.version.status == VersionStatus.DRAFT:
            return ["version", "seq"]
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.version.status != VersionStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        if values:
            services.update_format(acting_user=request.user, business_format=obj, **values)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self._save_items(request, form.instance, formset)

    def _save_items(self, request, business_format, formset):
        """Each inline row through its service; the lists feed the admin's change message."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for item_form in formset.forms:
            instance = item_form.instance
            if formset._should_delete_form(item_form):
                if instance.pk:
                    services.remove_format_item(acting_user=request.user, item=instance)
                    formset.deleted_objects.append(instance)
            elif instance.pk and item_form.has_changed():
                item = services.update_format_item(
                    acting_user=request.user, item=instance, **item_form.values()
                )
                formset.changed_objects.append((item, item_form.changed_data))
            elif not instance.pk and item_form.has_changed():
                item = services.add_format_item(
                    acting_user=request.user, business_format=business_format, **item_form.values()
                )
                formset.new_objects.append(item)
