"""The supplier list page (供货者查验) for canteens, schools, care homes and markets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from elicense.permissions import require
from licensing.forms.suppliers import SupplierForm
from licensing.models import Supplier
from licensing.queries.suppliers import check_suppliers
from licensing.services import add_supplier, remove_supplier
from portal.access import require_enterprise
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once

#: Adding is answered once per form token (portal.idempotency).
ADD = "licensing.supplier.add"


@login_required
@require_http_methods(["GET", "POST"])
def supplier_list(request):
    """The entity's suppliers with their licence state; add one by USCC or licence number."""
    require(require_enterprise(request), "licensing.manage_suppliers")
    if request.method == "POST" and (replay := replay_form(request, action=ADD)):
        return replay
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            once = submit_form_once(
                request,
                action=ADD,
                create=lambda: add_supplier(acting_user=request.user, **form.cleaned_data),
                url=lambda _: reverse("licensing:supplier_list"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not once.replayed:
                supplier = once.created
                messages.success(request, f"已添加：{supplier}（{supplier.get_state_display()}）")
            return redirect(once.url)
    suppliers = list(Supplier.objects.visible_to(request.user))
    checks = check_suppliers((s.identifier for s in suppliers), timezone.localdate())
    rows = [(supplier, checks[supplier.identifier]) for supplier in suppliers]
    return render(request, "licensing/supplier_list.html", {"form": form, "rows": rows})


@login_required
@require_POST
def supplier_remove(request, pk):
    require(require_enterprise(request), "licensing.manage_suppliers")
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)
    remove_supplier(acting_user=request.user, supplier=supplier)
    messages.success(request, "已从清单中移除。")
    return redirect("licensing:supplier_list")
