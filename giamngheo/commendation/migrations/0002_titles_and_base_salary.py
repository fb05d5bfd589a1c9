"""The titles and forms of commendation a department awards or proposes, and the base salary, as the law set
them (Law 06/2022/QH15; Decree 152/2025/NĐ-CP from 01/07/2025; shared/domain/emulation.md and legal-facts.md
§5). Data, not code: a new document adds a version with its own ``valid_from``."""

from __future__ import annotations

from django.db import migrations

from giamngheo.commendation.catalogue import load_into

def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_into(apps.get_model("commendation", "Title"), apps.get_model("commendation", "BaseSalary"))


class Migration(migrations.Migration):
    dependencies = [("commendation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
