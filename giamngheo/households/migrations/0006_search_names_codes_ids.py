"""Search names, codes and ID numbers, not the unit's name (issue 14).

1. ``search_text`` of every household is rebuilt without the address (``households.search``), in batches of
   primary keys (a province: 1.2 million households).
2. SQLite only: an FTS5 table with the trigram tokenizer over ``search_text`` (external content: the
   household table), kept in step by triggers, so that a search finds its households through an index as
   PostgreSQL's pg_trgm GIN index (0004) does. The trigger on update fires only when ``search_text`` is set:
   a reclassification's updates do not touch it.
"""

from functools import lru_cache

from django.db import migrations, transaction

BATCH = 20_000

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS households_search USING fts5("
    "search_text, content='households_household', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS households_search_insert AFTER INSERT ON households_household BEGIN "
    "INSERT INTO households_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS households_search_delete AFTER DELETE ON households_household BEGIN "
    "INSERT INTO households_search (households_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS households_search_update AFTER UPDATE OF search_text ON households_household "
    "BEGIN "
    "INSERT INTO households_search (households_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO households_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO households_search (households_search) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS households_search_update",
    "DROP TRIGGER IF EXISTS households_search_delete",
    "DROP TRIGGER IF EXISTS households_search_insert",
    "DROP TABLE IF EXISTS households_search",
]


def rebuild_search_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The rule of ``households.search`` (code, head's name, phone, active members by date of birth: name and
    ID number), written as of this migration: a migration does not import code that may change."""
    from giamngheo.core.text import fold

    Household = apps.get_model("households", "Household")
    Member = apps.get_model("households", "Member")
    fold_part = lru_cache(maxsize=200_000)(fold)
    connection = schema_editor.connection
    table = connection.ops.quote_name(Household._meta.db_table)
    last = 0
    while True:
        rows = list(
            Household.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "code", "head_name", "phone", "search_text")[:BATCH]
        )
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
        members: dict[int, list[tuple[str, str | None]]] = {}
        for household_id, full_name, national_id in (
            Member.objects.filter(household_id__gte=first, household_id__lte=last, is_active=True)
            .order_by("household_id", "date_of_birth", "pk")
            .values_list("household_id", "full_name", "national_id")
        ):
            members.setdefault(household_id, []).append((full_name, national_id))
        changes = []
        for pk, code, head_name, phone, stored in rows:
            parts = [code, head_name, phone]
            for full_name, national_id in members.get(pk, ()):
                parts.extend([full_name or "", national_id or ""])
            text = " ".join(folded for part in parts if part and (folded := fold_part(part)))
            if text != stored:
                changes.append((text, pk))
        if changes:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET search_text = %s WHERE id = %s", changes)  # noqa: S608


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    atomic = False  # batches: a province's rebuild is not one transaction

    dependencies = [("households", "0005_official_figures")]

    operations = [
        migrations.RunPython(rebuild_search_text, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(_run(SQLITE_CREATE), _run(SQLITE_DROP), elidable=False),
    ]
