"""The composite licence after issue: change re-reviews only what is affected; cancellation
ends it and its certificate; reissue revokes the old certificate and issues a new version."""

import pytest
from django.core.exceptions import ValidationError

from elicense.models import Certificate, CertificateKind, CertificateStatus
from tests.yiyeyizheng.conftest import STORE_ANSWERS, complete, licensed, reviewer
from yiyeyizheng.models import ApplicationKind, ApplicationStatus, CompositeLicence, LicenceStatus
from yiyeyizheng.services import applications as services
from yiyeyizheng.services import changes
from yiyeyizheng.services.licences import certificate_of

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")


@pytest.fixture
def licence(owner, xuhui_clerk, store_format, samr_reviewer, tobacco_reviewer):
    return licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer]).licence


def submit_and_accept(owner, clerk, application, purpose=None):
    if purpose:
        complete(owner, application, purpose=purpose)
    services.submit_application(acting_user=owner, application=application)
    services.accept_application(acting_user=clerk, application=application)
    application.refresh_from_db()
    return application


def test_a_change_routes_only_the_items_whose_decision_changed(
    owner, xuhui_clerk, licence, samr_reviewer
):
    drugs = reviewer("samr_district", username="samr_drugs")
    answers = {**STORE_ANSWERS, "sells_drugs": "true"}
    application = changes.start_change(
        acting_user=owner, licence=licence, answers=answers, form_data={}
    )
    assert application.kind == ApplicationKind.CHANGE and application.licence == licence
    application = submit_and_accept(owner, xuhui_clerk, application)
    routed = list(application.reviews.values_list("permit_name", "department__code"))
    assert routed == [("药品零售企业经营许可", "samr_district")]
    from yiyeyizheng.services.reviews import approve_item

    approve_item(acting_user=drugs, review=application.reviews.get())
    application.refresh_from_db()
    new = application.licence
    assert application.status == ApplicationStatus.LICENSED
    assert (new.number, new.version) == (licence.number, 2)
    assert (new.valid_from, new.valid_to) == (licence.valid_from, licence.valid_to)
    assert [item["permit"] for item in new.items] == [
        "食品经营许可",
        "烟草专卖零售许可",
        "药品零售企业经营许可",
    ]
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUPERSEDED
    assert certificate_of(licence).status == CertificateStatus.SUPERSEDED
    assert certificate_of(new).supersedes == certificate_of(licence)


def test_a_change_of_premises_re_reviews_every_item(owner, xuhui_clerk, licence):
    application = changes.start_change(
        acting_user=owner,
        licence=licence,
        answers=STORE_ANSWERS,
        form_data={"premises_address": "上海市徐汇区天钥桥路1号"},
    )
    application = submit_and_accept(owner, xuhui_clerk, application)
    assert sorted(application.reviews.values_list("department__code", flat=True)) == [
        "samr_district",
        "tobacco_district",
    ]


def test_a_change_affecting_nothing_is_decided_at_acceptance(owner, xuhui_clerk, licence):
    application = changes.start_change(
        acting_user=owner, licence=licence, answers=STORE_ANSWERS, form_data={}
    )
    application = submit_and_accept(owner, xuhui_clerk, application)
    assert not application.reviews.exists()
    assert application.status == ApplicationStatus.LICENSED
    assert application.licence.version == 2


def test_only_one_open_application_per_licence(owner, licence):
    changes.start_cancellation(acting_user=owner, licence=licence, reason="歇业")
    with pytest.raises(ValidationError, match="正在办理"):
        changes.start_reissue(acting_user=owner, licence=licence, reason="遗失")


def test_cancellation_ends_the_licence_its_items_and_its_certificate(owner, xuhui_clerk, licence):
    with pytest.raises(ValidationError, match="事由"):
        changes.start_cancellation(acting_user=owner, licence=licence, reason="")
    application = changes.start_cancellation(acting_user=owner, licence=licence, reason="歇业")
    application = submit_and_accept(owner, xuhui_clerk, application)
    assert application.status == ApplicationStatus.COMPLETED
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED
    assert {item["result"] for item in licence.items} == {"已注销"}
    certificate = certificate_of(licence)
    assert certificate.status == CertificateStatus.CANCELLED
    with pytest.raises(ValidationError, match="已注销"):
        changes.start_change(acting_user=owner, licence=licence, answers={}, form_data={})


def test_reissue_revokes_the_old_certificate_and_issues_a_new_version(
    owner, xuhui_clerk, licence, shop
):
    old_certificate = certificate_of(licence)
    application = changes.start_reissue(acting_user=owner, licence=licence, reason="正本遗失")
    with pytest.raises(ValidationError, match="遗失"):
        services.submit_application(acting_user=owner, application=application)
    application = submit_and_accept(owner, xuhui_clerk, application, purpose="loss_statement")
    assert application.status == ApplicationStatus.LICENSED
    new = application.licence
    assert (new.number, new.version) == (licence.number, 2)
    assert new.items == licence.items
    old_certificate.refresh_from_db()
    assert old_certificate.status == CertificateStatus.REVOKED
    fresh = certificate_of(new)
    assert fresh.status == CertificateStatus.PENDING_SIGNATURE and fresh.face["version"] == 2
    shown = Certificate.objects.shown_for_holder(shop.uscc).filter(
        kind=CertificateKind.COMPOSITE_LICENCE, status=CertificateStatus.PENDING_SIGNATURE
    )
    assert list(shown) == [fresh]


def test_licence_numbers_count_per_district_and_year(
    owner, xuhui_clerk, store_format, samr_reviewer, tobacco_reviewer, licence
):
    second = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer]).licence
    assert int(second.number[-5:]) == int(licence.number[-5:]) + 1
    assert CompositeLicence.objects.active().count() == 2
