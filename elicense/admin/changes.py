"""Administrators' view of the change feed: events, subscriptions, webhook endpoints and
every delivery attempt; re-enabling an endpoint and redelivering events by hand."""

from django.contrib import admin, messages

from elicense.models import (
    ChangeEvent,
    EndpointStatus,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from elicense.services import webhooks
from portal.admin import ReadOnlyAdmin


@admin.register(ChangeEvent)
class ChangeEventAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "event_type", "kind", "number", "uscc", "state", "occurred_at"]
    list_filter = ["event_type", "kind", "state"]
    search_fields = ["uscc", "number"]
    show_full_result_count = False  # the feed grows without bound: no COUNT(*) per page


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["party", "uscc", "subscribed_as", "created_at"]
    list_select_related = ["party"]
    search_fields = ["uscc", "party__org_name"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = [
        "url", "party", "status", "failures", "failing_since", "next_attempt_at", "created_at",
    ]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["party"]
    exclude = ["secret", "previous_secret"]
    actions = ["enable"]

    @admin.action(description="重新启用（补发停用期间的变更）")
    def enable(self, request, queryset):
        for endpoint in queryset.filter(status=EndpointStatus.DISABLED):
            webhooks.enable_endpoint(acting_user=request.user, endpoint=endpoint)
            self.message_user(request, f"{endpoint} 已重新启用。", messages.SUCCESS)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "latency_ms", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "endpoint", "previous_sequence", "created_at", "delivered_at"]
    list_select_related = ["event", "endpoint"]
    list_filter = [("delivered_at", admin.EmptyFieldListFilter)]
    search_fields = ["event__uscc", "event__number", "endpoint__url"]
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.action(description="重新推送所选事件")
    def redeliver(self, request, queryset):
        for delivery in queryset:
            webhooks.redeliver(acting_user=request.user, delivery=delivery)
        self.message_user(request, f"已安排重新推送 {queryset.count()} 个事件。", messages.SUCCESS)


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdmin):
    list_display = ["attempted_at", "delivery", "status_code", "latency_ms", "error"]
    list_select_related = ["delivery__event"]
    list_filter = ["status_code"]
    date_hierarchy = "attempted_at"
