"""A partial index for the dashboard's alert list: a clinic's unresolved alerts by priority
and age (only the open ones are indexed: resolved alerts pile up, open ones stay few)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0003_text_bounds"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", True)),
                fields=["clinic", "priority", "created_at"],
                name="open_alerts_by_rank",
            ),
        ),
    ]
