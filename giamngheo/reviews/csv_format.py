"""Official tables as CSV: one header row of the columns' Vietnamese labels, then the data rows, streamed.

The formatter of the same ``tables.Table`` that ``xlsx.py`` writes as a workbook; CSV loses the form's
title block, merged header and signatures, and keeps the numbers (UTF-8 with a byte-order mark so that Excel
reads the Vietnamese).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from giamngheo.households.exports import Echo

from .tables import BOOL, Table

CONTENT_TYPE = "text/csv; charset=utf-8"


def _value(kind: str, value: Any) -> Any:
    if value is None:
        return ""
    if kind == BOOL:
        return "Có" if value else "Không"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def csv_stream(table: Table) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow([c.label_vi for c in table.columns])
    for row in table.rows:
        yield writer.writerow([_value(cell.column.kind, cell.value) for cell in row.cells])
