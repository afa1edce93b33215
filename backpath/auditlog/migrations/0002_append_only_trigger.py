"""On PostgreSQL the database itself refuses to change or delete an access-log entry; only
the retention job's transaction (``SET LOCAL backpath.audit_prune = 'on'``) may delete.
SQLite has no such per-transaction switch: there the ORM guard and the hash chain hold."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION auditlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('backpath.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER auditlog_append_only BEFORE UPDATE OR DELETE ON auditlog_accessentry
    FOR EACH ROW EXECUTE FUNCTION auditlog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS auditlog_append_only ON auditlog_accessentry;
DROP FUNCTION IF EXISTS auditlog_append_only();
"""


def _run(sql: str):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: keep plpgsql %

    return apply


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
