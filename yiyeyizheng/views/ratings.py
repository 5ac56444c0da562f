"""好差评: the applicant rates a concluded application; the window, the departments and the
city read their ratings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from elicense.permissions import require
from portal.access import require_enterprise
from portal.forms import flash_errors
from yiyeyizheng.forms.ratings import RatingForm
from yiyeyizheng.queries.ratings import rating_summary
from yiyeyizheng.services.ratings import rate_service
from yiyeyizheng.views.applications import visible_application


@login_required
@require_POST
def application_rate(request, number: str):
    user = require_enterprise(request)
    require(user, "yiyeyizheng.rate_service")
    application = visible_application(request, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rate_service(acting_user=user, application=application, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            flash_errors(request, error)
        else:
            messages.success(request, "感谢您的评价。")
    else:
        flash_errors(request, form)
    return redirect("yiyeyizheng:application_detail", application.number)


@login_required
def rating_list(request):
    require(request.user, "yiyeyizheng.view_ratings")
    return render(
        request, "yiyeyizheng/rating_list.html", {"summary": rating_summary(request.user)}
    )
