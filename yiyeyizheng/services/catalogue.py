"""Writes to the catalogue: import a version, edit a draft, copy, publish.

Published and retired versions are never changed (applications stay pinned to them): every
edit checks the version is still a draft. Each function runs in one transaction and writes an
audit event; ``acting_user=None`` is the system (management commands).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from portal.audit import diff, record_event
from portal.models import Department
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import (
    BusinessFormat,
    CatalogueVersion,
    ComplianceGuide,
    FormatItem,
    ItemKind,
    PermitItem,
    VersionStatus,
)
from yiyeyizheng.models.rule_schema import validate_rule
from yiyeyizheng.permissions import is_catalogue_admin
from yiyeyizheng.queries.published import forget_current
from yiyeyizheng.services.importing import CatalogueRow, department_words
from yiyeyizheng.services.remarks import parse_remark


@dataclass(frozen=True)
class UnparsedRemark:
    seq: int
    format: str
    permit: str
    remark: str


@dataclass
class ImportResult:
    version: CatalogueVersion
    formats: int = 0
    items: int = 0
    unparsed: list[UnparsedRemark] = field(default_factory=list)
    #: Items named …备案 whose remark does not say 属于行政备案事项: imported as licences, as
    #: the table says, but listed for an administrator to confirm the kind.
    kind_to_check: list[UnparsedRemark] = field(default_factory=list)


def require_catalogue_admin(acting_user) -> None:
    """Only administrators (or the system, ``None``) maintain the catalogue."""
    if acting_user is None:
        return
    if not is_catalogue_admin(acting_user):
        raise PermissionDenied("只有系统管理员可以维护一业一证目录。")


def lock_draft(version: CatalogueVersion) -> CatalogueVersion:
    """Re-read a version under a row lock and refuse anything but a draft."""
    version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            f"目录{version.edition}已{version.get_status_display()}，不能修改；请复制为新草稿。"
        )
    return version


def _departments(words: list[str], by_wording: dict[str, Department], line: int, column: str):
    unknown = [word for word in words if word not in by_wording]
    if unknown:
        raise ValidationError(f"第 {line} 行：{column}“{unknown[0]}”不在审批部门表中。")
    return [by_wording[word] for word in words]


def _group(rows: list[CatalogueRow]) -> dict[int, list[CatalogueRow]]:
    """Rows by format, checking a repeated 序号 only continues the format just before it."""
    formats: dict[int, list[CatalogueRow]] = {}
    for row in rows:
        if row.seq in formats:
            first = formats[row.seq][0]
            if row.seq != next(reversed(formats)):
                raise ValidationError(f"第 {row.line} 行：序号 {row.seq} 重复出现。")
            if (row.category, row.name, row.lead) != (first.category, first.name, first.lead):
                raise ValidationError(
                    f"第 {row.line} 行：序号 {row.seq} 的行业分类、经营业态或牵头部门"
                    f"与第 {first.line} 行不一致。"
                )
            if any(other.permit == row.permit for other in formats[row.seq]):
                raise ValidationError(f"第 {row.line} 行：序号 {row.seq} 重复列出“{row.permit}”。")
        formats.setdefault(row.seq, []).append(row)
    return formats


@transaction.atomic
def import_catalogue(*, acting_user, rows: list[CatalogueRow], edition: str, source: str = ""):
    """Create a new draft version from catalogue rows (all or nothing).

    Every remark is turned into a rule; one that cannot be read gets ``{"type": "manual"}`` and
    is listed in the result for an administrator to set by hand, as is an item named …备案
    that the table does not mark 属于行政备案事项 (imported as a licence; the kind to confirm).
    Writes ``catalogue.imported``.
    """
    require_catalogue_admin(acting_user)
    edition = (edition or "").strip()
    if not edition:
        raise ValidationError("须填写版次，如“第二版”。")
    if not rows:
        raise ValidationError("目录表中没有数据行。")
    by_wording = {d.short_name: d for d in Department.objects.all()}
    grouped = _group(rows)
    version = CatalogueVersion.objects.create(edition=edition, source=source[:200])
    result = ImportResult(version=version)
    permits: dict[str, PermitItem] = {}
    for seq, format_rows in grouped.items():
        first = format_rows[0]
        (lead,) = _departments([first.lead], by_wording, first.line, "牵头部门")
        business_format = BusinessFormat.objects.create(
            version=version, seq=seq, category=first.category, name=first.name, lead_department=lead
        )
        result.formats += 1
        for position, row in enumerate(format_rows, start=1):
            departments = _departments(
                department_words(row.approving), by_wording, row.line, "审批部门"
            )
            if row.permit not in permits:
                permits[row.permit] = PermitItem.objects.create(version=version, name=row.permit)
            parsed = parse_remark(row.remark, row.permit)
            item = FormatItem.objects.create(
                format=business_format,
                permit=permits[row.permit],
                position=position,
                kind=parsed.kind,
                rule=parsed.rule,
                remark=row.remark,
            )
            item.departments.set(departments)
            result.items += 1
            entry = UnparsedRemark(seq, first.name, row.permit, row.remark)
            if not parsed.parsed:
                result.unparsed.append(entry)
            if parsed.kind == "licence" and row.permit.endswith("备案"):
                result.kind_to_check.append(entry)
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.CATALOGUE_IMPORTED,
        obj=version,
        changes={
            "edition": edition,
            "source": source,
            "formats": result.formats,
            "items": result.items,
            "unparsed": len(result.unparsed),
            "kind_to_check": len(result.kind_to_check),
        },
    )
    return result


@transaction.atomic
def publish_version(*, acting_user, version: CatalogueVersion) -> CatalogueVersion:
    """Publish a draft and retire the version published before it (if any).

    New applications and the questionnaire use the published version from then on; the
    retired one stays as it was for the applications pinned to it.
    """
    require_catalogue_admin(acting_user)
    version = lock_draft(version)
    if not can_proceed(version.publish):
        raise ValidationError("该版本没有经营业态，不能发布。")
    now = timezone.now()
    previous = CatalogueVersion.objects.select_for_update().published().first()
    if previous is not None:
        previous.retire(at=now)
        previous.save()
        record_event(
            actor=acting_user,
            action=YiyeyizhengAction.CATALOGUE_RETIRED,
            obj=previous,
            changes={"status": ["published", "retired"], "replaced_by": version.pk},
        )
    version.publish(by=acting_user, at=now)
    version.save()
    forget_current()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.CATALOGUE_PUBLISHED,
        obj=version,
        changes={"status": ["draft", "published"], "replaces": previous.pk if previous else None},
    )
    return version


@transaction.atomic
def copy_version(*, acting_user, version: CatalogueVersion, edition: str = "") -> CatalogueVersion:
    """Copy a version (usually the published one) into a new draft to edit (复制为新草稿),
    each format with its items and its 合规经营指南."""
    require_catalogue_admin(acting_user)
    source = CatalogueVersion.objects.get(pk=version.pk)
    draft = CatalogueVersion.objects.create(
        edition=(edition or f"{source.edition}（修订草稿）").strip(),
        source=f"复制自 {source.edition}",
        based_on=source,
    )
    permits = {
        permit.pk: PermitItem.objects.create(version=draft, name=permit.name)
        for permit in source.permits.all()
    }
    formats = source.formats.select_related("lead_department", "guide").prefetch_related(
        "items__departments"
    )
    for old in formats:
        new = BusinessFormat.objects.create(
            version=draft, seq=old.seq, category=old.category, name=old.name,
            lead_department=old.lead_department,
        )  # fmt: skip
        for item in old.items.all():
            copy = FormatItem.objects.create(
                format=new, permit=permits[item.permit_id], position=item.position,
                kind=item.kind, rule=item.rule, remark=item.remark,
            )  # fmt: skip
            copy.departments.set(item.departments.all())
        guide = getattr(old, "guide", None)
        if guide is not None:
            ComplianceGuide.objects.create(
                business_format=new, body=guide.body, updated_by=guide.updated_by
            )
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.CATALOGUE_COPIED,
        obj=draft,
        changes={"based_on": source.pk, "edition": draft.edition},
    )
    return draft


def _item_state(item: FormatItem) -> dict:
    return {
        "permit": item.permit.name,
        "position": item.position,
        "kind": item.kind,
        "rule": item.rule,
        "remark": item.remark,
        "departments": sorted(d.pk for d in item.departments.all()),
    }


@transaction.atomic
def update_format(*, acting_user, business_format: BusinessFormat, **values) -> BusinessFormat:
    """Edit a draft format's 行业分类 / 经营业态 / 牵头部门."""
    require_catalogue_admin(acting_user)
    lock_draft(business_format.version)
    allowed = {"category", "name", "lead_department"}
    if set(values) - allowed:
        raise ValueError(f"not editable: {sorted(set(values) - allowed)}")
    fmt = BusinessFormat.objects.get(pk=business_format.pk)
    before = {k: str(getattr(fmt, k)) for k in values}
    for key, value in values.items():
        setattr(fmt, key, value)
    fmt.full_clean()
    fmt.save()
    changes = diff(before, {k: str(getattr(fmt, k)) for k in values})
    if changes:
        record_event(
            actor=acting_user,
            action=YiyeyizhengAction.CATALOGUE_FORMAT_CHANGED,
            obj=fmt,
            changes=changes,
        )
    return fmt


