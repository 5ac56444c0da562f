"""Every write of 一业一证: the catalogue, applications, reviews, composite licences.
Admin, commands, views and the API call these."""

from yiyeyizheng.services.applications import (
    accept_application,
    correct_application,
    return_application,
    save_draft,
    start_application,
    submit_application,
    withdraw_application,
)
from yiyeyizheng.services.assistance import (
    cancel_assistance,
    draft_on_behalf,
    hand_over,
    request_assistance,
)
from yiyeyizheng.services.attachments import add_attachment, remove_attachment
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
from yiyeyizheng.services.changes import start_cancellation, start_change, start_reissue
from yiyeyizheng.services.filings import attach_filed_licence, file_scanned_licence
from yiyeyizheng.services.guides import save_guide
from yiyeyizheng.services.licences import cancel_licence, issue_licence
from yiyeyizheng.services.ratings import rate_service
from yiyeyizheng.services.reviews import (
    approve_item,
    conclude,
    reject_item,
    remind_overdue_reviews,
    request_item_correction,
)

__all__ = [
    "ImportResult",
    "UnparsedRemark",
    "accept_application",
    "add_attachment",
    "add_format_item",
    "attach_filed_licence",
    "approve_item",
    "cancel_assistance",
    "cancel_licence",
    "conclude",
    "copy_version",
    "correct_application",
    "discard_draft",
    "draft_on_behalf",
    "hand_over",
    "file_scanned_licence",
    "import_catalogue",
    "issue_licence",
    "publish_version",
    "rate_service",
    "reject_item",
    "remind_overdue_reviews",
    "remove_attachment",
    "remove_format_item",
    "request_assistance",
    "request_item_correction",
    "return_application",
    "save_draft",
    "save_guide",
    "set_item_rule",
    "start_application",
    "start_cancellation",
    "start_change",
    "start_reissue",
    "submit_application",
    "update_format",
    "update_format_item",
    "withdraw_application",
]
