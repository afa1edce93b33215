"""Every claimed reminder has its day (0003 filled the old rows); a run finds a patient's
reminders of the day by the index on (user, day) instead of matching the end of the key."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_fill_day"),
    ]

    operations = [
        migrations.AlterField(
            model_name="remindersent",
            name="day",
            field=models.DateField(),
        ),
        migrations.AddIndex(
            model_name="remindersent",
            index=models.Index(fields=["user", "day"], name="reminders_sent_per_day"),
        ),
    ]
