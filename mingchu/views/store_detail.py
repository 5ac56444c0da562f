"""One demo store for district officers: 附件4 fields, stage history, cameras, platforms, video.

City officers and administrators read it; only the store's district officer changes it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mingchu.forms.stores import CameraForm, PlatformForm, VideoForm
from mingchu.models import DemoStore, StageChange
from mingchu.services import add_camera, connect_platform, set_video_stream
from mingchu.views.common import require_reader
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once
from portal.permissions import allows

FORMS = {"camera": CameraForm, "platform": PlatformForm, "video": VideoForm}
#: Creates on this page, answered once per form token (portal.idempotency); the video
#: address is a setting and needs none.
CAMERA = "mingchu.store.camera"
PLATFORM = "mingchu.store.platform"
CREATES = {"camera": CAMERA, "platform": PLATFORM}


def _store(request, pk) -> DemoStore:
    require_reader(request)
    stores = (
        DemoStore.objects.visible_to(request.user)
        .select_related("district")
        .prefetch_related(
            "cameras",
            "platform_connections",
            Prefetch("stage_history", queryset=StageChange.objects.select_related("changed_by")),
        )
    )
    return get_object_or_404(stores, pk=pk)


def _save(request, store, which, form) -> None:
    data = form.cleaned_data
    back = reverse("mingchu:store_detail", args=[store.pk])
    if which == "camera":
        once = submit_form_once(
            request,
            action=CAMERA,
            create=lambda: add_camera(acting_user=request.user, store=store, **data),
            url=lambda _: back,
        )
        if not once.replayed:
            messages.success(request, f"已登记摄像头：{data['position']}")
    elif which == "platform":
        once = submit_form_once(
            request,
            action=PLATFORM,
            create=lambda: connect_platform(acting_user=request.user, store=store, **data),
            url=lambda _: back,
        )
        if not once.replayed:
            messages.success(request, f"已登记平台对接：{data['platform']}")
    else:
        try:
            set_video_stream(acting_user=request.user, store=store, url=data["url"])
        except ValidationError as error:
            raise ValidationError({"url": error.messages}) from error
        messages.success(request, "已更新视频流地址。" if data["url"] else "已清除视频流地址。")


@login_required
@require_http_methods(["GET", "POST"])
def store_detail(request, pk):
    store = _store(request, pk)
    can_edit = allows(request.user, "mingchu.maintain_stores")
    bound = {}
    if request.method == "POST":
        which = request.POST.get("form")
        if not can_edit or which not in FORMS:
            raise Http404
        if which in CREATES and (replay := replay_form(request, action=CREATES[which])):
            return replay
        form = FORMS[which](request.POST)
        if form.is_valid():
            try:
                _save(request, store, which, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("mingchu:store_detail", pk=store.pk)
        bound[which] = form
    forms_ = {}
    if can_edit:
        forms_ = {
            "camera_form": bound.get("camera") or CameraForm(),
            "platform_form": bound.get("platform") or PlatformForm(),
            "video_form": bound.get("video") or VideoForm(initial={"url": store.video_stream_url}),
        }
    cameras = list(store.cameras.all())
    context = {
        "store": store,
        "can_edit": can_edit,
        "cameras": cameras,
        "covered": store.covered_control_points(),
        "connections": list(store.platform_connections.all()),
        "history": list(store.stage_history.all()),
        "next_stage_label": _next_stage_label(store),
        "blocked_reason": store.missing_for_next_stage() if store.next_stage() else None,
        **forms_,
    }
    return render(request, "mingchu/demostore_detail.html", context, status=400 if bound else 200)


def _next_stage_label(store) -> str | None:
    target = store.next_stage()
    return dict(DemoStore._meta.get_field("stage").choices)[target] if target else None
