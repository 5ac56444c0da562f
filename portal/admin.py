from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from portal import services
from portal.models import AuditEvent, Department, District, User


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
