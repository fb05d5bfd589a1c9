"""The columns of a list of villages, by whatever name a commune gives them.

Reading the file (csv in any encoding, xlsx, ods) is the import machinery's job (``dataio.village_import``,
in a background job); this module only says which header names which field of ``services.VillageRow``
and turns a row of cells into one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from giamngheo.core.text import fold

from .services import VillageRow

# Field of ``VillageRow`` -> folded header names (our template's header first).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "commune_code": (
        "ma xa",
        "commune_code",
        "ma don vi",
        "ma xa/phuong",
        "ma xa/phuong/dac khu",
        "ma xa, phuong",
        "ma don vi hanh chinh",
    ),
    "name": (
        "ten thon",
        "village_name",
        "thon/ap",
        "ten thon/ap",
        "ten thon/ap/khu pho",
        "thon/ap/khu pho",
        "ten thon, ap",
        "ten",
    ),
    "division_type": ("loai", "village_type", "loai thon", "loai thon/ap"),
    "code": ("ma thon", "village_code", "ma thon/ap", "ma thon/ap/khu pho"),
}
REQUIRED = ("commune_code", "name")
COMMUNE_CODE_DIGITS = 5  # commune-level units have five-digit codes ("00004"); a spreadsheet drops the zeros


def match_columns(headers: Sequence[str]) -> dict[str, int]:
    """Field -> index of the header that names it (the first one); fields without a column are absent."""
    names = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, title in enumerate(headers):
        key = names.get(fold(title or "").strip(" *:."))
        if key is not None and key not in columns:
            columns[key] = index
    return columns


def missing_columns(columns: dict[str, int]) -> list[str]:
    return [key for key in REQUIRED if key not in columns]


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a decimal part ("25195", not "25195.0"), trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def village_row(line: int, record: Sequence[Any], columns: dict[str, int]) -> VillageRow | None:
    """The ``VillageRow`` of a line of cells (``None`` for an empty line)."""

    def cell(key: str) -> str:
        index = columns.get(key)
        return cell_text(record[index]) if index is not None and index < len(record) else ""

    values = {key: cell(key) for key in HEADER_ALIASES}
    if not any(values.values()):
        return None
    commune_code = values["commune_code"]
    if commune_code.isdigit() and len(commune_code) < COMMUNE_CODE_DIGITS:
        commune_code = commune_code.zfill(COMMUNE_CODE_DIGITS)
    return VillageRow(line, commune_code, values["name"], values["division_type"], values["code"])
