"""The change feed's last sequence moves to the portal's one counter model (issue 14,
ADR 0032): the ``FeedCounter`` row (pk 1, the only one the feed used) becomes the
``portal.Counter`` keyed ``elicense:change_feed`` with the same value, then ``FeedCounter``
goes. Reversible: going back writes the value into a new ``FeedCounter`` row 1.
"""

from django.db import migrations

KEY = "elicense:change_feed"  # elicense.models.changes.FEED_COUNTER, frozen here


def to_portal_counter(apps, schema_editor):
    FeedCounter = apps.get_model("elicense", "FeedCounter")
    Counter = apps.get_model("portal", "Counter")
    old = FeedCounter.objects.filter(pk=1).first()
    if old is not None:
        Counter.objects.update_or_create(key=KEY, defaults={"value": old.last_sequence})


def back_to_feed_counter(apps, schema_editor):
    FeedCounter = apps.get_model("elicense", "FeedCounter")
    Counter = apps.get_model("portal", "Counter")
    counter = Counter.objects.filter(key=KEY).first()
    if counter is not None:
        FeedCounter.objects.create(pk=1, last_sequence=counter.value)
        counter.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('elicense', '0015_access_acceptance'),
        ('portal', '0008_counters'),
    ]

    operations = [
        migrations.RunPython(to_portal_counter, back_to_feed_counter),
        migrations.DeleteModel(name='FeedCounter'),
    ]
