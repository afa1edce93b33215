"""A claimed reminder's day as a column of its own, and the run that claimed it; the job's
mark of how far it has looked. The day is filled for the existing rows by 0003 and then
required by 0004 (each step its own transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="remindersent",
            name="day",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="remindersent",
            name="run",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.CreateModel(
            name="ReminderRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("looked_until", models.DateTimeField()),
            ],
            options={
                "verbose_name": "reminder run",
                "verbose_name_plural": "reminder runs",
            },
        ),
    ]
