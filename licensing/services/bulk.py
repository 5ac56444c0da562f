"""Bulk merchant checks: validate an upload, then check every row in a Celery job."""

from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.models.licence_state import LicenceState
from elicense.permissions import require
from licensing import tabular
from licensing.models import (
    BulkCheck,
    BulkCheckStatus,
    EntityStatus,
    FoodLicence,
    MarketEntity,
    Verdict,
)
from portal.audit import record_event
from portal.identifiers import (
    normalise_identifier,
    same_text,
    validate_food_permit_number,
    validate_uscc,
)

HEADER = ("统一社会信用代码", "名称", "食品经营许可证编号", "经营场所")
RESULT_HEADER = ("行号", *HEADER, "审查结论", "说明")
MAX_ROWS = 100_000
CHUNK = 1_000


def _max_bytes() -> int:
    return settings.BULK_CHECK_MAX_BYTES


@transaction.atomic
def create_bulk_check(*, file_name: str, data: bytes, acting_user=None, relying_party=None):
    """Accept an upload after checking size, rows, encoding and header; queue the job.

    A person's upload needs ``licensing.run_bulk_check`` (PermissionDenied otherwise); a
    relying party's comes through the API, which checked its scope.
    """
    if acting_user is not None and relying_party is None:
        require(acting_user, "licensing.run_bulk_check")
    header, rows = tabular.read_table(file_name, data, max_rows=MAX_ROWS, max_bytes=_max_bytes())
    tabular.require_header(header, HEADER)
    if not rows:
        raise ValidationError("文件中没有数据行。")
    check = BulkCheck.objects.create(
        relying_party=relying_party,
        uploaded_by=acting_user if acting_user and acting_user.is_authenticated else None,
        file_name=file_name[:200],
        source=data,
        total_rows=len(rows),
    )
    record_event(
        actor=check.uploaded_by,
        action="bulk_check.created",
        obj=check,
        changes={"rows": len(rows), "relying_party": relying_party.pk if relying_party else None},
    )
    from licensing.tasks import run_bulk_check

    transaction.on_commit(lambda: run_bulk_check.delay(check.pk), robust=True)
    return check


def _verdict(row, entities, licences) -> tuple[str, str]:
    uscc_text, name, number_text, address = (row + ["", "", "", ""])[:4]
    try:
        uscc = validate_uscc(uscc_text)
        number = validate_food_permit_number(number_text)
    except ValidationError as error:
        return Verdict.BAD_NUMBER, error.messages[0]
    entity = entities.get(uscc)
    if entity is None:
        return Verdict.LICENCE_MISSING, "未找到该统一社会信用代码的登记"
    if entity.status != EntityStatus.ACTIVE:
        return Verdict.ENTITY_ENDED, f"营业执照已{entity.get_status_display()}"
    licence = licences.get(number)
    if licence is None or licence.holder_uscc != uscc:
        return Verdict.LICENCE_MISSING, "许可证不存在或与统一社会信用代码不对应"
    state = licence.state
    period = f"有效期{licence.valid_from:%Y-%m-%d}至{licence.valid_to:%Y-%m-%d}"
    if state == LicenceState.EXPIRED:
        return Verdict.LICENCE_EXPIRED, period
    if state == LicenceState.NOT_YET_VALID:
        return Verdict.LICENCE_NOT_YET_VALID, period
    if not state.in_force:
        return Verdict.LICENCE_CANCELLED, licence.end_reason or state.label
    if not same_text(name, entity.name):
        return Verdict.NAME_MISMATCH, f"登记名称为“{entity.name}”"
    if not same_text(address, licence.premises_address):
        return Verdict.ADDRESS_MISMATCH, f"许可经营场所为“{licence.premises_address}”"
    return Verdict.MATCH, ""


def _lookups(chunk):
    usccs = {normalise_identifier(r[0]) for r in chunk if r}
    numbers = {normalise_identifier(r[2]) for r in chunk if len(r) > 2}
    entities = {e.uscc: e for e in MarketEntity.objects.filter(uscc__in=usccs)}
    licences = {
        fl.number: fl for fl in FoodLicence.objects.filter(number__in=numbers, is_current=True)
    }
    return entities, licences


def run_bulk_check(*, bulk_check_id: int) -> BulkCheck:
    """Check every row (two queries per thousand rows) and store the .xlsx result.

    Progress is committed after each chunk so the page can show it. Idempotent: a check
    that is not queued is left alone.
    """
    with transaction.atomic():
        check = BulkCheck.objects.select_for_update().get(pk=bulk_check_id)
        if check.status != BulkCheckStatus.QUEUED:
            return check
        try:
            _, numbered = tabular.read_numbered_table(
                check.file_name, bytes(check.source), max_rows=MAX_ROWS, max_bytes=_max_bytes()
            )
        except ValidationError as error:
            check.fail(error=" ".join(error.messages), at=timezone.now())
            check.save()
            return check
        check.start(total=len(numbered))
        check.save()
    results, counts = [], Counter()
    for start in range(0, len(numbered), CHUNK):
        lines, chunk = zip(*numbered[start : start + CHUNK], strict=True)
        entities, licences = _lookups(chunk)
        for line, row in zip(lines, chunk, strict=True):
            verdict, note = _verdict(row, entities, licences)
            counts[verdict] += 1
            results.append([line, *(row + ["", "", "", ""])[:4], verdict.label, note])
        BulkCheck.objects.filter(pk=check.pk).update(done_rows=start + len(chunk))
    summary = {Verdict(v).label: n for v, n in counts.most_common()}
    with transaction.atomic():
        check = BulkCheck.objects.select_for_update().get(pk=bulk_check_id)
        check.done_rows = len(numbered)
        check.finish(
            result=tabular.write_xlsx(RESULT_HEADER, results), summary=summary, at=timezone.now()
        )
        check.save()
        record_event(actor=None, action="bulk_check.finished", obj=check, changes=summary)
    return check
