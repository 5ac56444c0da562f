"""The entity's electronic certificates that the bureau's staff may print or download."""

import rules

from elicense.models import Certificate
from portal.permissions import is_enterprise


def printable_certificates(user, uscc: str) -> list[Certificate]:
    """The entity's current signed certificates the user may print (one query): the window
    clerks of the issuing district and city-wide staff print what the entity holds, so the
    clerk who has just issued a licence hands over its printed copy. Enterprise users print
    from 我的电子证照 instead."""
    if is_enterprise(user):
        return []
    certificates = (
        Certificate.objects.shown_for_holder(uscc).exclude(signature="").select_related("issued_by")
    )
    return [c for c in certificates if rules.has_perm("elicense.print_certificate", user, c)]
