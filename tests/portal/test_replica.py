"""Read replicas (ADR 0026): only reads inside ``from_replica`` go to the replica; writes
there, and every read outside, go to the primary; no replica, no change."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from portal.models import District
from portal.queries.replica import ReplicaRouter, from_replica, has_replica

pytestmark = pytest.mark.django_db


def test_reads_in_from_replica_go_to_the_replica_and_writes_to_the_primary(replica):
    District.objects.create(code="310199", name="测试区", short_name="测试")
    assert District.objects.filter(code="310199").exists()  # the primary sees its write

    with CaptureQueriesContext(replica) as on_replica, from_replica():
        assert not District.objects.filter(code="310199").exists()  # the lagging copy
        written = District.objects.create(code="310198", name="又一区", short_name="又一")
    assert len(on_replica) == 1
    assert District.objects.filter(pk=written.pk).exists()  # the write went to the primary
    assert ReplicaRouter().allow_migrate("replica", "portal") is False


def test_without_a_replica_from_replica_reads_the_primary():
    assert not has_replica()
    District.objects.create(code="310199", name="测试区", short_name="测试")
    with from_replica():
        assert District.objects.filter(code="310199").exists()
    assert "replica" not in connections