def _permit(version, name: str) -> PermitItem:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"permit_name": "须填写事项名称。"})
    permit, _ = PermitItem.objects.get_or_create(version=version, name=name)
    return permit


def _check(kind: str, rule) -> None:
    if kind not in ItemKind.values:
        raise ValidationError({"kind": "类型须为许可或备案。"})
    try:
        validate_rule(rule)
    except ValidationError as error:
        raise ValidationError({"rule": error.messages}) from error


@transaction.atomic
def add_format_item(
    *, acting_user, business_format, permit_name, departments, kind, rule, remark="", position=None
) -> FormatItem:
    """Add an item to a draft format (a new permit name adds the permit to the version)."""
    require_catalogue_admin(acting_user)
    version = lock_draft(business_format.version)
    _check(kind, rule)
    permit = _permit(version, permit_name)
    if business_format.items.filter(permit=permit).exists():
        raise ValidationError({"permit_name": f"该业态已有“{permit.name}”。"})
    if position is None:
        position = max((i.position for i in business_format.items.all()), default=0) + 1
    if business_format.items.filter(position=position).exists():
        raise ValidationError({"position": f"顺序 {position} 已被占用。"})
    item = FormatItem.objects.create(
        format=business_format,
        permit=permit,
        position=position,
        kind=kind,
        rule=rule,
        remark=remark,
    )
    item.departments.set(departments)
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.CATALOGUE_ITEM_ADDED,
        obj=item,
        changes=_item_state(item),
    )
    return item


