"""Public pages of the credential layer: the holder's page, the JWKS, the enterprise's view."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache

from elicense import crypto, qr
from elicense.models import Certificate, CertificateKind, SigningKey, Verification
from elicense.verification import check_certificate, live_result
from portal.models import Role

KIND_ORDER = Case(
    When(kind=CertificateKind.BUSINESS_LICENCE, then=Value(0)),
    When(kind=CertificateKind.FOOD_LICENCE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def public_url(certificate: Certificate) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(
        "elicense:holder_page", args=[certificate.public_id]
    )


def holder_certificates(uscc: str):
    """The holder's current certificates (business licence first), each with live status."""
    heads = (
        Certificate.objects.of_holder(uscc)
        .heads()
        .annotate(kind_order=KIND_ORDER)
        .order_by("kind_order", "number")
    )
    return [(certificate, live_result(certificate)) for certificate in heads]


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
            "frame": request.GET.get("frame") == "1",
        },
    )


@login_required
def my_certificates(request):
    """The enterprise's e-licence page: its certificates and the display QR."""
    if request.user.role != Role.ENTERPRISE:
        raise Http404
    current = holder_certificates(request.user.entity_uscc)
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
            "verifications": Verification.objects.of_holder(
                request.user.entity_uscc
            ).select_related("certificate")[:20],
        },
    )
