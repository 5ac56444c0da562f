"""Food-licence serials move to the portal's one counter model (issue 14, ADR 0032): every
``FoodLicenceSerial`` row becomes the ``portal.Counter`` keyed
``licensing:food-<division>-<subject type>`` with the same value, then the model goes.
Reversible: going back copies the counters into a new ``FoodLicenceSerial`` and takes them
off ``portal.Counter``.
"""

from django.db import migrations

NAMESPACE = "licensing:food-"  # licensing.services.food.COUNTER_NAMESPACE, frozen here


def to_portal_counters(apps, schema_editor):
    FoodLicenceSerial = apps.get_model("licensing", "FoodLicenceSerial")
    Counter = apps.get_model("portal", "Counter")
    for old in FoodLicenceSerial.objects.order_by("division", "subject_type"):
        Counter.objects.update_or_create(
            key=f"{NAMESPACE}{old.division}-{old.subject_type}",
            defaults={"value": old.last_serial},
        )


def back_to_food_serials(apps, schema_editor):
    FoodLicenceSerial = apps.get_model("licensing", "FoodLicenceSerial")
    Counter = apps.get_model("portal", "Counter")
    ours = Counter.objects.filter(key__startswith=NAMESPACE)
    rows = []
    for counter in ours.order_by("key"):
        division, subject_type = counter.key.removeprefix(NAMESPACE).split("-")
        rows.append(
            FoodLicenceSerial(
                division=division, subject_type=int(subject_type), last_serial=counter.value
            )
        )
    FoodLicenceSerial.objects.bulk_create(rows)
    ours.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_counters"),
        ("licensing", "0005_bulk_check_progress"),
    ]

    operations = [
        migrations.RunPython(to_portal_counters, back_to_food_serials),
        migrations.DeleteModel(name="FoodLicenceSerial"),
    ]
