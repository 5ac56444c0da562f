"""The embeddable badge image and its link to the holder's page."""

from urllib.parse import unquote

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from elicense.models import Badge, Certificate, CertificateKind
from elicense.verification import live_result
from portal.hooks import registry


def _holder_valid(uscc: str) -> bool:
    current = list(Certificate.objects.shown_for_holder(uscc))
    business = [c for c in current if c.kind == CertificateKind.BUSINESS_LICENCE]
    return bool(business) and all(live_result(c) == "valid" for c in current)


@cache_control(max_age=300, public=True)
def badge_image(request, public_id):
    """An SVG badge with live status; the right-hand slot shows the marks registered in
    ``portal.hooks`` that apply to the holder (明厨亮灶, from mingchu). Cached 300 s."""
    badge = get_object_or_404(Badge, public_id=public_id)
    valid = _holder_valid(badge.holder_uscc)
    context = {
        "valid": valid,
        "label": "证照已核验" if valid else "证照异常，请核实",
        "marks": registry.badge_marks_for(badge.holder_uscc),
    }
    return render(request, "elicense/badge.svg", context, content_type="image/svg+xml")


def badge_link(request, public_id):
    """Where the badge links: the holder's page, told which platform and shop showed it."""
    badge = get_object_or_404(Badge.objects.select_related("relying_party"), public_id=public_id)
    main = Certificate.objects.shown_for_holder(badge.holder_uscc).first()
    if main is None:
        return HttpResponse(status=404)
    referer = unquote(request.headers.get("Referer", ""))
    url = reverse("elicense:holder_page", args=[main.public_id]) + f"?badge={badge.public_id}"
    if referer and badge.shop_id not in referer:
        url += "&copied=1"
    return redirect(url)


def badge_snippet(badge: Badge, base_url: str) -> str:
    image = base_url + reverse("elicense:badge_image", args=[badge.public_id])
    link = base_url + reverse("elicense:badge_link", args=[badge.public_id])
    return (
        f'<a href="{link}" target="_blank" rel="noopener">'
        f'<img src="{image}" alt="电子营业执照与食品经营许可证公示" width="240" height="48"></a>'
    )
