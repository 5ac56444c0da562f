import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from elicense.models import Certificate, Matter, RelyingParty, SigningKey, Verification
from elicense.services import relying_parties
from portal import services as services_admin
from portal.admin import AuditedAdminMixin, ReadOnlyAdmin


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "holder_name", "status", "issued_at", "key_id"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "holder_uscc", "holder_name", "public_id"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "status", "created_at", "retired_at"]
    exclude = ["encrypted_private_key"]


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "result", "holder_uscc", "verifier_label"]
    list_filter = ["channel", "result", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["holder_uscc", "verifier_label"]
    date_hierarchy = "created_at"


@admin.register(RelyingParty)
class RelyingPartyAdmin(admin.ModelAdmin):
    """Review applications; approval shows the API key once. Usage is read here too."""

    list_display = [
        "org_name", "system_name", "status", "peak_qps", "yearly_volume_10k", "calls_today",
        "api_key_prefix", "applied_at",
    ]  # fmt: skip
    list_filter = ["status", "org_nature", "verification_range"]
    search_fields = ["org_name", "system_name", "uscc"]
    actions = ["sign_guidance", "sign_operations", "reject", "rotate_key", "suspend"]
    readonly_fields = [
        "status", "guidance_signed_by", "guidance_signed_at", "decided_at", "decided_by",
        "api_key_prefix", "api_key_issued_at", "usage",
    ]  # fmt: skip
    exclude = ["api_key_hash"]

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                calls_today_count=Count(
                    "verifications", filter=Q(verifications__created_at__date=today)
                )
            )
        )

    @admin.display(description="今日调用", ordering="calls_today_count")
    def calls_today(self, party):
        return party.calls_today_count

    @admin.display(description="调用统计")
    def usage(self, party):
        if not party.pk:
            return "—"
        since = timezone.now() - datetime.timedelta(days=30)
        logs = party.verifications.filter(created_at__gte=since)
        per_day = logs.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id"))
        by_result = logs.values("result").annotate(n=Count("id")).order_by("-n")
        daily_budget = party.yearly_volume_10k * 10_000 / 365
        lines = [
            f"约定年验证量 {party.yearly_volume_10k.normalize():f} 万次/年"
            f"（日均 {daily_budget:.0f} 次）"
        ]
        lines += [f"{row['day']}: {row['n']} 次" for row in per_day.order_by("-day")[:30]]
        lines += [f"结果 {row['result']}: {row['n']} 次" for row in by_result]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    def _each(self, request, queryset, action, done):
        for party in queryset:
            try:
                result = action(party)
            except ValidationError as error:
                self.message_user(request, f"{party}：{' '.join(error.messages)}", messages.ERROR)
            except PermissionDenied as error:
                self.message_user(request, f"{party}：{error}", messages.ERROR)
            else:
                self.message_user(request, done(party, result), messages.SUCCESS)

    @admin.action(description="业务指导部门签字")
    def sign_guidance(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.sign_off_guidance(acting_user=request.user, party=p),
            lambda p, r: f"{p} 业务指导部门已签字，待系统运维部门签字。",
        )  # fmt: skip

    @admin.action(description="系统运维部门签字：批准接入并签发密钥（密钥仅显示一次）")
    def sign_operations(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.sign_off_operations(acting_user=request.user, party=p),
            lambda p, r: f"{p} 已批准。接口密钥（仅显示一次，请立即交付）：{r[1]}",
        )  # fmt: skip

    @admin.action(description="驳回（理由：不符合接入条件）")
    def reject(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.reject_relying_party(
                acting_user=request.user, party=p, reason="不符合接入条件"
            ),
            lambda p, r: f"{p} 已驳回。",
        )  # fmt: skip

    @admin.action(description="更换密钥（旧密钥立即失效）")
    def rotate_key(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.rotate_api_key(acting_user=request.user, party=p),
            lambda p, r: f"{p} 新密钥（仅显示一次）：{r[1]}",
        )  # fmt: skip

    @admin.action(description="停用并吊销密钥")
    def suspend(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.revoke_api_key(
                acting_user=request.user, party=p, reason="管理员停用"
            ),
            lambda p, r: f"{p} 已停用。",
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        services_admin.save_from_admin(
            acting_user=request.user, obj=obj, created=not change, changed_fields=form.changed_data
        )


@admin.register(Matter)
class MatterAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The matter tree that authorisations and relying parties choose scopes from."""

    list_display = ["path", "name", "parent", "sort_order"]
    list_select_related = ["parent"]  # nullable: not followed by default
    search_fields = ["path", "name"]


from elicense.admin import changes  # noqa: E402, F401 - the change feed's admin pages
