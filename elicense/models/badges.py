"""Shop-page licence badges (证照公示) issued to a platform for one shop."""

import secrets

from django.db import models


def new_badge_id() -> str:
    return secrets.token_urlsafe(9)


class Badge(models.Model):
    """An embeddable badge bound to a platform (relying party) and the shop id it was for."""

    public_id = models.CharField("公开标识", max_length=16, unique=True, default=new_badge_id)
    holder_uscc = models.CharField("持证主体", max_length=18, db_index=True)
    relying_party = models.ForeignKey(
        "elicense.RelyingParty", verbose_name="平台", on_delete=models.PROTECT,
        related_name="badges",
    )  # fmt: skip
    shop_id = models.CharField("店铺标识", max_length=64)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)

    class Meta:
        verbose_name = "证照公示标识"
        verbose_name_plural = "证照公示标识"
        constraints = [
            models.UniqueConstraint(
                fields=["relying_party", "shop_id", "holder_uscc"], name="badge_once_per_shop"
            )
        ]

    def __str__(self):
        return f"{self.relying_party.org_name} {self.shop_id}"
