"""好差评: "运用政务服务“好差评”制度……加强对改革实施效果的评估" (shanghai-yiyeyizheng 2023).
The applicant rates after each conclusion; the window, the departments and the city see it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import AuditEvent
from tests.factories import UserFactory, clerk
from tests.yiyeyizheng.conftest import licensed, start
from yiyeyizheng.models import ServiceRating
from yiyeyizheng.services.ratings import rate_service

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]

GRADES = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]


@pytest.fixture
def concluded(owner, xuhui_clerk, store_format, samr_reviewer, tobacco_reviewer):
    application = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer])
    assert application.status == "licensed"
    return application


def test_the_applicant_rates_a_concluded_application_with_the_five_grades(client, owner, concluded):
    client.force_login(owner)
    url = reverse("yiyeyizheng:application_detail", args=[concluded.number])
    page = client.get(url).content.decode()
    assert "服务评价（好差评）" in page
    positions = [page.index(grade) for grade in GRADES]
    assert positions == sorted(positions)  # in the system's order

    client.post(
        reverse("yiyeyizheng:application_rate", args=[concluded.number]),
        {"grade": "very_satisfied"},
    )

    rating = ServiceRating.objects.get(application=concluded)
    assert rating.get_grade_display() == "非常满意" and rating.rated_by == owner
    assert "评价：非常满意" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(
        action="yyz_rating.rated", object_id=str(concluded.pk)
    ).exists()


@pytest.mark.parametrize("grade", ["dissatisfied", "very_dissatisfied"])
def test_a_low_grade_needs_a_reason(owner, concluded, grade):
    with pytest.raises(ValidationError, match="请写明理由"):
        rate_service(acting_user=owner, application=concluded, grade=grade, reason="  ")
    assert not ServiceRating.objects.exists()
    rate_service(acting_user=owner, application=concluded, grade=grade, reason="等候时间太长")
    assert ServiceRating.objects.get().reason == "等候时间太长"


def test_one_rating_per_conclusion_and_none_before_it(owner, concluded, store_format):
    draft = start(owner, store_format)
    with pytest.raises(ValidationError, match="办结后才能评价"):
        rate_service(acting_user=owner, application=draft, grade="satisfied")
    rate_service(acting_user=owner, application=concluded, grade="satisfied")
    with pytest.raises(ValidationError, match="已评价"):
        rate_service(acting_user=owner, application=concluded, grade="very_satisfied")
    with pytest.raises(ValidationError, match="请选择评价等级"):
        rate_service(acting_user=owner, application=concluded, grade="great")


def test_the_window_and_the_departments_see_their_ratings_and_no_one_elses(
    client, owner, concluded, xuhui_clerk, samr_reviewer, django_assert_max_num_queries
):
    rate_service(
        acting_user=owner, application=concluded, grade="dissatisfied", reason="材料要求不清楚"
    )
    url = reverse("yiyeyizheng:rating_list")

    for person in (xuhui_clerk, samr_reviewer, UserFactory()):  # the last: a city officer
        client.force_login(person)
        with django_assert_max_num_queries(12):
            page = client.get(url).content.decode()
        assert "材料要求不清楚" in page and concluded.number in page
        assert 'data-grade-count="dissatisfied">1<' in page
    client.force_login(clerk("310101", username="huangpu_window"))
    other = client.get(url).content.decode()
    assert concluded.number not in other and "data-rating-total>0<" in other
    client.force_login(owner)
    assert client.get(url).status_code == 403
