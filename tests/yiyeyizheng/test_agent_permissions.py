"""An agent acts for its entity only under a current authorisation covering the matter (ADR 0015).

Every page and form an enterprise user can reach in elicense, licensing and 一业一证 (listed
from their URLconfs below; a test fails when a new one is left out) is tried by an agent whose
authorisation was revoked, has not started, has ended, was never granted, or covers another
matter (税务): each is refused with a 403 that says why and names the legal representative to
ask, and nothing is written. With a current authorisation for 电子政务/市场监管 the same agent
opens them all. The services refuse the same agent on their own, whoever calls them.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from elicense import services as elicense_services
from elicense.models import Certificate, Matter
from elicense.services.authorisations import grant_authorisation, revoke_authorisation
from elicense.services.signatures import rotate_entity_key, sign_document
from licensing import services as licensing_services
from licensing.models import BulkCheck, Supplier
from licensing.services.bulk import HEADER, run_bulk_check
from portal.models import AuditEvent
from tests.factories import enterprise_user, register
from tests.yiyeyizheng.conftest import STORE_ANSWERS, STORE_SEQ, complete, licensed, pdf_upload
from yiyeyizheng.services import applications, attachments, changes
from yiyeyizheng.services.assistance import request_assistance

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]

ANY, FOOD, YYZ = "any matter", "电子政务/市场监管/食品经营许可", "电子政务/市场监管/一业一证"
LEGAL_NAME = "钱法人"


# --- the entity, its legal representative and its agent ---------------------------------


def _grant(world, scope="电子政务/市场监管", starts=datetime.timedelta(0), days=30):
    now = timezone.now()
    return grant_authorisation(
        acting_user=world.owner,
        agent=world.agent,
        scope=Matter.objects.get(path=scope),
        valid_from=now + starts,
        valid_to=now + starts + datetime.timedelta(days=days),
    )


def _csv_upload():
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(HEADER), ["91350100M000100Y43", "某", "", "址"]])
    return SimpleUploadedFile("商户.csv", buffer.getvalue().encode("utf-8"))


@pytest.fixture
def world(xuhui_clerk, store_format, samr_reviewer, tobacco_reviewer, signing_key):
    """A shop with a signed e-licence, a composite licence, and the agent's own work done
    while it was authorised: a draft with an attachment, a supplier, a bulk check."""
    shop = register(xuhui_clerk, name="上海授权便利商贸有限公司")
    for certificate in Certificate.objects.filter(holder_uscc=shop.uscc):
        elicense_services.sign_certificate(certificate_id=certificate.pk)
    world = SimpleNamespace(
        shop=shop,
        other=register(xuhui_clerk, name="上海供货食品有限公司"),
        owner=enterprise_user(shop, username="shop_legal", full_name=LEGAL_NAME),
        agent=enterprise_user(shop, capacity="agent", username="shop_agent", full_name="孙经办"),
        certificate=Certificate.objects.get(holder_uscc=shop.uscc),
        store_format=store_format,
    )
    world.grant = _grant(world)
    concluded = licensed(world.owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer])
    world.licence, world.licensed_number = concluded.licence, concluded.number
    world.assistance = request_assistance(
        acting_user=world.owner, business_format=store_format, note="请窗口代填",
        contact_phone="13800000000",
    )  # fmt: skip
    world.draft = complete(
        world.agent,
        applications.start_application(
            acting_user=world.agent, business_format=store_format, answers=STORE_ANSWERS
        ),
    )
    world.attachment = world.draft.attachments.get()
    world.supplier = licensing_services.add_supplier(
        acting_user=world.agent, identifier=world.other.uscc
    )
    world.check = licensing_services.create_bulk_check(
        file_name="商户.csv", data=_csv_upload().read(), acting_user=world.agent
    )
    run_bulk_check(bulk_check_id=world.check.pk)  # the job its commit would queue
    return world


# What became of the agent's authorisation: each returns the agent and a phrase of the reason.
def revoked(world, time_machine):
    revoke_authorisation(acting_user=world.owner, authorisation=world.grant, reason="离职")
    return world.agent, "被撤销"


def not_yet_started(world, time_machine):
    revoke_authorisation(acting_user=world.owner, authorisation=world.grant, reason="改期")
    _grant(world, starts=datetime.timedelta(days=1))
    return world.agent, "起才生效"


def expired(world, time_machine):
    time_machine.move_to(world.grant.valid_to + datetime.timedelta(minutes=1))
    return world.agent, "到期"


def never_granted(world, time_machine):
    return enterprise_user(world.shop, capacity="agent", username="new_agent"), "尚未获得授权"


def another_matter(world, time_machine):
    revoke_authorisation(acting_user=world.owner, authorisation=world.grant, reason="调岗")
    _grant(world, scope="电子政务/税务")
    return world.agent, "授权"


REFUSED_STATES = [revoked, not_yet_started, expired, never_granted, another_matter]


# --- every enterprise page, from the URLconfs --------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    needs: str  # the matter an agent's authorisation must cover (ADR 0015)
    method: str = "get"
    args: Callable = lambda w: []
    data: Callable = lambda w: {}
    query: dict = field(default_factory=dict)

    def request(self, client, world):
        url = reverse(self.name, args=self.args(world))
        if self.method == "post":
            return client.post(url, self.data(world))
        return client.get(url, self.query)


PAGES = [
    Page("elicense:my_certificates", ANY),
    Page("elicense:presentation_code", ANY, "post"),
    Page("elicense:certificate_pdf", ANY, args=lambda w: [w.certificate.public_id]),
    Page("elicense:certificate_print", ANY, args=lambda w: [w.certificate.public_id]),
    Page("elicense:document_sign", ANY),
    Page(
        "elicense:document_sign",
        ANY,
        "post",
        data=lambda w: {
            "title": "合同",
            "matter": "电子政务/市场监管/动产抵押",
            "subject": "text",
            "text": "合同",
        },  # fmt: skip
    ),
    Page("elicense:key_list", ANY),
    Page(
        "elicense:face_read",
        ANY,
        "post",
        data=lambda w: {"token": f"/v/{w.certificate.public_id}/", "purpose": "供货者清单"},
    ),
    Page("licensing:my_entity", ANY),
    Page("licensing:entity_detail", ANY, args=lambda w: [w.shop.pk]),
    Page("licensing:entity_list", ANY),
    Page("licensing:supplier_list", FOOD),
    Page("licensing:supplier_list", FOOD, "post", data=lambda w: {"identifier": w.shop.uscc}),
    Page("licensing:supplier_remove", FOOD, "post", args=lambda w: [w.supplier.pk]),
    Page("licensing:bulkcheck_list", FOOD),
    Page("licensing:bulkcheck_list", FOOD, "post", data=lambda w: {"file": _csv_upload()}),
    Page("licensing:bulkcheck_detail", FOOD, args=lambda w: [w.check.pk]),
    Page("licensing:bulkcheck_status", FOOD, args=lambda w: [w.check.pk]),
    Page("licensing:bulkcheck_result", FOOD, args=lambda w: [w.check.pk]),
    Page("yiyeyizheng:application_list", YYZ),
    Page("yiyeyizheng:application_start", YYZ, args=lambda w: [STORE_SEQ], query=STORE_ANSWERS),
    Page(
        "yiyeyizheng:application_start", YYZ, "post", lambda w: [STORE_SEQ], lambda w: STORE_ANSWERS
    ),
    Page("yiyeyizheng:application_detail", YYZ, args=lambda w: [w.draft.number]),
    Page("yiyeyizheng:application_edit", YYZ, args=lambda w: [w.draft.number]),
    Page(
        "yiyeyizheng:application_edit",
        YYZ,
        "post",
        args=lambda w: [w.draft.number],
        data=lambda w: {**w.draft.form_data, "contact_phone": "13900000000"},
    ),
    Page(
        "yiyeyizheng:attachment_upload",
        YYZ,
        "post",
        args=lambda w: [w.draft.number],
        data=lambda w: {"purpose": "other", "file": pdf_upload()},
    ),
    Page(
        "yiyeyizheng:attachment_download",
        YYZ,
        args=lambda w: [w.draft.number, w.attachment.pk],
    ),
    Page(
        "yiyeyizheng:attachment_delete",
        YYZ,
        "post",
        args=lambda w: [w.draft.number, w.attachment.pk],
    ),
    Page("yiyeyizheng:application_sign", YYZ, args=lambda w: [w.draft.number]),
    Page("yiyeyizheng:acceptance_notice", YYZ, args=lambda w: [w.draft.number]),
    Page("yiyeyizheng:application_submit", YYZ, "post", args=lambda w: [w.draft.number]),
    Page("yiyeyizheng:application_correct", YYZ, "post", args=lambda w: [w.draft.number]),
    Page("yiyeyizheng:application_withdraw", YYZ, "post", args=lambda w: [w.draft.number]),
    Page("yiyeyizheng:assistance_list", YYZ),
    Page(
        "yiyeyizheng:assistance_list",
        YYZ,
        "post",
        data=lambda w: {
            "business_format": w.store_format.pk,
            "note": "请窗口代填",
            "contact_phone": "13800000000",
        },
    ),
    Page("yiyeyizheng:assistance_detail", YYZ, args=lambda w: [w.assistance.pk]),
    Page("yiyeyizheng:assistance_cancel", YYZ, "post", args=lambda w: [w.assistance.pk]),
    Page(
        "yiyeyizheng:application_rate",
        YYZ,
        "post",
        args=lambda w: [w.licensed_number],
        data=lambda w: {"grade": "satisfied"},
    ),
    Page("yiyeyizheng:licence_change", YYZ, args=lambda w: [w.licence.pk]),
    Page("yiyeyizheng:licence_reissue", YYZ, args=lambda w: [w.licence.pk]),
    Page("yiyeyizheng:licence_cancel", YYZ, args=lambda w: [w.licence.pk]),
    Page(
        "yiyeyizheng:licence_cancel",
        YYZ,
        "post",
        args=lambda w: [w.licence.pk],
        data=lambda w: {"reason": "歇业"},
    ),
]

#: The legal representative's alone, whatever the agent's authorisation.
LEGAL_ONLY = [
    Page("elicense:key_rotate", "", "post", data=lambda w: {"confirm": "on"}),
    Page("elicense:authorisation_list", "", "post", data=lambda w: {"agent": w.agent.pk}),
    Page("elicense:authorisation_revoke", "", "post", args=lambda w: [w.grant.pk]),
    Page("elicense:agent_invite", "", "post", data=lambda w: {"username": "x", "full_name": "某"}),
]

#: Open to every enterprise user: where an agent reads its own grants, and signing in.
OPEN = {
    "elicense:authorisation_list",
    "elicense:scan_login_new",
    "elicense:scan_login_poll",
    "elicense:scan_login_confirm",
    # withdrawing one's own sign-in consent from a connected system (ADR 0025)
    "elicense:oidc_consent_revoke",
}
#: Public pages (the verification pages, the guide, the progress lookup) and staff desks.
NOT_ENTERPRISE = {
    "elicense:holder_page",
    "elicense:holder_frame",
    "elicense:badge_image",
    "elicense:badge_link",
    "elicense:scan",
    "elicense:access_apply",
    "elicense:document_verify",
    "elicense:document_detail",
    "elicense:entity_keys",
    "elicense:access_list",
    "elicense:access_detail",
    "elicense:access_scan",
    "licensing:entity_create",
    "licensing:entity_change",
    "licensing:entity_end",
    "licensing:food_licence_create",
    "licensing:food_licence_change",
    "licensing:food_licence_cancel",
    "yiyeyizheng:format_list",
    "yiyeyizheng:questionnaire",
    "yiyeyizheng:application_accept",
    "yiyeyizheng:application_return",
    "yiyeyizheng:licence_file",  # the window files a scanned licence (执照存档)
    "yiyeyizheng:clerk_queue",
    "yiyeyizheng:review_list",
    "yiyeyizheng:review_detail",
    "yiyeyizheng:progress",
    "yiyeyizheng:guide",
    "yiyeyizheng:rating_list",
    "yiyeyizheng:assistance_hand_over",
}


def _url_names(namespace: str) -> set[str]:
    resolver = next(
        r
        for r in get_resolver().url_patterns
        if isinstance(r, URLResolver) and r.namespace == namespace
    )
    return {f"{namespace}:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)}


def test_every_enterprise_page_of_the_urlconfs_is_tried_here():
    names = set().union(*(_url_names(ns) for ns in ("elicense", "licensing", "yiyeyizheng")))
    tried = {page.name for page in PAGES + LEGAL_ONLY} | OPEN

    assert names - NOT_ENTERPRISE == tried


def _text(response) -> str:
    """The page, or a JSON answer's error (the presentation code's); files are not read."""
    if response.streaming:
        return ""
    if response["Content-Type"].startswith("application/json"):
        return response.json().get("error", "")
    return response.content.decode()


# --- the stories ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", REFUSED_STATES, ids=lambda state: state.__name__)
def test_an_agent_without_a_current_authorisation_is_refused_and_told_whom_to_ask(
    client, world, time_machine, state
):
    agent, reason = state(world, time_machine)
    client.force_login(agent)
    covered = [ANY] if state is another_matter else []  # 税务 still counts as "any matter"
    events = AuditEvent.objects.count()

    wrong = []
    for page in PAGES:
        response = page.request(client, world)
        body = _text(response)
        if page.needs in covered:
            if response.status_code not in (200, 202, 302):
                wrong.append(f"{page.method} {page.name}: {response.status_code}, expected allowed")
        elif response.status_code != 403 or LEGAL_NAME not in body or reason not in body:
            wrong.append(f"{page.method} {page.name}: {response.status_code} {body[:80]!r}")

    assert not wrong, "\n".join(wrong)
    if not covered:
        assert AuditEvent.objects.count() == events  # nothing was written


def test_an_agent_with_a_current_authorisation_opens_every_page(client, world):
    client.force_login(world.agent)

    answers = {f"{p.method} {p.name}": p.request(client, world).status_code for p in PAGES}

    assert {key for key, status in answers.items() if status not in (200, 202, 302)} == set()
    assert Supplier.objects.filter(owner_uscc=world.shop.uscc, identifier=world.shop.uscc).exists()
    assert BulkCheck.objects.filter(uploaded_by=world.agent).count() == 2


@pytest.mark.parametrize("state", [None, revoked], ids=["authorised", "revoked"])
def test_only_the_legal_representative_grants_revokes_invites_and_replaces_keys(
    client, world, time_machine, state
):
    if state:
        state(world, time_machine)
    client.force_login(world.agent)
    events = AuditEvent.objects.count()

    for page in LEGAL_ONLY:
        response = page.request(client, world)
        assert response.status_code == 403, page.name
        assert "只有法定代表人（负责人）可以" in _text(response)
    assert AuditEvent.objects.count() == events


def test_the_agents_own_authorisation_page_stays_open_and_says_whom_to_ask(
    client, world, time_machine
):
    revoked(world, time_machine)
    client.force_login(world.agent)

    page = client.get(reverse("elicense:authorisation_list")).content.decode()
    home = client.get(reverse("portal:home")).content.decode()

    assert 'data-authorisation-state="revoked"' in page and LEGAL_NAME in page
    assert "data-no-current-authorisation" in home and LEGAL_NAME in home
    for hidden in ("elicense:my_certificates", "licensing:supplier_list", "elicense:document_sign"):
        assert f'href="{reverse(hidden)}"' not in home
    assert "本企业证照</h2>" not in home  # the register panel is not shown either


def test_the_navigation_shows_only_what_the_agents_matter_covers(client, world, time_machine):
    another_matter(world, time_machine)  # 税务: the e-licence, but no suppliers or 一业一证
    client.force_login(world.agent)

    home = client.get(reverse("portal:home")).content.decode()

    assert f'href="{reverse("elicense:my_certificates")}"' in home
    assert f'href="{reverse("licensing:supplier_list")}"' not in home
    assert f'href="{reverse("licensing:bulkcheck_list")}"' not in home
    assert f'href="{reverse("yiyeyizheng:application_list")}"' not in home
    assert "电子政务/税务" in home  # 我的授权 lists it


# --- the services refuse on their own -------------------------------------------------------


def _service_calls(world, agent):
    w = world
    return {
        "issue_presentation_code": lambda: elicense_services.issue_presentation_code(
            acting_user=agent
        ),
        "sign_document": lambda: sign_document(
            acting_user=agent, title="合同", data={}, matter="电子政务/市场监管/动产抵押"
        ),
        "rotate_entity_key": lambda: rotate_entity_key(acting_user=agent, holder_uscc=w.shop.uscc),
        "add_supplier": lambda: licensing_services.add_supplier(
            acting_user=agent, identifier=w.shop.uscc
        ),
        "remove_supplier": lambda: licensing_services.remove_supplier(
            acting_user=agent, supplier=w.supplier
        ),
        "create_bulk_check": lambda: licensing_services.create_bulk_check(
            file_name="商户.csv", data=_csv_upload().read(), acting_user=agent
        ),
        "start_application": lambda: applications.start_application(
            acting_user=agent, business_format=w.store_format, answers=STORE_ANSWERS
        ),
        "save_draft": lambda: applications.save_draft(
            acting_user=agent, application=w.draft, form_data={"contact_phone": "13900000000"}
        ),
        "add_attachment": lambda: attachments.add_attachment(
            acting_user=agent, application=w.draft, purpose="other", upload=pdf_upload()
        ),
        "remove_attachment": lambda: attachments.remove_attachment(
            acting_user=agent, attachment=w.attachment
        ),
        "submit_application": lambda: applications.submit_application(
            acting_user=agent, application=w.draft
        ),
        "withdraw_application": lambda: applications.withdraw_application(
            acting_user=agent, application=w.draft
        ),
        "correct_application": lambda: applications.correct_application(
            acting_user=agent, application=w.draft
        ),
        "start_change": lambda: changes.start_change(
            acting_user=agent, licence=w.licence, answers=STORE_ANSWERS, form_data={}
        ),
        "start_cancellation": lambda: changes.start_cancellation(
            acting_user=agent, licence=w.licence, reason="歇业"
        ),
        "start_reissue": lambda: changes.start_reissue(
            acting_user=agent, licence=w.licence, reason="遗失"
        ),
    }


@pytest.mark.parametrize(
    "state", [revoked, not_yet_started, expired], ids=lambda state: state.__name__
)
def test_every_service_refuses_the_agent_itself(world, time_machine, state):
    agent, _ = state(world, time_machine)
    events = AuditEvent.objects.count()

    let_through = []
    for name, call in _service_calls(world, agent).items():
        try:
            call()
        except PermissionDenied:
            continue
        let_through.append(name)

    assert let_through == []
    assert AuditEvent.objects.count() == events


def test_an_authorised_agent_sees_the_licence_but_not_who_checked_it(client, world):
    client.force_login(world.agent)
    agents_page = client.get(reverse("elicense:my_certificates")).content.decode()
    client.force_login(world.owner)
    owners_page = client.get(reverse("elicense:my_certificates")).content.decode()

    for page in (agents_page, owners_page):
        assert "data-presentation-url" in page and world.certificate.number in page
    assert 'id="h-checks"' in owners_page and 'id="h-scan-logins"' in owners_page
    assert 'id="h-checks"' not in agents_page and 'id="h-scan-logins"' not in agents_page
