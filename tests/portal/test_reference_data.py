"""Reference data: the 16 districts and the catalogue's approving departments."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from portal.models import Department, District

pytestmark = pytest.mark.django_db

CATALOGUE = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "seeds"
    / ("shanghai-yiyeyizheng-catalogue-v2-2023.txt")
)


def test_sixteen_districts_with_gb_t_2260_codes(reference_data):
    codes = dict(District.objects.values_list("code", "name"))
    assert len(codes) == 16
    assert codes["310101"] == "黄浦区" and codes["310115"] == "浦东新区"
    assert codes["310151"] == "崇明区"


def test_every_department_the_catalogue_names_is_in_the_fixture(reference_data):
    text = CATALOGUE.read_text(encoding="utf-8")
    table = "\n".join(line for line in text.splitlines() if "\t" in line)
    named = set(re.findall(r"(?:市|区)[^、\t ，。（）()“”]{1,12}?(?:局|部门|委|机构)", table))

    assert named == set(Department.objects.values_list("short_name", flat=True))
    assert Department.objects.filter(level="city").count() == 17
