"""Routing an accepted application to its departments (一口受理 → 并联审批).

Pure reads and one bulk insert, called inside ``accept_application``'s transaction.
"""

from django.conf import settings

from portal.workdays import add_working_days
from yiyeyizheng.models import Application, ApplicationKind, FormatItem, ItemReview


def review_due_date(start):
    """``YIYEYIZHENG_REVIEW_WORKING_DAYS`` working days after ``start``, by the portal's
    working-day calendar (public holidays and 调休上班日 included); one query."""
    return add_working_days(start, settings.YIYEYIZHENG_REVIEW_WORKING_DAYS)


def route(application: Application, items: list[dict], *, today) -> list[ItemReview]:
    """One review per item and department (区级部门 bound to the application's district)."""
    wanted = {d["item_id"] for d in items}
    kinds = {d["item_id"]: d["kind"] for d in items}
    format_items = FormatItem.objects.filter(pk__in=wanted).select_related("permit")
    reviews = []
    due = review_due_date(today)
    for item in format_items.prefetch_related("departments"):
        for department in item.departments.all():
            reviews.append(
                ItemReview(
                    application=application,
                    format_item=item,
                    permit_name=item.permit.name,
                    kind=kinds[item.pk],
                    department=department,
                    district=application.district if department.level == "district" else None,
                    due_date=due,
                )
            )
    return ItemReview.objects.bulk_create(reviews)


def affected_items(application: Application) -> list[dict]:
    """The items to review: all chosen ones for a new application; for a change, those whose
    decision or kind changed, or every one when the premises changed; none for a
    cancellation or reissue (see docs/yiyeyizheng-applications.md)."""
    if application.kind == ApplicationKind.NEW:
        return application.chosen_items()
    if application.kind != ApplicationKind.CHANGE:
        return []
    licence = application.licence
    before = {item["permit"]: item for item in licence.items}
    premises_changed = application.form_data.get(
        "premises_address"
    ) != licence.premises_address or application.answers.get("area_m2") != licence.answers.get(
        "area_m2"
    )
    return [
        d
        for d in application.chosen_items()
        if premises_changed or d["permit"] not in before or before[d["permit"]]["kind"] != d["kind"]
    ]
