"""Demo stores (示范店): the district's registry and its construction progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mingchu.forms.stores import StageDateForm, StoreForm
from mingchu.models import DemoStore, DistrictQuota, ProjectDeadline, Stage
from mingchu.models.stores import expected_after_deadline
from mingchu.services import advance_store_stage, register_demo_store
from mingchu.services.stores import next_stage_date
from mingchu.views.common import require_reader, selected_year
from mingchu.views.corrections import store_subject
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once
from portal.permissions import allows
from portal.views.confirm import Confirmation, confirm_page, confirmed

#: Selecting a store is answered once per form token (portal.idempotency).
REGISTER = "mingchu.demo_store.register"


@login_required
@require_http_methods(["GET", "POST"])
def store_list(request):
    """The year's demo stores (default the project year, where new stores are registered)."""
    require_reader(request)
    year = selected_year(request)
    project_year = DistrictQuota.objects.project_year()
    deadline = ProjectDeadline.objects.for_year(year)
    stores = (
        DemoStore.objects.visible_to(request.user).filter(year=year).with_overdue(deadline=deadline)
    )
    is_officer = allows(request.user, "mingchu.maintain_stores")
    form = StoreForm(request.POST or None) if is_officer and year == project_year else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if replay := replay_form(request, action=REGISTER):
            return replay
        if form.is_valid():
            try:
                once = submit_form_once(
                    request,
                    action=REGISTER,
                    create=lambda: register_demo_store(
                        acting_user=request.user, **form.cleaned_data
                    ),
                    url=lambda _: reverse("mingchu:store_list"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not once.replayed:
                    messages.success(request, f"已登记示范店：{once.created}")
                    _warn_if_after_deadline(request, once.created, deadline)
                return redirect(once.url)
    return render(
        request,
        "mingchu/demostore_list.html",
        {
            "stores": stores.select_related("district"),
            "form": form,
            "can_advance": is_officer,
            "deadline": deadline,
            "year": year,
            "years": DistrictQuota.objects.years(),
        },
    )


def _warn_if_after_deadline(request, store, deadline) -> None:
    """A store expected after the year's deadline is accepted, with a warning that quotes the
    plan."""
    if expected_after_deadline(store.expected_completion, deadline):
        messages.warning(
            request,
            f"{store}预计{store.expected_completion:%Y年%m月}完成，晚于对接上线期限"
            f"（{deadline:%Y年%m月%d日}）：原则上，入网餐饮服务经营者应于"
            f"{deadline.month}月{deadline.day}日前完成视频监控安装和平台对接上线。",
        )


@login_required
@require_POST
def store_advance(request, pk):
    """下一阶段, after a confirmation page (portal.views.confirm): a stage once recorded is
    put back only by the city bureau (``store_correct``)."""
    store = get_object_or_404(DemoStore.objects.visible_to(request.user), pk=pk)
    if not allows(request.user, "mingchu.advance_store_stage"):
        raise Http404
    dated = StageDateForm(request.POST)
    back = (
        reverse("mingchu:store_detail", args=[store.pk])
        if request.POST.get("back") == "detail"
        else reverse("mingchu:store_list")
    )
    try:
        if not dated.is_valid():
            raise ValidationError(dated.errors["on"])
        if not confirmed(request):
            missing = store.missing_for_next_stage() if store.next_stage() else "该店已完成建设。"
            if missing:
                raise ValidationError(missing)
            target = Stage(store.next_stage())
            on = next_stage_date(store, dated.cleaned_data["on"])
            return confirm_page(
                request,
                Confirmation(
                    title=f"进入下一阶段：{target.label}",
                    action=f"将建设进度由“{store.get_stage_display()}”推进到“{target.label}”，"
                    f"日期 {on:%Y-%m-%d}。"
                    + (
                        "完成建设后，该店的公示页和电子营业执照展示页将显示明厨亮灶标识。"
                        if target == Stage.COMPLETED
                        else ""
                    ),
                    subject=store_subject(store),
                    undo="区局不能自行撤回；如登记有误，请联系市局人员更正（须说明原因）。",
                    button=f"确认进入“{target.label}”",
                    back_url=back,
                    danger=False,
                ),
            )
        store = advance_store_stage(
            acting_user=request.user, store=store, on=dated.cleaned_data["on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{store}：{store.get_stage_display()}")
    return redirect(back)
