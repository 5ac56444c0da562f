"""Bulk merchant checks: validate an upload, then check every row in a Celery job."""

import datetime
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from elicense.models.licence_state import LicenceState
from elicense.permissions import require
from licensing.audit import LicensingAction
from licensing.models import (
    BulkCheck,
    BulkCheckRow,
    BulkCheckStatus,
    EntityStatus,
    FoodLicence,
    MarketEntity,
    Verdict,
)
from portal import outbox, tabular
from portal.audit import record_event
from portal.identifiers import (
    normalise_identifier,
    same_text,
    validate_food_permit_number,
    validate_uscc,
)
from portal.models import OutboxMessage

HEADER = ("统一社会信用代码", "名称", "食品经营许可证编号", "经营场所")
RESULT_HEADER = ("行号", *HEADER, "审查结论", "说明")
MAX_ROWS = 100_000
CHUNK = 1_000
TASK = "licensing.tasks.run_bulk_check"


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
        action=LicensingAction.BULK_CHECK_CREATED,
        obj=check,
        changes={"rows": len(rows), "relying_party": relying_party.pk if relying_party else None},
    )
    outbox.enqueue(TASK, check.pk)
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


def run_bulk_check(*, bulk_check_id: int, runner: str = "") -> BulkCheck:
    """Check every row (two queries per thousand rows) and store the .xlsx result.

    Resumable: each chunk of rows commits its verdicts (``BulkCheckRow``, once per row by a
    unique constraint) and ``done_rows`` together, so a redelivered or re-sent task goes on
    from the last chunk. ``runner`` names the caller (the Celery task id): a check another
    runner is still working on (progress within BULK_CHECK_STALL_SECONDS) is left to it, a
    silent one is taken over, and a runner that finds itself taken over stops. Idempotent:
    a done or failed check is left as it is.
    """
    check, numbered = _claim(bulk_check_id, runner=runner)
    if numbered is None:
        return check
    while (check := _check_chunk(bulk_check_id, numbered, runner=runner)) is not None:
        if check.status != BulkCheckStatus.RUNNING or check.runner != runner:
            return check
    return _finish(bulk_check_id, numbered)


def _claim(bulk_check_id: int, *, runner: str) -> tuple[BulkCheck, list | None]:
    """Start the check, or take it over from a silent runner; the rows if it is ours now."""
    with transaction.atomic():
        check = BulkCheck.objects.select_for_update().get(pk=bulk_check_id)
        now = timezone.now()
        if check.status in (BulkCheckStatus.DONE, BulkCheckStatus.FAILED):
            return check, None
        stall = settings.BULK_CHECK_STALL_SECONDS
        if check.runner != runner and not (
            check.status == BulkCheckStatus.QUEUED or check.is_stalled(now, seconds=stall)
        ):
            return check, None
        try:
            _, numbered = tabular.read_numbered_table(
                check.file_name, bytes(check.source), max_rows=MAX_ROWS, max_bytes=_max_bytes()
            )
        except ValidationError as error:
            check.fail(error=" ".join(error.messages), at=now)
            check.save()
            return check, None
        if check.status == BulkCheckStatus.QUEUED:
            check.start(total=len(numbered))
        elif check.runner != runner:
            record_event(
                actor=None,
                action=LicensingAction.BULK_CHECK_RESUMED,
                obj=check,
                changes={"done_rows": check.done_rows, "previous_runner": check.runner},
            )
        check.runner, check.heartbeat_at = runner, now
        check.save()
    return check, numbered


def _check_chunk(bulk_check_id: int, numbered, *, runner: str) -> BulkCheck | None:
    """Check the next chunk and commit its verdicts with the progress; None when all are done.

    Returns the check unchanged when it is no longer this runner's to work on.
    """
    with transaction.atomic():
        check = BulkCheck.objects.select_for_update().get(pk=bulk_check_id)
        if check.status != BulkCheckStatus.RUNNING or check.runner != runner:
            return check
        start = check.done_rows
        if start >= len(numbered):
            return None
        lines, chunk = zip(*numbered[start : start + CHUNK], strict=True)
        entities, licences = _lookups(chunk)
        BulkCheckRow.objects.bulk_create(
            BulkCheckRow(bulk_check=check, line=line, verdict=verdict, note=note[:300])
            for line, row in zip(lines, chunk, strict=True)
            for verdict, note in [_verdict(row, entities, licences)]
        )
        check.done_rows, check.heartbeat_at = start + len(chunk), timezone.now()
        check.save(update_fields=["done_rows", "heartbeat_at"])
        return check


def _finish(bulk_check_id: int, numbered) -> BulkCheck:
    """Write the .xlsx result and the summary from the stored verdicts."""
    with transaction.atomic():
        check = BulkCheck.objects.select_for_update().get(pk=bulk_check_id)
        if check.status != BulkCheckStatus.RUNNING:
            return check
        verdicts = {
            line: (verdict, note)
            for line, verdict, note in check.rows.values_list("line", "verdict", "note")
        }
        results, counts = [], Counter()
        for line, row in numbered:
            verdict, note = verdicts[line]
            counts[verdict] += 1
            results.append([line, *(row + ["", "", "", ""])[:4], Verdict(verdict).label, note])
        summary = {Verdict(v).label: n for v, n in counts.most_common()}
        check.done_rows = len(numbered)
        check.finish(
            result=tabular.write_xlsx(RESULT_HEADER, results), summary=summary, at=timezone.now()
        )
        check.save()
        record_event(
            actor=None, action=LicensingAction.BULK_CHECK_FINISHED, obj=check, changes=summary
        )
    return check


def resume_stalled_bulk_checks() -> int:
    """Send again the task of every running check whose runner went silent (Celery beat).

    A worker killed mid-check leaves it running with no heartbeat; its outbox message is
    sent again now (or a new one written if it was acknowledged), and the delivery takes
    the check over from its last chunk. Returns how many checks were sent.
    """
    stale = timezone.now() - datetime.timedelta(seconds=settings.BULK_CHECK_STALL_SECONDS)
    stalled = BulkCheck.objects.filter(status=BulkCheckStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True)
    )
    check_ids, resend = list(stalled.values_list("pk", flat=True)), []
    for check_id in check_ids:
        with transaction.atomic():
            message = OutboxMessage.objects.pending().filter(task_name=TASK, args=[check_id]).last()
            if message is None:
                outbox.enqueue(TASK, check_id)  # dispatched when this block commits
            else:
                resend.append(message.pk)
    if resend:
        outbox.dispatch(message_ids=resend)
    return len(check_ids)
