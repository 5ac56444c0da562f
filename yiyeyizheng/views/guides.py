"""合规经营指南 (一册告知): one public page per format, linked from its questionnaire."""

from django.http import Http404
from django.shortcuts import render

from yiyeyizheng.models import BusinessFormat, CatalogueVersion, ComplianceGuide


def guide(request, seq: int):
    version = CatalogueVersion.current()
    business_format = (
        BusinessFormat.objects.of(version).filter(seq=seq).first() if version else None
    )
    if business_format is None:
        raise Http404("目录中没有该经营业态。")
    guide = ComplianceGuide.objects.filter(business_format=business_format).first()
    if guide is None:
        raise Http404("该经营业态尚未发布合规经营指南。")
    return render(
        request,
        "yiyeyizheng/guide_detail.html",
        {"format": business_format, "guide": guide, "version": version},
    )
