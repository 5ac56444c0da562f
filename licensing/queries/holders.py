"""A holder's entity and current certificates in one prepared statement (the API's hot read).

``GET /api/v1/licences/{uscc}`` is called on every shop-page view of every platform; the ORM
spent ~2 ms per call on two queries (the entity, then ``Certificate.shown_for_holder`` with
its CASE annotation). Here one statement, prepared once per PostgreSQL connection
(``PREPARE``/``EXECUTE``), returns both; the order is ``shown_for_holder``'s.
"""

import weakref
from dataclasses import dataclass

from django.db import connection
from django.db.utils import DatabaseError

from elicense.models import Certificate, CertificateStatus

STATEMENT = "licensing_holder_licences"
#: SQLSTATE 26000, invalid_sql_statement_name: ``EXECUTE`` of a statement not prepared here.
UNDEFINED_PREPARED_STATEMENT = "26000"
_SQL = """
SELECT e.name, e.status, c.id, c.public_id, c.kind, c.number, c.holder_name,
       c.valid_from, c.valid_to, c.status, c.status_changed_at
FROM licensing_marketentity e
LEFT JOIN elicense_certificate c ON c.holder_uscc = e.uscc AND c.status <> '{superseded}'
WHERE e.uscc = {param}
ORDER BY CASE c.kind WHEN 'business_licence' THEN 0 WHEN 'food_licence' THEN 1 ELSE 2 END,
         c.number
"""
#: The certificate fields the statement returns (holder_uscc is the argument), in the
#: model's field order, as ``from_db`` takes them.
FIELDS = (
    "id", "public_id", "kind", "number", "holder_uscc", "holder_name", "valid_from", "valid_to",
    "status", "status_changed_at",
)  # fmt: skip
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class HolderLicences:
    name: str
    status: str
    #: Business licence first, then food licences, then the rest (``shown_for_holder``).
    certificates: list[Certificate]


def _rows(uscc: str) -> list[tuple]:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(_SQL.format(superseded=CertificateStatus.SUPERSEDED, param="%s"), [uscc])
            return cursor.fetchall()
        if connection.connection not in _prepared:
            _prepare(cursor)
        try:
            cursor.execute(f"EXECUTE {STATEMENT} (%s)", [uscc])
        except DatabaseError as error:
            # A connection ended while idle is replaced under the statement, once, by the
            # backend (``config.postgresql``; autocommit only): the new one lacks it.
            code = getattr(error.__cause__, "pgcode", None)
            if code != UNDEFINED_PREPARED_STATEMENT or connection.in_atomic_block:
                raise
            _prepare(cursor)
            cursor.execute(f"EXECUTE {STATEMENT} (%s)", [uscc])
        return cursor.fetchall()


def _prepare(cursor) -> None:
    sql = _SQL.format(superseded=CertificateStatus.SUPERSEDED, param="$1")
    try:
        cursor.execute(f"PREPARE {STATEMENT} (text) AS {sql}")
    except DatabaseError:
        # Prepared by an earlier life of this connection object (already there).
        if connection.in_atomic_block:
            raise
    _prepared[connection.connection] = True


def holder_licences(uscc: str) -> HolderLicences | None:
    """The entity's name and status with its current certificates; None without an entity."""
    rows = _rows(uscc)
    if not rows:
        return None
    name, status = rows[0][0], rows[0][1]
    # ``from_db`` as the ORM builds a row: the other fields are deferred (half the cost of
    # ``Certificate(**fields)``, which computes every other field's default).
    certificates = [
        Certificate.from_db(connection.alias, FIELDS, (row[2], *row[3:6], uscc, *row[6:]))
        for row in rows
        if row[2] is not None
    ]
    return HolderLicences(name=name, status=status, certificates=certificates)
