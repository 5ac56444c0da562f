import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from elicense.forms.oidc import OidcClientForm
from elicense.models import (
    Certificate,
    Matter,
    OidcClient,
    RelyingParty,
    SigningKey,
    Verification,
)
from elicense.services import oidc, relying_parties
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
    actions = [
        "accept", "sign_guidance", "sign_operations", "reject", "rotate_key", "suspend",
        "require_sm2", "allow_without_sm2",
    ]  # fmt: skip
    readonly_fields = [
        "status", "accepted_by", "accepted_at", "acceptance_opinion", "guidance_signed_by",
        "guidance_signed_at", "decided_at", "decided_by",
        "api_key_prefix", "api_key_issued_at", "usage", "require_sm2",
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

    @admin.action(description="受理")
    def accept(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.accept_access_application(acting_user=request.user, party=p),
            lambda p, r: f"{p} 已受理，待业务指导部门签字。",
        )  # fmt: skip

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

    @admin.action(description="要求国密（SM2）签名：该单位只接受带SM2签名的证照")
    def require_sm2(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.require_sm2_signatures(
                acting_user=request.user, party=p, required=True
            ),
            lambda p, r: f"{p} 已要求国密（SM2）签名。",
        )  # fmt: skip

    @admin.action(description="不再要求国密签名")
    def allow_without_sm2(self, request, queryset):
        self._each(
            request, queryset,
            lambda p: relying_parties.require_sm2_signatures(
                acting_user=request.user, party=p, required=False
            ),
            lambda p, r: f"{p} 不再要求国密签名。",
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        if not change:
            services_admin.save_from_admin(acting_user=request.user, obj=obj, created=True)
            return
        relying_parties.save_party_from_admin(
            acting_user=request.user, party=obj, changed_fields=form.changed_data
        )


@admin.register(OidcClient)
class OidcClientAdmin(admin.ModelAdmin):
    """用户登录 (OpenID Connect, ADR 0025) beside the party's API key: opening shows the
    client secret once; rotation and withdrawal are actions. Saved through the services."""

    list_display = ["relying_party", "client_id", "matter", "id_token_algorithm", "revoked_at"]
    list_select_related = ["relying_party", "application", "matter"]
    actions = ["rotate_secret", "withdraw"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = OidcClientForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        """A client changes only through its actions (rotate, withdraw): all read-only."""
        if obj is None:
            return []
        return [
            "relying_party", "application", "matter", "id_token_algorithm",
            "secret_issued_at", "revoked_at", "revoke_reason",
        ]  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw instead: sign-ins and consents keep their client

    @admin.display(description="client_id")
    def client_id(self, client):
        return client.application.client_id

    def save_model(self, request, obj, form, change):
        if change:
            return
        client, secret = oidc.create_oidc_client(
            acting_user=request.user,
            party=form.cleaned_data["relying_party"],
            redirect_uris=form.cleaned_data["redirect_uris"],
            post_logout_redirect_uris=form.cleaned_data["post_logout_redirect_uris"],
            matter=form.cleaned_data["matter"],
            algorithm=form.cleaned_data["id_token_algorithm"],
        )
        # the admin logs and redirects with ``obj``: make it the row the service saved
        obj.pk, obj.application, obj.secret_issued_at = (
            client.pk,
            client.application,
            client.secret_issued_at,
        )
        obj._state.adding = False
        self.message_user(
            request,
            f"已开通用户登录。client_id：{client.application.client_id}；"
            f"client_secret（仅显示一次，请立即交付）：{secret}",
            messages.SUCCESS,
        )

    @admin.action(description="轮换客户端密钥（旧密钥立即失效）")
    def rotate_secret(self, request, queryset):
        for client in queryset:
            try:
                client, secret = oidc.rotate_oidc_client_secret(
                    acting_user=request.user, client=client
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"{client} 新密钥（仅显示一次）：{secret}", messages.SUCCESS
                )

    @admin.action(description="停用登录客户端（其刷新令牌立即失效）")
    def withdraw(self, request, queryset):
        for client in queryset:
            try:
                oidc.revoke_oidc_client(
                    acting_user=request.user, client=client, reason="管理员停用"
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"{client} 已停用。", messages.SUCCESS)


@admin.register(Matter)
class MatterAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The matter tree that authorisations and relying parties choose scopes from."""

    list_display = ["path", "name", "parent", "sort_order"]
    list_select_related = ["parent"]  # nullable: not followed by default
    search_fields = ["path", "name"]


from elicense.admin import changes  # noqa: E402, F401 - the change feed's admin pages
