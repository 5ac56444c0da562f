"""附件4 各区示范店建设情况统计表 as it is read: a store's row, and a district's table as it
stood at a month's end (what a monthly report's submission keeps)."""

import datetime

from django.db.models import Prefetch

from mingchu.models import DemoStore, ProjectDeadline, Stage, StageChange
from mingchu.queries.reports import as_of


def month_label(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月"


def store_table_row(store, *, overdue: bool, stage: str | None = None) -> dict:
    """One store as the 附件4 table shows it (the export and the snapshot a monthly report
    submission keeps). ``stage`` overrides the store's current stage (a month's end)."""
    return {
        "unit_name": store.unit_name,
        "address": store.address,
        "food_licence_number": store.food_licence_number,
        "stage": Stage(stage or store.stage).label,
        "expected_completion": month_label(store.expected_completion),
        "location_type": store.get_location_type_display(),
        "delivery": store.delivery_label(),
        "overdue": bool(overdue),
    }


def store_table_as_of(*, district_id: str, year: int, month: int) -> list[dict]:
    """The district's 附件4 rows for a month: the year's stores selected by the month's end
    (``as_of``), each at the stage it had reached by then and flagged 逾期未上线 as of then.
    Three queries whatever the number of stores."""
    on = as_of(year, month)
    deadline = ProjectDeadline.objects.for_year(year)
    history = StageChange.objects.filter(on__lte=on).order_by("on", "id")
    stores = (
        DemoStore.objects.filter(district_id=district_id, year=year)
        .with_overdue(deadline=deadline, on=on)
        .prefetch_related(Prefetch("stage_history", queryset=history, to_attr="history_then"))
        .order_by("id")
    )
    return [
        store_table_row(store, overdue=store.overdue, stage=store.history_then[-1].stage)
        for store in stores
        if store.history_then
    ]
