"""Reading the village CSV: UTF-8 (with or without BOM) or UTF-16 as Excel writes it."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from giamngheo.core.errors import ValidationFailed
from giamngheo.core.text import fold

from .services import VillageRow

HEADER_ALIASES = {
    "commune_code": {"commune_code", "ma xa", "ma don vi", "ma xa/phuong"},
    "village_name": {"village_name", "ten thon", "thon/ap", "ten thon/ap", "ten"},
    "village_type": {"village_type", "loai", "loai thon"},
}


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(_("The file is not UTF-8 text. Save it from Excel as “CSV UTF-8”."))


def read_village_rows(raw: bytes) -> list[VillageRow]:
    text = decode(raw)
    sample = text[:2048]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed(_("The file is empty.")) from None
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        for key, aliases in HEADER_ALIASES.items():
            if fold(title) in aliases:
                columns[key] = index
    missing = [k for k in ("commune_code", "village_name") if k not in columns]
    if missing:
        raise ValidationFailed(
            _("Missing column(s): %(columns)s. The first line must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue

        def cell(key: str, record: list[str] = record) -> str:
            i = columns.get(key)
            return record[i].strip() if i is not None and i < len(record) else ""

        rows.append(VillageRow(line, cell("commune_code"), cell("village_name"), cell("village_type")))
    return rows
