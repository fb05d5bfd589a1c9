"""PostgreSQL only: a trigram index so that searching the registry without diacritics
(`search_text LIKE '%term%'`) does not scan every household. SQLite has no equivalent (it would need FTS5);
there the search scans the rows in the user's scope."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS households_search_trgm ON households_household "
    "USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS households_search_trgm"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("households", "0003_active_commune_index")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
