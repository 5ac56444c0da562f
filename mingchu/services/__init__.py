"""Every write of the bright-kitchen project, one module per topic; callers import from here."""

from mingchu.services.imports import import_store_table
from mingchu.services.quotas import adjust_quota, set_year_quotas
from mingchu.services.reports import (
    email_report_reminder,
    open_report,
    return_report,
    save_and_submit_report,
    save_report,
    send_report_reminders,
    submit_report,
)
from mingchu.services.rollups import build_city_rollup
from mingchu.services.stores import (
    add_camera,
    advance_store_stage,
    connect_platform,
    register_demo_store,
    set_video_stream,
    update_demo_store,
)

__all__ = [
    "add_camera",
    "adjust_quota",
    "advance_store_stage",
    "build_city_rollup",
    "connect_platform",
    "email_report_reminder",
    "import_store_table",
    "open_report",
    "register_demo_store",
    "return_report",
    "save_and_submit_report",
    "save_report",
    "send_report_reminders",
    "set_video_stream",
    "set_year_quotas",
    "submit_report",
    "update_demo_store",
]
