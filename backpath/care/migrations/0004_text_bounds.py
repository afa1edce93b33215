"""Every free-text column has a bound (the forms refuse longer text; the column type is
unchanged, so on PostgreSQL this migration changes nothing in the database)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0003_drop_audit_event"),
    ]

    operations = [
        migrations.AlterField(
            model_name="episode",
            name="discharge_summary",
            field=models.TextField(blank=True, max_length=4000),
        ),
        migrations.AlterField(
            model_name="intake",
            name="description",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name="planversion",
            name="note",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name="planversion",
            name="reason",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name="sessionnote",
            name="analysis",
            field=models.TextField(blank=True, max_length=2000, verbose_name="assessment"),
        ),
        migrations.AlterField(
            model_name="sessionnote",
            name="deviation_reason",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name="sessionnote",
            name="objective",
            field=models.TextField(blank=True, max_length=2000, verbose_name="objective"),
        ),
        migrations.AlterField(
            model_name="sessionnote",
            name="over_budget_reason",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name="sessionnote",
            name="plan",
            field=models.TextField(blank=True, max_length=2000, verbose_name="plan"),
        ),
        migrations.AlterField(
            model_name="sessionnote",
            name="subjective",
            field=models.TextField(blank=True, max_length=2000, verbose_name="subjective"),
        ),
    ]
