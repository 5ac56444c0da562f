"""受理通知书: the PDF the window hands over (or the applicant downloads) once an application
is accepted: what was accepted, which departments review which items by when, and how to
follow its progress (the number, the code and a QR code of the progress page)."""

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from elicense import qr
from elicense.permissions import is_enterprise_user, require
from portal.middleware import public_base_url
from yiyeyizheng.views.applications import visible_application


def render_acceptance_notice(application) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a moment

    progress_url = (
        public_base_url()
        + reverse("yiyeyizheng:progress")
        + "?"
        + urlencode({"number": application.number, "code": application.verification_code})
    )
    context = {
        "application": application,
        "reviews": application.reviews.select_related("department", "district").order_by(
            "due_date", "pk"
        ),
        "progress_url": progress_url,
        "progress_qr_png": base64.b64encode(qr.png(progress_url, box_size=4)).decode(),
        "printed_at": timezone.localtime(),
    }
    html = render_to_string("yiyeyizheng/acceptance_notice_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@login_required
def acceptance_notice(request, number: str):
    """The 受理通知书 of an accepted application, for whoever may see the application."""
    if is_enterprise_user(request.user):
        require(request.user, "yiyeyizheng.apply")  # an agent needs its authorisation
    application = visible_application(request, number)
    if application.accepted_at is None:
        messages.info(request, "该申请尚未受理，受理后可下载受理通知书。")
        return redirect("yiyeyizheng:application_detail", application.number)
    response = HttpResponse(render_acceptance_notice(application), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"受理通知书-{application.number}.pdf"
    )
    return response
