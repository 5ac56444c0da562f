"""The public guided questionnaire (一次告知): pick a format, answer, see what to apply for."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from yiyeyizheng.forms.questionnaire import AnswersForm
from yiyeyizheng.models import BusinessFormat, CatalogueVersion, ComplianceGuide
from yiyeyizheng.queries.decisions import decide, questions_for


def format_list(request):
    version = CatalogueVersion.current()
    formats = BusinessFormat.objects.of(version) if version else []
    return render(request, "yiyeyizheng/format_list.html", {"version": version, "formats": formats})


def questionnaire(request, seq: int):
    version = CatalogueVersion.current()
    business_format = (
        BusinessFormat.objects.of(version).with_items().filter(seq=seq).first() if version else None
    )
    if business_format is None:
        raise Http404("目录中没有该经营业态。")
    questions = questions_for(business_format)
    keys = {q.key for q in questions}
    bound = any(key in request.GET for key in keys) or "answered" in request.GET
    form = AnswersForm(request.GET if bound else None, questions=questions)
    decisions = None
    if bound and form.is_valid():
        decisions = decide(business_format, form.answers())
    return render(
        request,
        "yiyeyizheng/format_questionnaire.html",
        {
            "version": version,
            "format": business_format,
            "form": form,
            "decisions": decisions,
            "answered": form.answered() if decisions is not None else [],
            "share_url": request.build_absolute_uri() if decisions is not None else "",
            "apply_url": _apply_url(seq, form) if decisions is not None else "",
            "has_guide": ComplianceGuide.objects.filter(business_format=business_format).exists(),
        },
    )


def _apply_url(seq: int, form: AnswersForm) -> str:
    """一表申请 from this result: the application start page with the same answers."""
    answers = {key: value for key, value in form.data.items() if key in form.fields and value}
    return f"{reverse('yiyeyizheng:application_start', args=[seq])}?{urlencode(answers)}"
