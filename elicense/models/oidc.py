"""Sign-in for connected systems (OpenID Connect, ADR 0025).

django-oauth-toolkit owns the protocol rows (``oauth2_provider.Application``, ``Grant``,
``AccessToken``, ``RefreshToken``, ``IDToken``); these models hold what only the portal
knows: which approved relying party a client belongs to and which matter it declares
(``OidcClient``), what an enterprise user agreed to share with it (``OidcConsent``), and
for whom each sign-in acted (``OidcSignIn``: the entity, the capacity, the authorisation).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from oauth2_provider.settings import oauth2_settings


class IdTokenAlgorithm(models.TextChoices):
    EDDSA = "EdDSA", "EdDSA（Ed25519，默认）"
    RS256 = "RS256", "RS256（RSA）"
    ES256 = "ES256", "ES256（P-256）"


class OidcClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class OidcClient(models.Model):
    """A relying party's sign-in client: one DOT application, the matter it declares."""

    relying_party = models.ForeignKey(
        "elicense.RelyingParty", verbose_name="应用接入单位", on_delete=models.PROTECT,
        related_name="oidc_clients",
    )  # fmt: skip
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, verbose_name="OAuth 客户端", on_delete=models.PROTECT,
        related_name="portal_client",
    )  # fmt: skip
    matter = models.ForeignKey(
        "elicense.Matter", verbose_name="办理事项", on_delete=models.PROTECT,
        help_text="经办人须持有覆盖该事项的有效授权才能登录。",
    )  # fmt: skip
    id_token_algorithm = models.CharField(
        "ID令牌签名算法", max_length=8, choices=IdTokenAlgorithm.choices,
        default=IdTokenAlgorithm.EDDSA,
    )  # fmt: skip
    created_at = models.DateTimeField("开通时间", auto_now_add=True)
    secret_issued_at = models.DateTimeField("密钥签发时间")
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    revoke_reason = models.CharField("停用原因", max_length=200, blank=True)

    objects = OidcClientQuerySet.as_manager()

    class Meta:
        verbose_name = "登录客户端"
        verbose_name_plural = "登录客户端"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.relying_party.system_name}（{self.application.client_id[:8]}…）"

    @property
    def system_name(self) -> str:
        return self.relying_party.system_name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OidcConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def visible_to(self, user):
        """An entity's consents: all of them to its legal representative, an agent its own,
        anyone else none."""
        from elicense.permissions import is_legal_representative
        from portal.permissions import is_enterprise_user

        if not is_enterprise_user(user):
            return self.none()
        mine = self.filter(entity_uscc=user.entity_uscc)
        return mine if is_legal_representative(user) else mine.filter(user=user)


class OidcConsent(models.Model):
    """What a user agreed a system may learn when acting for an entity; remembered until
    revoked (by the user, or by the entity's legal representative)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        OidcClient, verbose_name="应用系统", on_delete=models.PROTECT, related_name="consents"
    )
    entity_uscc = models.CharField("代表主体", max_length=18, db_index=True)
    scopes = models.CharField("同意提供的信息", max_length=200)
    granted_at = models.DateTimeField("同意时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤回人", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip

    objects = OidcConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "登录授权同意"
        verbose_name_plural = "登录授权同意"
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client", "entity_uscc"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_oidc_consent",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.client.system_name}"

    def covers(self, scopes) -> bool:
        return set(scopes) <= set(self.scopes.split())


class OidcSignIn(models.Model):
    """One sign-in at a connected system: the code issued, then the tokens it bought.

    ``token_family`` is DOT's refresh-token family, kept across rotation, so a refresh and
    the userinfo endpoint find the entity and authorisation the sign-in acted under.
    """

    client = models.ForeignKey(
        OidcClient, verbose_name="应用系统", on_delete=models.PROTECT, related_name="sign_ins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.PROTECT, related_name="+"
    )
    entity_uscc = models.CharField("代表主体", max_length=18, db_index=True)
    entity_name = models.CharField("主体名称", max_length=200, blank=True)
    capacity = models.CharField("身份", max_length=30)
    authorisation = models.ForeignKey(
        "elicense.Authorisation", verbose_name="所依授权", on_delete=models.PROTECT, null=True,
        blank=True, related_name="oidc_sign_ins",
    )  # fmt: skip
    code_hash = models.CharField("授权码摘要", max_length=64, unique=True)
    token_family = models.UUIDField("令牌族", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    token_issued_at = models.DateTimeField("登录时间", null=True, blank=True)
    client_address = models.GenericIPAddressField("地址", null=True, blank=True)

    class Meta:
        verbose_name = "应用系统登录"
        verbose_name_plural = "应用系统登录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} → {self.client.system_name} {self.created_at:%Y-%m-%d %H:%M}"
