"""Every model people read answers ``visible_to(user)`` (issue 14): a new model must either
scope itself or say here why it needs no scope, so no page filters by hand again."""

import pytest
from django.apps import apps
from django.utils import timezone

from elicense.models import RelyingParty
from elicense.services.relying_parties import create_relying_party
from licensing.models import Supplier
from mingchu.models import CityRollup
from portal.models import Role
from tests.factories import UserFactory, enterprise_user, register

APPS = ("portal", "elicense", "licensing", "yiyeyizheng", "mingchu")

#: Models without ``visible_to``, each with why: reference data anyone may read, rows read
#: only through a scoped parent, rows no page reads (internal or admin-only), or rows a
#: relying party reads through the API under its own key.
NOT_SCOPED = {
    "portal.District": "reference data, public",
    "portal.Department": "reference data, public",
    "portal.CalendarDay": "the working-day calendar, public",
    "portal.User": "accounts: the admin only",
    "portal.AuditEvent": "the admin only",
    "portal.SubmissionKey": "internal (one answer per form token)",
    "portal.OutboxMessage": "internal (the transactional outbox)",
    "portal.Counter": "internal (numbering, the change feed's sequences)",
    "elicense.Matter": "reference data, public",
    "elicense.Badge": "public by its unguessable id",
    "elicense.ChangeEvent": "the API, scoped by the party's subscriptions",
    "elicense.Subscription": "the API, under the party's key",
    "elicense.WebhookEndpoint": "the API and the admin",
    "elicense.WebhookDelivery": "the API and the admin",
    "elicense.WebhookAttempt": "the admin",
    "elicense.SigningKey": "public keys (JWKS)",
    "elicense.LoginChallenge": "by its unguessable token",
    "elicense.OidcClient": "the admin",
    "elicense.OidcSignIn": "read with its consent (OidcConsent.visible_to)",
    "elicense.PresentationCode": "by its unguessable code",
    "elicense.EntityKey": "public keys of entities",
    "elicense.SignedDocument": "public by its unguessable id (anyone verifies a signature)",
    "licensing.BulkCheckRow": "through its BulkCheck",
    "licensing.UsccAllowlistEntry": "the admin",
    "licensing.BusinessLicence": "through its MarketEntity",
    "yiyeyizheng.Attachment": "through its Application",
    "yiyeyizheng.LicenceFiling": "through its Application (执照存档)",
    "yiyeyizheng.CatalogueVersion": "the published catalogue, public",
    "yiyeyizheng.BusinessFormat": "the published catalogue, public",
    "yiyeyizheng.PermitItem": "the published catalogue, public",
    "yiyeyizheng.FormatItem": "the published catalogue, public",
    "yiyeyizheng.ComplianceGuide": "public guidance",
    "mingchu.QuotaChange": "through its DistrictQuota",
    "mingchu.ProjectDeadline": "the year's deadline, shown to every reader",
    "mingchu.YearAcceptance": "the city's acceptance page (mingchu.view_acceptance)",
    "mingchu.AssessmentAttachment": "through its DistrictAssessment",
    "mingchu.ReportVersion": "through its MonthlyReport",
    "mingchu.ReportReminder": "internal (reminders sent)",
    "mingchu.Camera": "through its DemoStore",
    "mingchu.PlatformConnection": "through its DemoStore",
    "mingchu.StageChange": "through its DemoStore",
}


def _models():
    for app in APPS:
        yield from apps.get_app_config(app).get_models()


def test_every_model_scopes_itself_or_says_why_not():
    unexplained = [
        model._meta.label
        for model in _models()
        if not hasattr(model.objects, "visible_to") and model._meta.label not in NOT_SCOPED
    ]
    assert unexplained == [], "add visible_to(user) or a reason to NOT_SCOPED"


def test_the_list_of_unscoped_models_is_current():
    labels = {model._meta.label: model for model in _models()}
    stale = [label for label in NOT_SCOPED if label not in labels]
    scoped = [
        label
        for label in NOT_SCOPED
        if label in labels and hasattr(labels[label].objects, "visible_to")
    ]
    assert stale == [] and scoped == []


@pytest.mark.django_db
def test_access_applications_are_seen_by_their_reviewers_only(reference_data):
    create_relying_party(name="甲平台", peak_qps=5)

    assert RelyingParty.objects.visible_to(UserFactory(role=Role.CITY_OFFICER)).count() == 1
    assert RelyingParty.objects.visible_to(UserFactory(role=Role.ADMINISTRATOR)).count() == 1
    for role in (Role.ENTERPRISE, Role.WINDOW_CLERK, Role.DISTRICT_OFFICER):
        assert not RelyingParty.objects.visible_to(UserFactory(role=role)).exists()


@pytest.mark.django_db
def test_the_city_summary_is_for_city_wide_staff(reference_data):
    CityRollup.objects.create(year=2022, month=10, revision=1, built_at=timezone.now())

    assert CityRollup.objects.visible_to(UserFactory(role=Role.CITY_OFFICER)).count() == 1
    officer = UserFactory(role=Role.DISTRICT_OFFICER)
    assert not CityRollup.objects.visible_to(officer).exists()


@pytest.mark.django_db
def test_a_supplier_list_is_its_own_entitys_only(xuhui_clerk):
    mine = enterprise_user(register(xuhui_clerk, name="上海甲食堂管理有限公司"))
    theirs = enterprise_user(register(xuhui_clerk, name="上海乙食堂管理有限公司"))
    Supplier.objects.create(owner_uscc=mine.entity_uscc, identifier=theirs.entity_uscc)

    assert Supplier.objects.visible_to(mine).count() == 1
    assert not Supplier.objects.visible_to(theirs).exists()
    assert not Supplier.objects.visible_to(xuhui_clerk).exists()
