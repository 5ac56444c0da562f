"""Every write of the bright-kitchen project, one module per topic; callers import from here."""

from mingchu.services.acceptance import (
    add_assessment_attachment,
    conclude_acceptance,
    record_district_result,
    save_self_assessment,
    start_city_assessment,
    submit_self_assessment,
)
from mingchu.services.corrections import correct_store_stage
from mingchu.services.imports import import_store_table
from mingchu.services.quotas import adjust_quota, set_project_deadline, set_year_quotas
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
    "add_assessment_attachment",
    "conclude_acceptance",
    "record_district_result",
    "save_self_assessment",
    "start_city_assessment",
    "submit_self_assessment",
    "add_camera",
    "adjust_quota",
    "advance_store_stage",
    "build_city_rollup",
    "connect_platform",
    "correct_store_stage",
    "email_report_reminder",
    "import_store_table",
    "open_report",
    "register_demo_store",
    "return_report",
    "save_and_submit_report",
    "save_report",
    "send_report_reminders",
    "set_project_deadline",
    "set_video_stream",
    "set_year_quotas",
    "submit_report",
    "update_demo_store",
]
