"""Application and composite-licence serials move to the portal's one counter model (issue 14,
ADR 0032): every ``NumberCounter`` row becomes the ``portal.Counter`` keyed
``yiyeyizheng:<key>`` with the same value, then ``NumberCounter`` goes. Reversible: going
back copies the counters into a new ``NumberCounter`` and takes them off ``portal.Counter``.
"""

from django.db import migrations

NAMESPACE = "yiyeyizheng:"  # yiyeyizheng.services.numbering.COUNTER_NAMESPACE, frozen here


def to_portal_counters(apps, schema_editor):
    NumberCounter = apps.get_model("yiyeyizheng", "NumberCounter")
    Counter = apps.get_model("portal", "Counter")
    for old in NumberCounter.objects.order_by("key"):
        Counter.objects.update_or_create(
            key=NAMESPACE + old.key, defaults={"value": old.last_serial}
        )


def back_to_number_counters(apps, schema_editor):
    NumberCounter = apps.get_model("yiyeyizheng", "NumberCounter")
    Counter = apps.get_model("portal", "Counter")
    ours = Counter.objects.filter(key__startswith=NAMESPACE)
    NumberCounter.objects.bulk_create(
        NumberCounter(key=counter.key.removeprefix(NAMESPACE), last_serial=counter.value)
        for counter in ours.order_by("key")
    )
    ours.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0008_counters'),
        ('yiyeyizheng', '0004_service_promises'),
    ]

    operations = [
        migrations.RunPython(to_portal_counters, back_to_number_counters),
        migrations.DeleteModel(name='NumberCounter'),
    ]
