"""Official tables as CSV: one header row of the columns' Vietnamese labels, then the data rows, streamed.

The formatter of the same ``tables.Table`` that ``xlsx.py`` writes as a workbook; CSV loses the form's
title block, merged header and signatures, and keeps the numbers (UTF-8 with a byte-order mark so that Excel
reads the Vietnamese). Every cell goes through ``core.exports.csv_stream`` (decision 0011).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from giamngheo.core.exports import csv_stream as core_csv_stream

from .tables import BOOL, Table

CONTENT_TYPE = "text/csv; charset=utf-8"


def _value(kind: str, value: Any) -> Any:
    if value is None:
        return ""
    if kind == BOOL:
        return "Có" if value else "Không"
    return value  # dates, decimals and text: ``core.exports.csv_value``


def csv_stream(table: Table) -> Iterator[str]:
    """The table's rows under the columns' labels; formula-like text neutralised (``core.exports``)."""
    return core_csv_stream(
        ([_value(cell.column.kind, cell.value) for cell in row.cells] for row in table.rows),
        [c.label_vi for c in table.columns],
    )
