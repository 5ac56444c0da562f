import pytest
from django.core.management import call_command

from portal.models import Role
from tests.factories import UserFactory


@pytest.fixture
def quotas(reference_data):
    """The 2022 district quotas (附件1)."""
    call_command("loaddata", "mingchu_quotas_2022", verbosity=0)


@pytest.fixture
def city(reference_data):
    return UserFactory(role=Role.CITY_OFFICER, username="city_officer")
