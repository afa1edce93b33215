from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_clinic_two_step"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="synthetic",
            field=models.BooleanField(default=False, editable=False, verbose_name="synthetic data"),
        ),
    ]
