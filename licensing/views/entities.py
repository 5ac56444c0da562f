"""Window-clerk pages of the register, and the enterprise's read-only view of its own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from elicense.permissions import require
from licensing import services
from licensing.forms.entities import (
    EntityChangeForm,
    EntityEndForm,
    EntityRegistrationForm,
    FoodLicenceFieldsForm,
    FoodLicenceIssueForm,
    ReasonForm,
    SearchForm,
)
from licensing.models import BusinessLicence, FoodLicence, MarketEntity
from licensing.models.licences import current_food_licences_prefetch
from licensing.queries.certificates import printable_certificates
from portal.access import require_enterprise
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once
from portal.models import AuditEvent
from portal.permissions import is_district_clerk, is_enterprise
from portal.views.confirm import Confirmation, confirm_page, confirmed

PAGE_SIZE = 25
#: Creates answered once per form token (portal.idempotency).
REGISTER = "licensing.entity.register"
ISSUE_FOOD = "licensing.food_licence.issue"


def _require_clerk(request):
    if not is_district_clerk(request.user):
        raise Http404("只有窗口人员可以办理登记业务。")


def _manageable_entity(request, pk):
    return get_object_or_404(
        MarketEntity.objects.manageable_by(request.user).select_related("district"), pk=pk
    )


def _manageable_food_licence(request, pk):
    return get_object_or_404(
        FoodLicence.objects.filter(
            entity__in=MarketEntity.objects.manageable_by(request.user), is_current=True
        ).select_related("entity", "district"),
        pk=pk,
    )


@login_required
def entity_list(request):
    """Search the register (USCC, name or food-licence number) within the user's scope."""
    require(request.user, "licensing.view_entity")
    form = SearchForm(request.GET or None)
    entities = MarketEntity.objects.visible_to(request.user)
    if form.is_valid():
        entities = entities.search(form.cleaned_data["q"])
    elif form.is_bound:
        entities = entities.none()
    entities = entities.select_related("district").prefetch_related(
        current_food_licences_prefetch()
    )
    page = Paginator(entities.order_by("-registered_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "licensing/entity_list.html", {"form": form, "page": page})


@login_required
def entity_detail(request, pk):
    """An entity with all its licences, their versions and its audit history."""
    require(request.user, "licensing.view_entity")
    entity = get_object_or_404(
        MarketEntity.objects.visible_to(request.user)
        .select_related("district")
        .prefetch_related(
            Prefetch(
                "business_licences",
                queryset=BusinessLicence.objects.select_related("issued_by").order_by("-version"),
            ),
            Prefetch(
                "food_licences",
                queryset=FoodLicence.objects.select_related("issued_by").order_by(
                    "number", "-version"
                ),
            ),
        ),
        pk=pk,
    )
    food_licences = {}
    for licence in entity.food_licences.all():
        food_licences.setdefault(licence.number, []).append(licence)
    can_manage = MarketEntity.objects.manageable_by(request.user).filter(pk=entity.pk).exists()
    history = []
    if not is_enterprise(request.user):
        history = (
            AuditEvent.objects.filter(
                object_type__in=["licensing.marketentity"], object_id=str(entity.pk)
            )
            | AuditEvent.objects.filter(
                object_type="licensing.businesslicence",
                object_id__in=[str(bl.pk) for bl in entity.business_licences.all()],
            )
            | AuditEvent.objects.filter(
                object_type="licensing.foodlicence",
                object_id__in=[str(fl.pk) for fl in entity.food_licences.all()],
            )
        )
        history = history.order_by("-created_at", "-id")[:50]
    return render(
        request,
        "licensing/entity_detail.html",
        {
            "entity": entity,
            "food_licences": food_licences,
            "can_manage": can_manage and entity.is_active(),
            "history": history,
            "printable": printable_certificates(request.user, entity.uscc),
        },
    )


@login_required
def my_entity(request):
    """The enterprise user's own entity."""
    require(require_enterprise(request), "licensing.view_entity")
    entity = get_object_or_404(MarketEntity.objects.visible_to(request.user))
    return redirect("licensing:entity_detail", pk=entity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entity_create(request):
    """Register an entity and issue its business licence (设立登记)."""
    _require_clerk(request)
    if request.method == "POST" and (replay := replay_form(request, action=REGISTER)):
        return replay
    form = EntityRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            once = submit_form_once(
                request,
                action=REGISTER,
                create=lambda: services.register_entity(
                    acting_user=request.user, district=request.user.district, **form.cleaned_data
                ),
                url=lambda entity: reverse("licensing:entity_detail", args=[entity.pk]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not once.replayed:
                messages.success(request, f"已登记{once.created.name}并核发营业执照。")
            return redirect(once.url)
    return render(request, "licensing/entity_form.html", {"form": form, "title": "设立登记"})


@login_required
@require_http_methods(["GET", "POST"])
def entity_change(request, pk):
    """Change registration items; a new licence version supersedes the old (变更登记)."""
    entity = _manageable_entity(request, pk)
    form = EntityChangeForm(request.POST or None, instance=MarketEntity.objects.get(pk=entity.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_registration(
                acting_user=request.user, entity=entity, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "变更登记已办结，已换发新版营业执照。")
            return redirect("licensing:entity_detail", pk=entity.pk)
    return render(
        request,
        "licensing/entity_form.html",
        {"form": form, "title": f"变更登记：{entity.name}", "entity": entity},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_end(request, pk):
    """Cancel the entity (注销) or revoke its licence (吊销)."""
    entity = _manageable_entity(request, pk)
    form = EntityEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = {"cancel": services.cancel_entity, "revoke": services.revoke_entity}
        if not confirmed(request):
            label = dict(form.fields["action"].choices)[form.cleaned_data["action"]]
            return confirm_page(
                request,
                Confirmation(
                    title=label,
                    action=f"{label}：营业执照、其全部有效的食品经营许可证和行业综合许可证同时失效，"
                    "电子证照随之失效，扫码查验即显示已失效。",
                    subject=f"{entity.name}（统一社会信用代码 {entity.uscc}）",
                    undo="不能撤回。失效的证照不能恢复，如需继续经营须重新办理登记和许可。",
                    button=f"确认{label}",
                    back_url=reverse("licensing:entity_detail", args=[entity.pk]),
                    details=(("原因", form.cleaned_data["reason"]),),
                ),
            )
        try:
            action[form.cleaned_data["action"]](
                acting_user=request.user, entity=entity, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已办结，营业执照及食品经营许可证已同步失效。")
            return redirect("licensing:entity_detail", pk=entity.pk)
    return render(
        request,
        "licensing/entity_end.html",
        {"form": form, "entity": entity},
    )


@login_required
@require_http_methods(["GET", "POST"])
def food_licence_create(request, pk):
    """Issue a food operation licence to the entity (食品经营许可)."""
    entity = _manageable_entity(request, pk)
    if request.method == "POST" and (replay := replay_form(request, action=ISSUE_FOOD)):
        return replay
    form = FoodLicenceIssueForm(request.POST or None, initial={"premises_address": entity.address})
    if request.method == "POST" and form.is_valid():
        try:
            once = submit_form_once(
                request,
                action=ISSUE_FOOD,
                create=lambda: services.issue_food_licence(
                    acting_user=request.user, entity=entity, **form.cleaned_data
                ),
                url=lambda licence: reverse("licensing:entity_detail", args=[licence.entity_id]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not once.replayed:
                messages.success(request, f"已核发食品经营许可证 {once.created.number}。")
            return redirect(once.url)
    return render(
        request,
        "licensing/foodlicence_form.html",
        {"form": form, "entity": entity, "title": "核发食品经营许可证"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def food_licence_change(request, pk):
    """Change a food licence's items or premises (许可变更)."""
    licence = _manageable_food_licence(request, pk)
    form = FoodLicenceFieldsForm(
        request.POST or None,
        initial={
            "business_items": licence.business_items,
            "premises_address": licence.premises_address,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_food_licence(
                acting_user=request.user, licence=licence, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"食品经营许可证 {licence.number} 已变更。")
            return redirect("licensing:entity_detail", pk=licence.entity_id)
    return render(
        request,
        "licensing/foodlicence_form.html",
        {
            "form": form,
            "entity": licence.entity,
            "licence": licence,
            "title": f"许可变更：{licence.number}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def food_licence_cancel(request, pk):
    """Cancel a food licence (注销许可)."""
    licence = _manageable_food_licence(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request):
            return confirm_page(
                request,
                Confirmation(
                    title="注销食品经营许可证",
                    action="注销后该食品经营许可证及其电子证书立即失效，扫码查验即显示已注销；"
                    "营业执照不受影响。",
                    subject=f"食品经营许可证 {licence.number}（{licence.entity.name}）",
                    undo="不能撤回。如需继续经营食品，须重新申请食品经营许可。",
                    button="确认注销",
                    back_url=reverse("licensing:entity_detail", args=[licence.entity_id]),
                    details=(("注销原因", form.cleaned_data["reason"]),),
                ),
            )
        try:
            services.cancel_food_licence(
                acting_user=request.user, licence=licence, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"食品经营许可证 {licence.number} 已注销。")
            return redirect("licensing:entity_detail", pk=licence.entity_id)
    return render(
        request,
        "licensing/foodlicence_cancel.html",
        {"form": form, "licence": licence, "entity": licence.entity},
    )
