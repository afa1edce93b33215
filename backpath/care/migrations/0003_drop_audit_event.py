"""The write events moved into the access log (auditlog 0003 copied them, chained)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0002_typed_columns"),
        ("auditlog", "0003_from_audit_events"),
    ]

    operations = [migrations.DeleteModel(name="AuditEvent")]
