"""Four more indexes no query reads (decision 0038): the creation time of households and members (the
registry is listed by commune, village and code, the API walks ``updated_at, id``), the household's
ethnic-minority flag (a yes/no the official tables group by, never looked up) and, on PostgreSQL, the
second, "LIKE", index of the member's ID number (looked up whole, by its unique index; searched through
``search_text``). A province's import writes 4.2 million members: measured, −0.8 s of the server per
100,000 households.

Dropped by name, as in 0010. The member's ``national_id`` stays ``unique=True`` in the model (a unique
constraint instead would make the model forms check it before the services, with Django's message);
Django creates the "LIKE" index with such a field and drops it with ``DROP INDEX IF EXISTS`` when the
field changes, so its absence here is harmless to later migrations.
"""

from django.db import migrations, models

DROPPED = [
    ("households_household", "created_at", "households_household_created_at_b79358b8", ""),
    ("households_household", "is_ethnic_minority", "households_household_is_ethnic_minority_99f0bd34", ""),
    ("households_member", "created_at", "households_member_created_at_abccfe5c", ""),
    ("households_member", "national_id", "households_member_national_id_98c623d6_like", "varchar_pattern_ops"),
]


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for _table, _column, name, _ops in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def restore(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table, column, name, ops in DROPPED:
        if ops and schema_editor.connection.vendor != "postgresql":
            continue
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} {ops})".rstrip())


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0010_fewer_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="is_ethnic_minority",
                    field=models.BooleanField(default=False, verbose_name="ethnic minority"),
                ),
                migrations.AlterField(
                    model_name="member",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
            ],
        ),
    ]
