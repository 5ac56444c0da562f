"""Every write to the 一业一证 catalogue. Admin, commands and views call these."""

from yiyeyizheng.services.catalogue import (
    ImportResult,
    UnparsedRemark,
    add_format_item,
    copy_version,
    discard_draft,
    import_catalogue,
    publish_version,
    remove_format_item,
    set_item_rule,
    update_format,
    update_format_item,
)

__all__ = [
    "ImportResult",
    "UnparsedRemark",
    "add_format_item",
    "copy_version",
    "discard_draft",
    "import_catalogue",
    "publish_version",
    "remove_format_item",
    "set_item_rule",
    "update_format",
    "update_format_item",
]
