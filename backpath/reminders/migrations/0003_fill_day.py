"""Fill the day of every reminder claimed before 0002: the date its key ends with (a key is
the date, or an occasion and the date: ``2026-11-25``, ``week-6:2026-11-25``)."""

from django.db import migrations, models
from django.db.models.functions import Cast, Right

ISO_DATE = len("2026-11-25")


def fill_day(apps, schema_editor):
    ReminderSent = apps.get_model("reminders", "ReminderSent")
    ReminderSent.objects.filter(day__isnull=True).update(
        day=Cast(Right("key", ISO_DATE), models.DateField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_claims_by_day"),
    ]

    operations = [
        migrations.RunPython(fill_day, migrations.RunPython.noop),
    ]
