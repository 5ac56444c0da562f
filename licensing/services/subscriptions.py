"""Subscribing a relying party to the merchants of its last bulk check (变更订阅)."""

from django.core.exceptions import ValidationError

from elicense.services.changes import subscribe_many
from licensing.models import BulkCheck, BulkCheckStatus, MarketEntity
from licensing.services.bulk import MAX_ROWS, _max_bytes
from portal import tabular
from portal.identifiers import normalise_identifier


def subscribe_from_last_bulk_check(*, acting_user, party) -> tuple[BulkCheck, int]:
    """Follow every registered merchant of the party's last finished bulk check.

    Rows whose USCC is not in the register are left out (nothing would ever change for
    them). Returns the check and how many merchants were newly followed; audited by
    ``subscribe_many``.
    """
    check = (
        BulkCheck.objects.filter(relying_party=party, status=BulkCheckStatus.DONE)
        .order_by("-created_at")
        .first()
    )
    if check is None:
        raise ValidationError("还没有已完成的批量资质审查。", code="not_found")
    _, rows = tabular.read_table(
        check.file_name, bytes(check.source), max_rows=MAX_ROWS, max_bytes=_max_bytes()
    )
    usccs = {normalise_identifier(row[0]) for row in rows if row}
    registered = list(MarketEntity.objects.filter(uscc__in=usccs).values_list("uscc", flat=True))
    return check, subscribe_many(acting_user=acting_user, party=party, usccs=registered)
