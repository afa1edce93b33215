"""Every free-text column has a bound (the forms refuse longer text; the column type is
unchanged, so on PostgreSQL this migration changes nothing in the database)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="program",
            name="note",
            field=models.TextField(
                blank=True, max_length=2000, verbose_name="note for the patient"
            ),
        ),
        migrations.AlterField(
            model_name="program",
            name="reason",
            field=models.TextField(blank=True, max_length=2000),
        ),
    ]
