"""Demo stores (示范店): the district's registry and its construction progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mingchu.forms.stores import StageDateForm, StoreForm
from mingchu.models import DemoStore, DistrictQuota
from mingchu.services import advance_store_stage, register_demo_store
from mingchu.views.common import require_reader, selected_year
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once
from portal.permissions import allows

#: Selecting a store is answered once per form token (portal.idempotency).
REGISTER = "mingchu.demo_store.register"


@login_required
@require_http_methods(["GET", "POST"])
def store_list(request):
    """The year's demo stores (default the project year, where new stores are registered)."""
    require_reader(request)
    year = selected_year(request)
    project_year = DistrictQuota.objects.project_year()
    stores = DemoStore.objects.visible_to(request.user).filter(year=year)
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
                return redirect(once.url)
    return render(
        request,
        "mingchu/demostore_list.html",
        {
            "stores": stores.select_related("district"),
            "form": form,
            "can_advance": is_officer,
            "year": year,
            "years": DistrictQuota.objects.years(),
        },
    )


@login_required
@require_POST
def store_advance(request, pk):
    store = get_object_or_404(DemoStore.objects.visible_to(request.user), pk=pk)
    if not allows(request.user, "mingchu.maintain_stores"):
        raise Http404
    dated = StageDateForm(request.POST)
    try:
        if not dated.is_valid():
            raise ValidationError(dated.errors["on"])
        store = advance_store_stage(
            acting_user=request.user, store=store, on=dated.cleaned_data["on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{store}：{store.get_stage_display()}")
    if request.POST.get("back") == "detail":
        return redirect("mingchu:store_detail", pk=store.pk)
    return redirect("mingchu:store_list")
