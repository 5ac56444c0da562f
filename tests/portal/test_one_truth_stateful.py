"""One truth of licence status, tried as random histories (issue 12).

A Hypothesis state machine registers entities, issues, changes and cancels food licences,
approves a 一业一证 composite licence (which carries a food permit), cancels and revokes
entities, runs the nightly expiry and moves the clock by days or years. After every step it
asks each surface for the status of every licence and holds them all to ``licence_state``:

* the window clerk's entity page and the register search list (status badges);
* the holder's public page ``/v/<id>/`` (certificate cards);
* the platform API ``GET /api/v1/licences/{uscc}``, and token verification of each
  certificate's printed-copy JWS;
* the bulk check of the holder's numbers, and the supplier list's check;
* the register's counts (in force, 30日内到期);
* and across kinds: a licence and its certificate agree; an ended entity holds nothing in force;
* and for people: an agent opens the entity's e-licence page exactly while an authorisation
  of theirs is current (granted, begun, not ended, not revoked: ADR 0015).

明厨亮灶 store selection asks the same ``state.in_force`` (``register_demo_store``) but needs a
project year's quotas, so it is tested apart (tests/mingchu/test_demo_stores.py).

``ONE_TRUTH_EXAMPLES`` sets how many histories (default 15; CI uses the default).
"""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from elicense import services as elicense
from elicense.models import Authorisation, Certificate, Matter
from elicense.services.authorisations import grant_authorisation, revoke_authorisation
from elicense.services.relying_parties import create_relying_party
from elicense.verification import STATE_RESULTS, verify_token
from licensing import services as register
from licensing.models import EntityStatus, FoodLicence, MarketEntity, SupplierState, Verdict
from licensing.queries.suppliers import STATE_OF_LICENCE, check_suppliers
from licensing.services.bulk import _lookups, _verdict
from portal import ratelimit
from tests.badges import badge_problems
from tests.factories import enterprise_user, issue_food
from tests.factories import register as register_entity
from tests.yiyeyizheng.conftest import (  # noqa: F401 - fixtures the test asks for by name
    catalogue,
    licensed,
    samr_reviewer,
    store_format,
    tobacco_reviewer,
)
from yiyeyizheng.models import CompositeLicence

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
EXAMPLES = int(os.environ.get("ONE_TRUTH_EXAMPLES", "15"))

#: What a bulk check says of a licence in each state (the holder still active).
VERDICT_OF_STATE = {
    "valid": Verdict.MATCH,
    "expiring": Verdict.MATCH,
    "expired": Verdict.LICENCE_EXPIRED,
    "not_yet_valid": Verdict.LICENCE_NOT_YET_VALID,
    "cancelled": Verdict.LICENCE_CANCELLED,
    "revoked": Verdict.LICENCE_CANCELLED,
}


