"""seed_demo never writes its published demo password into a production database."""

import pytest
from django.core.management import CommandError, call_command

from portal.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.LOCAL_SECRETS = False  # production: no development secrets under var/

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--entities=2", "--quiet")

    assert not User.objects.exists()
