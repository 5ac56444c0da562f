"""照面信息获取: the JSON door the shared scan field (static/js/face_fill.js) posts to."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from elicense.services.faces import read_face


@login_required
@require_POST
def face_read(request):
    """Verify a scanned code and answer the licence's face (uscc, name, legal_person_name,
    address) for the page to fill its fields; a refusal answers its Chinese reason."""
    try:
        face = read_face(
            acting_user=request.user,
            token=request.POST.get("token", ""),
            purpose=request.POST.get("purpose", ""),
            expected_uscc=request.POST.get("expected_uscc", ""),
        )
    except PermissionDenied as error:
        return JsonResponse({"error": str(error) or "无权获取照面信息。"}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=422)
    return JsonResponse({"face": face.as_dict()}, json_dumps_params={"ensure_ascii": False})
