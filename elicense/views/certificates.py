"""Public pages of the credential layer: the holder's page, the JWKS, the enterprise's view."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST

from elicense import crypto, qr
from elicense.forms.certificates import ScanForm
from elicense.models import (
    Badge,
    Certificate,
    ChallengeStatus,
    EntityKey,
    LoginChallenge,
    SigningKey,
    Verification,
)
from elicense.pdf import pdf_name, printable_context
from elicense.permissions import is_scanner, require
from elicense.queries.oidc import connected_systems
from elicense.queries.verifications import SCANNED_CERTIFICATE_HOURS, printable_certificates
from elicense.services import issue_presentation_code
from elicense.services.documents import pdf_ready, public_url, request_certificate_pdf
from elicense.verification import check_certificate, live_result, verify_token
from portal.access import require_enterprise
from portal.hooks import registry
from portal.views.files import file_response


def holder_certificates(uscc: str):
    """The holder's current certificates (business licence first), each with live status."""
    return [
        (certificate, live_result(certificate))
        for certificate in Certificate.objects.shown_for_holder(uscc)
    ]


@cache_control(public=True, max_age=300)
def jwks(request):
    """The issuer's public keys (active and retired) as a JWK Set."""
    keys = [crypto.jwk(key.kid, key.public_key) for key in SigningKey.objects.published()]
    return JsonResponse({"keys": keys}, json_dumps_params={"ensure_ascii": False})


@never_cache
def holder_page(request, public_id):
    """亮照: everything the holder holds, with live status; logged as a verification."""
    certificate = get_object_or_404(Certificate, public_id=public_id)
    outcome = check_certificate(certificate, channel="public_page", verifier=request.user)
    current = holder_certificates(certificate.holder_uscc)
    return render(
        request,
        "elicense/certificate_public.html",
        {
            "certificate": certificate,
            "outcome": outcome,
            "current": current,
            "display_qr": qr.svg(public_url(certificate), title="亮照二维码"),
            "entity_key": EntityKey.objects.filter(
                holder_uscc=certificate.holder_uscc, status="active"
            ).first(),
            "badge": Badge.objects.select_related("relying_party")
            .filter(public_id=request.GET.get("badge", ""), holder_uscc=certificate.holder_uscc)
            .first(),
            "badge_copied": request.GET.get("copied") == "1",
        },
    )


@never_cache
def holder_frame(request, public_id):
    """亮照经营: the same, full-screen for a tablet on the shop wall, refreshing itself.

    Not logged as a verification: it is the holder showing its own licences.
    """
    certificate = get_object_or_404(Certificate, public_id=public_id)
    return render(
        request,
        "elicense/certificate_frame.html",
        {
            "certificate": certificate,
            "current": holder_certificates(certificate.holder_uscc),
            "display_qr": qr.svg(public_url(certificate), title="亮照二维码"),
            "refresh_seconds": 60,
        },
    )


@login_required
def my_certificates(request):
    """The enterprise's e-licence page: its certificates and the display QR; the checks and
    scan-login records for the legal representative only (the template asks)."""
    user = require_enterprise(request)
    require(user, "elicense.view_certificates")
    current = holder_certificates(user.entity_uscc)
    if not current:
        raise Http404("本企业暂无电子证照。")
    main = current[0][0]
    return render(
        request,
        "elicense/certificate_mine.html",
        {
            "current": current,
            "main": main,
            "display_url": public_url(main),
            "display_qr": qr.svg(public_url(main), title="亮照二维码"),
            # lazy: read only when the template's {% has_perm %} shows them
            "verifications": Verification.objects.of_holder(user.entity_uscc).select_related(
                "certificate"
            )[:20],
            "connected_systems": connected_systems(user.entity_uscc, viewer=user),
            "scan_logins": LoginChallenge.objects.filter(
                user__entity_uscc=user.entity_uscc, status=ChallengeStatus.CONSUMED
            ).select_related("user")[:20],
        },
    )


@login_required
@require_POST
def presentation_code(request):
    """A fresh presentation code for the enterprise's page (JSON: code, QR, lifetime); a
    refusal answers 403 with its reason, which the page shows."""
    require_enterprise(request)
    try:
        code, presentation = issue_presentation_code(acting_user=request.user)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=409)
    return JsonResponse(
        {
            "code": code,
            "qr": qr.svg(code, title="出示码二维码"),
            "expires_in": round((presentation.expires_at - timezone.now()).total_seconds()),
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def scan(request):
    """The clerk's scan page: scanner-gun input (keyboard wedge + Enter) verified at once."""
    if not is_scanner(request.user):
        raise Http404
    form = ScanForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        matter = form.cleaned_data["matter"]
        outcome = verify_token(
            form.cleaned_data["token"],
            channel="clerk_scan",
            verifier=request.user,
            verifier_label=_clerk_label(request.user),
            matter=matter.path if matter else None,
        )
        form = ScanForm(initial={"matter": matter})
    current = (
        holder_certificates(outcome.certificate.holder_uscc)
        if outcome and outcome.certificate
        else []
    )
    # 执照存档: a valid scan may be printed and filed with the clerk's open cases of the
    # holder, which the apps above contribute through the hooks registry (ADR 0021).
    cases = (
        registry.cases_for_holder(request.user, outcome.certificate.holder_uscc)
        if outcome and outcome.ok and outcome.check_id
        else []
    )
    return render(
        request,
        "elicense/certificate_scan.html",
        {
            "form": form,
            "outcome": outcome,
            "current": current,
            "cases": cases,
            "scan_hours": SCANNED_CERTIFICATE_HOURS,
        },
    )


def _clerk_label(user) -> str:
    district = f"{user.district.name}" if user.district_id else ""
    return f"{district}{user.get_role_display()} {user.full_name or user.get_username()}"


def _own_certificate(request, public_id) -> Certificate:
    """A certificate the user may print: its holder's enterprise users (404 for anyone
    else's), city-wide staff, a window clerk of the district that issued it, or window staff
    who scanned it valid lately (执照存档); then ``elicense.print_certificate`` (403 with the
    reason)."""
    user = request.user
    certificate = get_object_or_404(
        printable_certificates(user).select_related("issued_by"), public_id=public_id
    )
    if not certificate.signature:
        raise Http404
    require(user, "elicense.print_certificate", certificate)
    return certificate


@login_required
def certificate_pdf(request, public_id):
    """Download the PDF copy; rendered by Celery and cached per certificate version."""
    certificate = _own_certificate(request, public_id)
    if not pdf_ready(certificate):
        request_certificate_pdf(certificate=certificate)
    if not pdf_ready(certificate):
        response = render(
            request, "elicense/certificate_pdf_pending.html", {"certificate": certificate}
        )
        response.status_code = 202
        return response
    return file_response(
        pdf_name(certificate),
        filename=f"{certificate.get_kind_display()}-{certificate.number}.pdf",
        content_type="application/pdf",
    )


@login_required
def certificate_print(request, public_id):
    """A print view of the same content, printed from the browser."""
    certificate = _own_certificate(request, public_id)
    context = printable_context(certificate, public_url=public_url(certificate))
    return render(
        request,
        "elicense/certificate_print.html",
        {**context, "result": live_result(certificate)},
    )
