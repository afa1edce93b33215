"""Every free-text column has a bound (the forms refuse longer text; the column type is
unchanged, so on PostgreSQL this migration changes nothing in the database)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_long_standing_symptoms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="redflagcheck",
            name="note",
            field=models.TextField(blank=True, max_length=1000),
        ),
    ]
