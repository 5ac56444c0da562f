"""Public pages (no login): the demo-store list by district and one store's page.

A store's page shows the 明厨亮灶 mark once it is 完成建设, links to the holder's electronic
licence page, names the delivery platforms it sells on, the platforms showing its kitchen
video and the key control points covered, and plays the kitchen video when the browser can
(http(s) .mp4/.m3u8/.webm), with a link otherwise.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from elicense.models import Certificate
from mingchu.models import DemoStore, DistrictQuota, Stage
from mingchu.views.common import selected_year
from portal.models import District
from portal.queries.replica import reads_from_replica

PAGE_SIZE = 50
PLAYABLE = {".mp4": "video/mp4", ".m3u8": "application/vnd.apple.mpegurl", ".webm": "video/webm"}


@reads_from_replica
def public_store_list(request):
    """The year's demo stores (default the project year), by district, paginated."""
    year = selected_year(request)
    districts = list(District.objects.all())
    code = request.GET.get("district", "")
    district = next((d for d in districts if d.code == code), None)
    stores = (
        DemoStore.objects.filter(year=year)
        .select_related("district")
        .order_by("district__sort_order", "unit_name", "id")
    )
    if district is not None:
        stores = stores.filter(district=district)
    page = Paginator(stores, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "districts": districts,
        "district": district,
        "page": page,
        "stores": page,
        "year": year,
        "years": DistrictQuota.objects.years(),
    }
    return render(request, "mingchu/demostore_public_list.html", context)


def video_player(url: str) -> dict | None:
    """How the page offers the stream: a <video> for http(s) files browsers play, else a link."""
    if not url:
        return None
    parts = urlsplit(url)
    suffix = "." + parts.path.rsplit(".", 1)[-1].lower() if "." in parts.path else ""
    if parts.scheme in ("http", "https") and suffix in PLAYABLE:
        origin = f"{parts.scheme}://{parts.netloc}"
        return {"url": url, "type": PLAYABLE[suffix], "playable": True, "origin": origin}
    return {"url": url, "playable": False, "scheme": parts.scheme}


def public_store_detail(request, pk):
    store = get_object_or_404(
        DemoStore.objects.select_related("district").prefetch_related(
            "cameras", "platform_connections"
        ),
        pk=pk,
    )
    main = Certificate.objects.shown_for_holder(store.holder_uscc).first()
    video = video_player(store.video_stream_url)
    context = {
        "store": store,
        "completed": store.stage == Stage.COMPLETED,
        "holder_url": reverse("elicense:holder_page", args=[main.public_id]) if main else None,
        "connections": list(store.platform_connections.all()),
        "covered": store.covered_control_points(),
        "video": video,
    }
    response = render(request, "mingchu/demostore_public_detail.html", context)
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
    if policy and video and video["playable"]:
        # The page's own policy lets the kitchen video (and only its host) play.
        response["Content-Security-Policy"] = f"{policy}; media-src 'self' {video['origin']}"
    return response
