"""The register's blocks on the role home pages."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from licensing.models import EntityStatus, FoodLicence, MarketEntity
from licensing.models.licences import current_food_licences_prefetch


@dataclass(frozen=True)
class RegisterPanel:
    """登记注册概况 within the user's scope."""

    active_entities: int
    active_food_licences: int
    expiring_food_licences: int
    recent_entities: QuerySet


@dataclass(frozen=True)
class EnterprisePanel:
    """The enterprise user's own entity; ``allowed`` false hides the panel."""

    allowed: bool
    entity: MarketEntity | None = None


def register_summary(request) -> RegisterPanel:
    """Counts within the user's scope: active entities, food licences, soon expiring."""
    user = request.user
    today = timezone.localdate()
    entities = MarketEntity.objects.visible_to(user)
    food = FoodLicence.objects.visible_to(user).current()
    return RegisterPanel(
        active_entities=entities.filter(status=EntityStatus.ACTIVE).count(),
        active_food_licences=food.in_force(today).count(),
        expiring_food_licences=food.expiring(today).count(),
        recent_entities=entities.select_related("district").order_by("-created_at", "-id")[:5],
    )


def enterprise_summary(request) -> EnterprisePanel:
    """The enterprise user's own entity with its current licences; hidden (``allowed``
    false) from an agent without ``licensing.view_entity``."""
    if not request.user.has_perm("licensing.view_entity"):
        return EnterprisePanel(allowed=False)
    entity = (
        MarketEntity.objects.visible_to(request.user)
        .prefetch_related(current_food_licences_prefetch())
        .first()
    )
    return EnterprisePanel(allowed=True, entity=entity)
