"""Shared guards of the register services."""

from django.core.exceptions import PermissionDenied, ValidationError

from licensing.models import MarketEntity, UsccAllowlistEntry
from licensing.permissions import is_clerk_of_district
from portal.identifiers import validate_uscc
from portal.models import District


def authority_name(district: District) -> str:
    """The registration / issuing authority of a district bureau."""
    return f"上海市{district.name}市场监督管理局"


def require_clerk_of(acting_user, district: District) -> None:
    """Only a window clerk of ``district`` may write to its register."""
    if not is_clerk_of_district(acting_user, district):
        raise PermissionDenied("只有本区窗口人员可以办理该业务。")


def lock_entity(entity: MarketEntity) -> MarketEntity:
    """Re-read ``entity`` under a row lock so concurrent actions serialise."""
    return MarketEntity.objects.select_for_update().get(pk=entity.pk)


def clean_uscc(value: str) -> str:
    """Validate a USCC, admitting the administrator-maintained pilot allowlist."""
    allowlist = set(UsccAllowlistEntry.objects.values_list("uscc", flat=True))
    return validate_uscc(value, allowlist=allowlist)


def require_active(entity: MarketEntity) -> None:
    if not entity.is_active():
        raise ValidationError(f"该市场主体已{entity.get_status_display()}，不能办理此业务。")
