"""更正建设进度: the city bureau puts a store's stage back, with a reason and a confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mingchu.forms.corrections import StageCorrectionForm
from mingchu.models import DemoStore, Stage
from mingchu.services import correct_store_stage
from portal.forms import add_service_errors
from portal.views.confirm import Confirmation, confirm_page, confirmed


def store_subject(store) -> str:
    """The store as a confirmation page names it."""
    return f"{store.unit_name}（{store.district}，许可证号 {store.food_licence_number}）"


@login_required
@require_http_methods(["GET", "POST"])
def store_correct(request, pk):
    store = get_object_or_404(DemoStore.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("mingchu.correct_store_stage") or store.stage == Stage.PREPARATION:
        raise Http404
    form = StageCorrectionForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        target = Stage(form.cleaned_data["stage"])
        if not confirmed(request):
            return confirm_page(
                request,
                Confirmation(
                    title="更正建设进度",
                    action=f"将建设进度由“{store.get_stage_display()}”更正为“{target.label}”，"
                    f"并删除“{target.label}”之后各阶段的日期记录。",
                    subject=store_subject(store),
                    undo="更正后区局须重新逐阶段登记进度；更正原因和删除的记录保存在审计日志中。",
                    button="确认更正",
                    back_url=reverse("mingchu:store_detail", args=[store.pk]),
                    details=(("更正原因", form.cleaned_data["reason"]),),
                ),
            )
        try:
            store = correct_store_stage(
                acting_user=request.user,
                store=store,
                stage=target,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{store}：建设进度已更正为“{store.get_stage_display()}”。")
            return redirect("mingchu:store_detail", pk=store.pk)
    return render(
        request,
        "mingchu/demostore_correct.html",
        {"store": store, "form": form},
        status=400 if form.errors else 200,
    )
