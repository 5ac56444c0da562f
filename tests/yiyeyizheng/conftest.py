from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from portal.models import Role
from tests.factories import UserFactory
from yiyeyizheng.models import CatalogueVersion

SEED = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "seeds"
    / "shanghai-yiyeyizheng-catalogue-v2-2023.txt"
)
TABLE = Path(settings.BASE_DIR) / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"


@pytest.fixture
def catalogue(reference_data) -> CatalogueVersion:
    """The 2nd edition, imported from the fixture table and published."""
    call_command("import_catalogue", str(TABLE), edition="第二版", publish=True, verbosity=0)
    return CatalogueVersion.current()


@pytest.fixture
def administrator(db):
    return UserFactory(
        username="catalogue_admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
