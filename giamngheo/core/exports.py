"""The export layer: what every file the app writes for download goes through (decision 0011).

* ``safe_text`` neutralises a text cell that a spreadsheet would read as a formula (OWASP's CSV-injection
  rule): a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the full-width
  ``＝＋－＠``) gets a leading single quote. Numbers, dates and money are not text and stay typed. CSV
  files use it (``csv_stream``); the xlsx writers keep the text as it is and mark the cell ``quotePrefix``
  (``needs_quote_prefix``), which Excel and LibreOffice show without the quote and never evaluate.
* ``export_record`` writes the export log: who downloaded which personal data, with which filters, how
  many rows, in which format, when and from where. Called by every download view before it streams.
"""

from __future__ import annotations

import csv
import datetime as dt
import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .audit import _jsonable
from .models import ExportKind, ExportRecord
from .types import UserLike

# First characters that make a spreadsheet read a cell as a formula (Excel, LibreOffice, Google Sheets):
# OWASP's list, and the full-width forms that some input methods type and LibreOffice also evaluates.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE = "'"
BOM = "\ufeff"
USER_AGENT_MAX = 255


def needs_quote_prefix(value: str) -> bool:
    """Whether a text cell would be read as a formula by a spreadsheet."""
    return value.startswith(FORMULA_START)


def safe_text(value: Any) -> Any:
    """``value`` with a leading quote if it is a text a spreadsheet would read as a formula; anything
    that is not a ``str`` (numbers, dates, money, ``None``) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return QUOTE + value
    return value


def csv_value(value: Any) -> Any:
    """A cell of a CSV file: dates as dd/mm/yyyy, decimals without exponent, ``None`` empty, text
    neutralised; numbers stay numbers (a negative amount is not text and gets no quote)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f")
    return safe_text(value)


def inert_cell(cell: Any) -> Any:
    """An openpyxl cell whose text looks like a formula, made typed text with ``quotePrefix`` (openpyxl
    would otherwise write a ``str`` starting with "=" as a live formula). Other cells unchanged."""
    if isinstance(cell.value, str) and needs_quote_prefix(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_value(sheet: Any, value: Any) -> Any:
    """What to append to an openpyxl write-only ``sheet`` for ``value``: the value itself, or an inert
    text cell (``inert_cell``) when it is a text that looks like a formula."""
    if isinstance(value, str) and needs_quote_prefix(value):
        from openpyxl.cell import WriteOnlyCell

        return inert_cell(WriteOnlyCell(sheet, value=value))
    return value


class Echo:
    """A file-like object whose ``write`` returns what it was given (csv.writer -> one string)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[Iterable[Any]], headers: Iterable[str]) -> Iterator[str]:
    """CSV text, UTF-8 with a byte-order mark so that Excel reads the Vietnamese correctly; every cell
    through ``csv_value``. The one CSV writer of the app's downloads."""
    writer = csv.writer(Echo())
    yield BOM + writer.writerow([csv_value(h) for h in headers])
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


# --- The export log ----------------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the first X-Forwarded-For entry when the app runs behind a proxy
    (``SECURE_PROXY_SSL_HEADER`` set), else REMOTE_ADDR; ``None`` if it is not an IP address."""
    candidates = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidates.append(forwarded.split(",")[0].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def query_filters(request: HttpRequest, *, skip: Iterable[str] = ("page",)) -> dict[str, Any]:
    """The query parameters of ``request`` as JSON (one value, or a list when repeated)."""
    skipped = set(skip)
    return {
        key: values[0] if len(values) == 1 else values
        for key, values in request.GET.lists()
        if key not in skipped
    }


def export_record(
    *,
    kind: ExportKind | str,
    fmt: str,
    request: HttpRequest | None = None,
    user: UserLike | None = None,
    filters: Mapping[str, Any] | None = None,
    rows: int | None = None,
    detail: str = "",
    filename: str = "",
) -> ExportRecord:
    """Write one row of the export log. ``user`` defaults to the request's; ``filters`` to the request's
    query parameters. Called before the file is streamed: if the log cannot be written, nothing leaves."""
    if user is None and request is not None:
        user = request.user
    actor: Any = user if user is not None and getattr(user, "pk", None) else None
    if filters is None:
        filters = query_filters(request) if request is not None else {}
    return ExportRecord.objects.create(
        user=actor,
        username=(actor.get_username() if actor is not None else "")[:150],
        kind=str(kind),
        detail=detail[:255],
        filename=filename[:255],
        filters=_jsonable(dict(filters)),
        rows=rows,
        fmt=fmt[:8],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:USER_AGENT_MAX],
    )
