"""Indexes for the patient list and the dashboard (issue #16), and the name search on
PostgreSQL.

The lists page through a clinic's rows in index order: patients by name, open episodes by age
(closed episodes, most of a clinic's history, are left out of that index); "mine" finds the
episodes a clinician wrote a session note in by the notes' clinician.

The name search folds case and accents ("muller" finds "Müller") and tolerates a typo with
pg_trgm's word similarity. ``unaccent`` is only STABLE (its dictionary could change), so an
index cannot call it directly: ``backpath_fold`` wraps it as IMMUTABLE with the dictionary
named, the usual recipe; the GIN index holds the folded "first last" name's trigrams. Every
name in the functions is schema-qualified, so a restore (pg_dump runs with an empty
search_path) can rebuild the index. Both extensions are trusted (PostgreSQL 13+): a database
owner may create them. On SQLite all of this is skipped and the search falls back to
``icontains`` (``backpath.care.selectors``).
"""

from typing import Any

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models


def _schema_of(cursor: Any, extension: str) -> str:
    cursor.execute(
        "SELECT quote_ident(nspname) FROM pg_extension e JOIN pg_namespace n "
        "ON n.oid = e.extnamespace WHERE extname = %s",
        [extension],
    )
    return str(cursor.fetchone()[0])


def create_name_search(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        unaccent = _schema_of(cursor, "unaccent")
        trgm = _schema_of(cursor, "pg_trgm")
        cursor.execute("SELECT quote_ident(current_schema())")
        ours = cursor.fetchone()[0]
    schema_editor.execute(
        f"CREATE FUNCTION {ours}.backpath_fold(value text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
        f"$$ SELECT pg_catalog.lower({unaccent}.unaccent("
        f"'{unaccent}.unaccent'::regdictionary, value)) $$"
    )
    schema_editor.execute(
        f"CREATE FUNCTION {ours}.backpath_patient_name(first_name text, last_name text) "
        "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
        f"$$ SELECT {ours}.backpath_fold(first_name || ' ' || last_name) $$"
    )
    schema_editor.execute(
        "CREATE INDEX patients_by_name_trigrams ON care_patient USING gin "
        f"({ours}.backpath_patient_name(first_name, last_name) {trgm}.gin_trgm_ops)"
    )


def drop_name_search(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS patients_by_name_trigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS backpath_patient_name(text, text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS backpath_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0006_patient_updated_at"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="patient",
            name="care_patien_clinic__795559_idx",
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                fields=["clinic", "last_name", "first_name", "id"], name="patients_by_name"
            ),
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["clinic", "opened_at", "id"],
                name="open_episodes_by_age",
            ),
        ),
        migrations.AddIndex(
            model_name="sessionnote",
            index=models.Index(fields=["clinician", "episode"], name="sessions_by_clinician"),
        ),
        # No-ops on SQLite (both check the database's vendor).
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create_name_search, drop_name_search),
    ]
