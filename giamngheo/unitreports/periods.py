"""Periods of a request (pure): the dates of a month, quarter, six months or year, and the default title
("Báo cáo quý III năm 2026"); Vietnamese-style figures ("1.234,5")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .choices import PeriodKind

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PERIODS_IN_YEAR = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}
MONTHS_IN_PERIOD = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


def period_bounds(kind: str, year: int, period: int | None) -> tuple[dt.date, dt.date]:
    """The first and last day of period ``period`` (1-based; ignored for a year) of ``year``."""
    months = MONTHS_IN_PERIOD[PeriodKind(kind)]
    number = 1 if kind == PeriodKind.YEAR else period
    if number is None or not 1 <= number <= PERIODS_IN_YEAR[PeriodKind(kind)]:
        raise ValueError("period out of range")
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    return (
        dt.date(year, first_month, 1),
        dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def period_label(kind: str, year: int, period: int | None) -> str:
    """“quý III năm 2026”, “tháng 5 năm 2026”, “6 tháng đầu năm 2026”, “năm 2026”."""
    if kind == PeriodKind.MONTH:
        return _("month %(n)s of %(year)s") % {"n": period, "year": year}
    if kind == PeriodKind.QUARTER:
        return _("quarter %(n)s of %(year)s") % {"n": ROMAN.get(period or 0, period), "year": year}
    if kind == PeriodKind.HALF:
        if period == 1:
            return _("the first six months of %(year)s") % {"year": year}
        return _("the last six months of %(year)s") % {"year": year}
    return _("the year %(year)s") % {"year": year}


def default_title(kind: str, year: int, period: int | None) -> str:
    return _("Report of %(period)s") % {"period": period_label(kind, year, period)}


def current_period(kind: str, today: dt.date) -> int | None:
    if kind == PeriodKind.YEAR:
        return None
    return (today.month - 1) // MONTHS_IN_PERIOD[PeriodKind(kind)] + 1


_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")
MAX_FIGURE = Decimal("9999999999999999.99")


def parse_figure(text: str) -> Decimal | None:
    """A figure typed the Vietnamese way: “1.234,5” (dots group thousands, a comma before the decimals);
    also “1234,5”, “1234.5”, “1 234”. Empty: ``None`` (not given — never zero). Raises ``ValueError``."""
    raw = re.sub(r"[\s\u00a0]", "", text or "")
    if not raw:
        return None
    negative = raw.startswith("-")
    body = raw[1:] if negative else raw
    if "," in body:
        whole, _sep, decimals = body.rpartition(",")
        if whole and _GROUPED.match(whole):
            whole = whole.replace(".", "")
        body = f"{whole}.{decimals}"
    elif _GROUPED.match(body):
        body = body.replace(".", "")
    if not _PLAIN.match(body):
        raise ValueError(text)
    try:
        value = Decimal(body)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above
        raise ValueError(text) from exc
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(text)
    if value > MAX_FIGURE:
        raise ValueError(text)
    return -value if negative else value


def format_figure(value: Decimal | int | None) -> str:
    """“1.234,5”; empty for an unknown figure."""
    if value is None:
        return ""
    number = Decimal(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    whole = int(number)
    fraction = number - whole
    text = f"{whole:,}".replace(",", ".")
    if fraction:
        decimals = f"{fraction:.2f}"[2:].rstrip("0")
        text = f"{text},{decimals}"
    return sign + text
