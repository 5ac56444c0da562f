"""Electronic signatures: the enterprise signs, anyone verifies (电子签名)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from elicense import crypto
from elicense.forms.signatures import SignForm, VerifyForm
from elicense.models import EntityKey, SignedDocument
from elicense.permissions import require
from elicense.queries.signatures import signed_rows
from elicense.services.signatures import (
    rotate_entity_key,
    sign_document,
    verify_signature,
)
from portal.access import require_enterprise
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once
from portal.identifiers import normalise_identifier

#: Signing is answered once per form token (portal.idempotency).
SIGN = "elicense.document.sign"


@login_required
@require_http_methods(["GET", "POST"])
def document_sign(request):
    """The enterprise user signs business data in the entity's name."""
    user = require_enterprise(request)
    require(user, "elicense.sign_document")
    if request.method == "POST" and (replay := replay_form(request, action=SIGN)):
        return replay
    form = SignForm(request.POST or None, request.FILES or None, holder_uscc=user.entity_uscc)
    if request.method == "POST" and form.is_valid():
        matter = form.cleaned_data["matter"]
        try:
            once = submit_form_once(
                request,
                action=SIGN,
                create=lambda: sign_document(
                    acting_user=user,
                    title=form.cleaned_data["title"],
                    data=form.cleaned_data["data"],
                    matter=matter.path if matter else "",
                    algorithm=form.cleaned_data["algorithm"],
                ),
                url=lambda document: reverse("elicense:document_detail", args=[document.public_id]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(once.url)
    return render(request, "elicense/document_sign.html", {"form": form})


def document_detail(request, public_id):
    """Public: who signed what, when, under which authorisation, re-verified now."""
    document = get_object_or_404(
        SignedDocument.objects.select_related("signer", "key", "authorisation__scope"),
        public_id=public_id,
    )
    valid, message, _ = verify_signature(
        holder_uscc=document.holder_uscc, data=document.data, signature=document.signature
    )
    return render(
        request,
        "elicense/document_detail.html",
        {
            "document": document,
            "valid": valid,
            "message": message,
            "pretty": json.dumps(document.data, ensure_ascii=False, indent=2),
            "rows": signed_rows(document.data),
        },
    )


@require_http_methods(["GET", "POST"])
def document_verify(request):
    """Public: check a signature someone handed over against the entity's published keys."""
    form = VerifyForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        valid, message, key = verify_signature(
            holder_uscc=form.cleaned_data["uscc"],
            data=form.cleaned_data["data"],
            signature=form.cleaned_data["signature"].strip(),
        )
        document = None
        if valid:
            document = (
                SignedDocument.objects.filter(signature=form.cleaned_data["signature"].strip())
                .select_related("signer", "authorisation__scope")
                .first()
            )
        result = {"valid": valid, "message": message, "key": key, "document": document}
    return render(request, "elicense/document_verify.html", {"form": form, "result": result})


@cache_control(public=True, max_age=300)
def entity_keys(request, uscc):
    """Public: the entity's signing keys (active and retired) as a JWK Set."""
    keys = EntityKey.objects.filter(holder_uscc=normalise_identifier(uscc)).order_by("-created_at")
    if not keys:
        raise Http404
    return JsonResponse(
        {"keys": [{**crypto.jwk(key.kid, key.public_key), "status": key.status} for key in keys]}
    )


@login_required
def key_list(request):
    """The enterprise's signing keys (active and retired); the legal representative may
    replace the active one (the template asks ``elicense.rotate_key``), for instance when a
    device holding access was lost."""
    user = require_enterprise(request)
    require(user, "elicense.view_keys")
    keys = EntityKey.objects.filter(holder_uscc=user.entity_uscc).order_by("-created_at")
    return render(request, "elicense/entitykey_list.html", {"keys": keys})


@login_required
@require_POST
def key_rotate(request):
    """更换签名密钥: ``rotate_entity_key`` (audited); earlier signatures keep verifying."""
    user = require_enterprise(request)
    require(user, "elicense.rotate_key")
    if request.POST.get("confirm") != "on":
        messages.error(request, "请先勾选确认，再更换签名密钥。")
        return redirect("elicense:key_list")
    try:
        key = rotate_entity_key(acting_user=user, holder_uscc=user.entity_uscc)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已更换签名密钥，新密钥：{key.kid}。此前的签名仍可验证。")
    return redirect("elicense:key_list")