@transaction.atomic
def update_format_item(*, acting_user, item: FormatItem, **values) -> FormatItem:
    """Edit a draft item: permit_name, position, kind, rule (validated), remark, departments."""
    require_catalogue_admin(acting_user)
    item = FormatItem.objects.select_related("format__version", "permit").get(pk=item.pk)
    version = lock_draft(item.format.version)
    before = _item_state(item)
    if "permit_name" in values:
        item.permit = _permit(version, values.pop("permit_name"))
    departments = values.pop("departments", None)
    for key, value in values.items():
        if key not in {"position", "kind", "rule", "remark"}:
            raise ValueError(f"not editable: {key}")
        setattr(item, key, value)
    _check(item.kind, item.rule)
    item.save()
    if departments is not None:
        item.departments.set(departments)
    changes = diff(before, _item_state(item))
    if changes:
        record_event(
            actor=acting_user,
            action=YiyeyizhengAction.CATALOGUE_ITEM_CHANGED,
            obj=item,
            changes=changes,
        )
    return item


def set_item_rule(*, acting_user, item: FormatItem, rule, kind=None) -> FormatItem:
    """Set an item's rule (and optionally its kind) by hand, e.g. for a 规则待管理员设置 item."""
    values = {"rule": rule} | ({"kind": kind} if kind else {})
    return update_format_item(acting_user=acting_user, item=item, **values)


@transaction.atomic
def remove_format_item(*, acting_user, item: FormatItem) -> None:
    """Remove an item from a draft format."""
    require_catalogue_admin(acting_user)
    item = FormatItem.objects.select_related("format__version", "permit").get(pk=item.pk)
    lock_draft(item.format.version)
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.CATALOGUE_ITEM_REMOVED,
        obj=item,
        changes=_item_state(item),
    )
    item.delete()


@transaction.atomic
def discard_draft(*, acting_user, version: CatalogueVersion) -> None:
    """Delete a draft that will not be published (published and retired versions stay)."""
    require_catalogue_admin(acting_user)
    version = lock_draft(version)
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.CATALOGUE_DISCARDED,
        obj=version,
        changes={"edition": version.edition, "formats": version.formats.count()},
    )
    FormatItem.objects.filter(format__version=version).delete()
    version.delete()
