"""On PostgreSQL, the chain's lock and head inside the statement that inserts an entry.

``auditlog_chain_head(lazy_commit)`` waits for the chain's transaction-level advisory lock,
then reads the newest entry's hash. The read is a statement of its own inside a VOLATILE
function, so it takes a fresh snapshot after the lock is granted and sees the entry that the
writer before it committed (PostgreSQL: "Function Volatility Categories"). With
``lazy_commit`` it also makes this transaction's commit asynchronous (``synchronous_commit``
off until the transaction ends): ``auditlog.services._append`` calls it in the same
statement as its INSERT, and asks for that only for a read entry that is a transaction of
its own, never for a write's. Why that is safe is in
``docs/architecture.md`` (Performance)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION auditlog_chain_head(lazy_commit boolean) RETURNS varchar AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7513);
    IF lazy_commit THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    RETURN (SELECT hash FROM auditlog_accessentry ORDER BY id DESC LIMIT 1);
END
$$ LANGUAGE plpgsql VOLATILE;
"""

DROP = "DROP FUNCTION IF EXISTS auditlog_chain_head(boolean);"


def _run(sql: str):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0003_from_audit_events")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
