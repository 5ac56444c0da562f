"""What changed between two catalogue versions: formats and items added, removed, changed.

Formats are matched by 序号, items by (序号, 事项名称); a changed item lists which of its
kind, rule, remark, departments and position differ.
"""

from dataclasses import dataclass, field

from yiyeyizheng.models import BusinessFormat, CatalogueVersion, FormatItem

FORMAT_FIELDS = {"category": "行业分类", "name": "经营业态", "lead_department": "牵头部门"}
ITEM_FIELDS = {
    "kind": "类型",
    "rule": "办理规则",
    "remark": "备注",
    "departments": "审批部门",
    "position": "顺序",
}


@dataclass
class Change:
    key: tuple
    label: str
    fields: dict[str, tuple] = field(default_factory=dict)


@dataclass
class Comparison:
    base: CatalogueVersion
    other: CatalogueVersion
    formats_added: list[str] = field(default_factory=list)
    formats_removed: list[str] = field(default_factory=list)
    formats_changed: list[Change] = field(default_factory=list)
    items_added: list[str] = field(default_factory=list)
    items_removed: list[str] = field(default_factory=list)
    items_changed: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.formats_added, self.formats_removed, self.formats_changed,
                self.items_added, self.items_removed, self.items_changed,
            )
        )  # fmt: skip


def _formats(version) -> dict[int, dict]:
    rows = BusinessFormat.objects.filter(version=version).select_related("lead_department")
    return {
        f.seq: {
            "category": f.category,
            "name": f.name,
            "lead_department": f.lead_department.short_name,
        }
        for f in rows
    }


def _items(version) -> dict[tuple, dict]:
    rows = (
        FormatItem.objects.filter(format__version=version)
        .select_related("format", "permit")
        .prefetch_related("departments")
    )
    return {
        (item.format.seq, item.permit.name): {
            "format": item.format.name,
            "kind": item.get_kind_display(),
            "rule": item.rule,
            "remark": item.remark,
            "departments": "、".join(sorted(d.short_name for d in item.departments.all())),
            "position": item.position,
        }
        for item in rows
    }


def _fields(before: dict, after: dict, labels: dict) -> dict[str, tuple]:
    return {labels[key]: (before[key], after[key]) for key in labels if before[key] != after[key]}


def compare_versions(base: CatalogueVersion, other: CatalogueVersion) -> Comparison:
    """How ``other`` differs from ``base`` (e.g. a draft against the published version)."""
    result = Comparison(base=base, other=other)
    old, new = _formats(base), _formats(other)
    result.formats_added = [f"{seq}. {new[seq]['name']}" for seq in sorted(new.keys() - old.keys())]
    result.formats_removed = [
        f"{seq}. {old[seq]['name']}" for seq in sorted(old.keys() - new.keys())
    ]
    for seq in sorted(old.keys() & new.keys()):
        if changed := _fields(old[seq], new[seq], FORMAT_FIELDS):
            result.formats_changed.append(Change((seq,), f"{seq}. {new[seq]['name']}", changed))
    old_items, new_items = _items(base), _items(other)
    result.items_added = [
        f"{key[0]}. {new_items[key]['format']}：{key[1]}"
        for key in sorted(new_items.keys() - old_items.keys())
    ]
    result.items_removed = [
        f"{key[0]}. {old_items[key]['format']}：{key[1]}"
        for key in sorted(old_items.keys() - new_items.keys())
    ]
    for key in sorted(old_items.keys() & new_items.keys()):
        if changed := _fields(old_items[key], new_items[key], ITEM_FIELDS):
            label = f"{key[0]}. {new_items[key]['format']}：{key[1]}"
            result.items_changed.append(Change(key, label, changed))
    return result
