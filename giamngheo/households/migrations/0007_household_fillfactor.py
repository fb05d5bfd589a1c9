"""PostgreSQL only: room on every page of the household table for a new version of each of its rows, so
that a reclassification's UPDATE of the engine's fields is a HOT update (heap-only tuple: the new version on
the same page, no entry in any of the table's indexes). None of the columns a reclassification writes
(``engine_*``, ``deprived_keys``, ``unknown_keys``) is indexed; what made every row's update insert into
each of the table's twelve indexes (the trigram GIN index of the search among them) was full pages. A
province's first run or a new standard rewrites every row: fill factor 50 leaves room for all of them; the
old versions are pruned when the page is next read (docs/decisions/0021-search-and-hot-updates.md).

The table is rewritten once (VACUUM FULL, an exclusive lock: on 1.2 million households a few minutes), so
that the existing rows get the room too; new pages keep it. Then VACUUM ANALYZE (the visibility map).
"""

from django.db import migrations

FILLFACTOR = 50


def _apply(fillfactor: int | None):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name("households_household")
        if fillfactor is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {fillfactor})")
        schema_editor.execute(f"VACUUM FULL {table}")
        # VACUUM FULL leaves the visibility map empty: index-only scans (the scoped counts) need it.
        schema_editor.execute(f"VACUUM ANALYZE {table}")

    return apply


class Migration(migrations.Migration):
    atomic = False  # VACUUM runs outside a transaction

    dependencies = [("households", "0006_search_names_codes_ids")]

    operations = [migrations.RunPython(_apply(FILLFACTOR), _apply(None), elidable=False)]
