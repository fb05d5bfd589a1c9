"""Fewer indexes to write per household (decision 0037).

The history tables lose the indexes copied from the live tables' fields (they are read by id and by date);
the household table loses the indexes of ``commune`` and ``village`` (composite indexes lead with them) and
the second, "LIKE", index of ``category`` (an index of its own instead). A province's import writes about
five million history rows and 1.2 million households: each index less is work the server does not do.

The database side drops the indexes by name (deterministic: Django names them the same on SQLite and
PostgreSQL) rather than through ``AlterField``: on SQLite an altered field remakes the whole table, which
drops the triggers of the household search (0006); on PostgreSQL it would drop and validate the foreign
keys again for nothing.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [
    "households_historicalhousehold_category_8d8a4d5d",
    "households_historicalhousehold_category_8d8a4d5d_like",
    "households_historicalhousehold_commune_id_c14d43bf",
    "households_historicalhousehold_created_at_2a310333",
    "households_historicalhousehold_is_ethnic_minority_140caa2a",
    "households_historicalhousehold_village_id_a3997f0f",
    "households_historicalmember_created_at_3811b83d",
    "households_historicalmember_national_id_c9c1a7c3",
    "households_historicalmember_national_id_c9c1a7c3_like",
    "households_household_category_6745c111",
    "households_household_category_6745c111_like",
    "households_household_commune_id_f12598c4",
    "households_household_village_id_c6dbbc5a",
]
# (table, column, index) as 0009 left them: what the reverse puts back ("LIKE" indexes on PostgreSQL only).
RESTORED = [
    ("households_historicalhousehold", "category", "households_historicalhousehold_category_8d8a4d5d"),
    ("households_historicalhousehold", "commune_id", "households_historicalhousehold_commune_id_c14d43bf"),
    ("households_historicalhousehold", "created_at", "households_historicalhousehold_created_at_2a310333"),
    (
        "households_historicalhousehold",
        "is_ethnic_minority",
        "households_historicalhousehold_is_ethnic_minority_140caa2a",
    ),
    ("households_historicalhousehold", "village_id", "households_historicalhousehold_village_id_a3997f0f"),
    ("households_historicalmember", "created_at", "households_historicalmember_created_at_3811b83d"),
    ("households_historicalmember", "national_id", "households_historicalmember_national_id_c9c1a7c3"),
    ("households_household", "category", "households_household_category_6745c111"),
    ("households_household", "commune_id", "households_household_commune_id_f12598c4"),
    ("households_household", "village_id", "households_household_village_id_c6dbbc5a"),
]
LIKE = [
    ("households_historicalhousehold", "category", "households_historicalhousehold_category_8d8a4d5d_like"),
    ("households_historicalmember", "national_id", "households_historicalmember_national_id_c9c1a7c3_like"),
    ("households_household", "category", "households_household_category_6745c111_like"),
]


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS households_category ON households_household (category)")


def restore(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute("DROP INDEX IF EXISTS households_category")
    for table, column, name in RESTORED:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
    if schema_editor.connection.vendor == "postgresql":
        for table, column, name in LIKE:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0004_difficulty_kind"),
        ("households", "0009_api_tombstones"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name="historicalhousehold",
                    name="category",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("poor", "Poor household"),
                            ("near_poor", "Near-poor household"),
                            ("middle", "Middle-living-standard household"),
                            ("not_poor", "Not poor, near-poor or middle-living"),
                        ],
                        max_length=16,
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalhousehold",
                    name="commune",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="geo.area",
                        verbose_name="commune",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalhousehold",
                    name="created_at",
                    field=models.DateTimeField(blank=True, editable=False, verbose_name="created at"),
                ),
                migrations.AlterField(
                    model_name="historicalhousehold",
                    name="is_ethnic_minority",
                    field=models.BooleanField(default=False, verbose_name="ethnic minority"),
                ),
                migrations.AlterField(
                    model_name="historicalhousehold",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="geo.area",
                        verbose_name="village",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmember",
                    name="created_at",
                    field=models.DateTimeField(blank=True, editable=False, verbose_name="created at"),
                ),
                migrations.AlterField(
                    model_name="historicalmember",
                    name="national_id",
                    field=models.CharField(
                        blank=True, max_length=12, null=True, verbose_name="national ID number"
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="category",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("poor", "Poor household"),
                            ("near_poor", "Near-poor household"),
                            ("middle", "Middle-living-standard household"),
                            ("not_poor", "Not poor, near-poor or middle-living"),
                        ],
                        max_length=16,
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="commune",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="households",
                        to="geo.area",
                        verbose_name="commune",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="village_households",
                        to="geo.area",
                        verbose_name="village",
                    ),
                ),
                migrations.AddIndex(
                    model_name="household",
                    index=models.Index(fields=["category"], name="households_category"),
                ),
            ],
        ),
    ]