class OneTruth(RuleBasedStateMachine):
    entities = Bundle("entities")
    food_licences = Bundle("food_licences")

    def __init__(self):
        super().__init__()
        self.now = START
        self.clock = time_machine.travel(self.now, tick=False)
        self.clock.start()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.serial = 0
        self.composites = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)
        self.clock.stop()

    @property
    def today(self) -> datetime.date:
        return self.now.date()

    def _sign_pending(self):
        for pk in Certificate.objects.filter(status="pending_signature").values_list("pk", flat=1):
            elicense.sign_certificate(certificate_id=pk)

    # --- what people do ---------------------------------------------------------------

    @rule(
        target=entities,
        founded_days_ago=st.integers(0, 3000),
        period_years=st.one_of(st.none(), st.integers(1, 10)),
    )
    def register(self, founded_days_ago, period_years):
        founded = self.today - datetime.timedelta(days=founded_days_ago)
        period_to = None
        if period_years:
            period_to = founded.replace(year=founded.year + period_years, day=1)
            if period_to < self.today:
                period_to = None  # the register would not accept a lapsed operating period
        entity = register_entity(CLERK[0], established_on=founded, operating_period_to=period_to)
        self._sign_pending()
        return entity

    @rule(target=food_licences, entity=entities, start_offset=st.integers(-2500, 40))
    def issue_food(self, entity, start_offset):
        entity.refresh_from_db()
        self.serial += 1
        before = FoodLicence.objects.count()
        try:
            licence = issue_food(
                CLERK[0],
                entity,
                valid_from=self.today + datetime.timedelta(days=start_offset),
                premises_address=f"上海市徐汇区测试路{self.serial}号",
            )
        except ValidationError:
            assert FoodLicence.objects.count() == before  # nothing half-written
            return None
        self._sign_pending()
        return licence.number

    @rule(number=food_licences)
    def change_food(self, number):
        if number is None:
            return
        licence = FoodLicence.objects.get(number=number, is_current=True)
        self.serial += 1
        try:
            register.change_food_licence(
                acting_user=CLERK[0], licence=licence, premises_address=f"改址{self.serial}号"
            )
        except ValidationError:
            assert not (licence.is_active() and licence.entity.is_active())
        self._sign_pending()

    @rule(number=consumes(food_licences))
    def cancel_food(self, number):
        if number is None:
            return
        licence = FoodLicence.objects.get(number=number, is_current=True)
        try:
            register.cancel_food_licence(acting_user=CLERK[0], licence=licence, reason="申请注销")
        except ValidationError:
            assert not licence.is_active() or licence.in_composite

    @rule(entity=consumes(entities), revoke=st.booleans())
    def end_entity(self, entity, revoke):
        entity.refresh_from_db()
        if not entity.is_active():
            return
        end = register.revoke_entity if revoke else register.cancel_entity
        end(acting_user=CLERK[0], entity=entity, reason="依法处理")

    @precondition(lambda self: self.composites < 1)
    @rule(target=entities)
    def composite_licence(self):
        """A shop applies for 一业一证 (便利店, selling food) and is licensed."""
        self.composites += 1
        shop = register_entity(CLERK[0], name=f"上海一业一证{self.serial}号便利店有限公司")
        owner = enterprise_user(shop, username=f"owner{shop.pk}")
        licensed(owner, CLERK[0], STORE_FORMAT[0], REVIEWERS)
        self._sign_pending()
        return shop

    def _people(self, entity):
        """The entity's legal representative and one agent (made on first use)."""
        from portal.models import User

        owner = User.objects.filter(username=f"lr{entity.pk}").first() or enterprise_user(
            entity, username=f"lr{entity.pk}"
        )
        agent = User.objects.filter(username=f"ag{entity.pk}").first() or enterprise_user(
            entity, capacity="agent", username=f"ag{entity.pk}"
        )
        return owner, agent

    @rule(entity=entities, start_days=st.integers(-3, 3), length_days=st.integers(1, 400))
    def authorise_agent(self, entity, start_days, length_days):
        owner, agent = self._people(entity)
        start = self.now + datetime.timedelta(days=start_days)
        grant_authorisation(
            acting_user=owner,
            agent=agent,
            scope=Matter.objects.get(path="电子政务/市场监管"),
            valid_from=start,
            valid_to=start + datetime.timedelta(days=length_days),
        )

    @rule(entity=entities)
    def revoke_agent(self, entity):
        owner, agent = self._people(entity)
        for authorisation in Authorisation.objects.filter(agent=agent).current():
            revoke_authorisation(acting_user=owner, authorisation=authorisation, reason="离职")

    @rule(days=st.sampled_from([1, 20, 29, 31, 200, 400, 1000, 2000]))
    def move_clock(self, days):
        self.clock.stop()
        self.now += datetime.timedelta(days=days)
        self.clock = time_machine.travel(self.now, tick=False)
        self.clock.start()

    @rule()
    def nightly_expiry(self):
        register.expire_food_licences()

    # --- what every surface must say ----------------------------------------------------

    @invariant()
    def every_surface_agrees(self):
        entities = list(MarketEntity.objects.all())
        client = Client()
        client.force_login(CLERK[0])
        for entity in entities:
            page = client.get(reverse("licensing:entity_detail", args=[entity.pk]))
            seen, problems = badge_problems(page.content.decode())
            assert not problems, problems
            current_food = entity.food_licences.filter(is_current=True).count()
            assert seen >= entity.business_licences.count() + current_food
        listing = client.get(reverse("licensing:entity_list")).content.decode()
        assert not badge_problems(listing)[1]
        for entity in entities:
            self._holder_surfaces(entity)
        self._counts()
        self._agents()

    def _agents(self):
        from portal.models import User

        for agent in User.objects.filter(username__startswith="ag"):
            client = Client()
            client.force_login(agent)
            answer = client.get(reverse("elicense:my_certificates")).status_code
            current = Authorisation.objects.filter(agent=agent).current().exists()
            assert answer == (200 if current else 403), (agent, answer, current)

    def _holder_surfaces(self, entity):
        certificates = list(Certificate.objects.shown_for_holder(entity.uscc))
        public = Client().get(f"/v/{certificates[0].public_id}/").content.decode()
        assert not badge_problems(public)[1]
        ratelimit.reset(PARTY[0].pk)
        body = (
            Client()
            .get(f"/api/v1/licences/{entity.uscc}", headers={"Authorization": f"Bearer {PARTY[1]}"})
            .json()
        )
        assert {(c["number"], c["status"]) for c in body["certificates"]} == {
            (c.number, STATE_RESULTS[c.state]) for c in certificates
        }
        for certificate in certificates:
            if certificate.signature:
                outcome = verify_token(certificate.signature, channel="api")
                assert outcome.result == STATE_RESULTS[certificate.state]
            self._certificate_matches_its_licence(certificate)
        ended = entity.status != EntityStatus.ACTIVE
        licences = list(FoodLicence.objects.filter(entity=entity, is_current=True))
        checks = check_suppliers([entity.uscc, *(fl.number for fl in licences)], self.today)
        rows = [[entity.uscc, entity.name, fl.number, fl.premises_address] for fl in licences]
        lookups = _lookups(rows)
        for licence, row in zip(licences, rows, strict=True):
            state = licence.state
            assert not (ended and state.in_force), f"{licence} in force after its entity ended"
            expected = SupplierState.ENTITY_ENDED if ended else STATE_OF_LICENCE[state]
            assert checks[licence.number].state == expected
            verdict = _verdict(row, *lookups)[0]
            assert verdict == (Verdict.ENTITY_ENDED if ended else VERDICT_OF_STATE[state])
        for composite in CompositeLicence.objects.filter(entity=entity, status="active"):
            assert not (ended and composite.state.in_force)
        if ended:
            assert not any(bl.state.in_force for bl in entity.business_licences.all())
            assert not any(c.state.in_force for c in certificates)

    def _certificate_matches_its_licence(self, certificate):
        kind, _, pk = certificate.source.partition(":")
        model = {
            "licensing.businesslicence": "licensing.BusinessLicence",
            "licensing.foodlicence": "licensing.FoodLicence",
            "yiyeyizheng.compositelicence": "yiyeyizheng.CompositeLicence",
        }[kind]
        from django.apps import apps

        licence = apps.get_model(model).objects.get(pk=pk)
        if certificate.status != "superseded":
            assert licence.state == certificate.state, (licence, certificate)

    def _counts(self):
        current = FoodLicence.objects.filter(is_current=True)
        in_force = [fl.pk for fl in current if fl.state.in_force]
        expiring = [fl.pk for fl in current if fl.state == "expiring"]
        assert sorted(current.in_force(self.today).values_list("pk", flat=True)) == sorted(in_force)
        assert sorted(current.expiring(self.today).values_list("pk", flat=True)) == sorted(expiring)


# Module-level holders for the set-up the machine shares across examples (made once per test).
CLERK, STORE_FORMAT, PARTY, REVIEWERS = [], [], [], []


@pytest.mark.django_db
def test_every_surface_tells_the_one_truth(request, xuhui_clerk, signing_key):
    party, key = create_relying_party(name="一致性测试平台", peak_qps=10_000)
    party.needs = [*party.needs, "presentation"]
    party.save()
    CLERK[:], PARTY[:] = [xuhui_clerk], [party, key]
    STORE_FORMAT[:] = [request.getfixturevalue("store_format")]
    REVIEWERS[:] = [request.getfixturevalue(name) for name in ("samr_reviewer", "tobacco_reviewer")]
    run_state_machine_as_test(
        OneTruth,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=True,
        ),
    )
