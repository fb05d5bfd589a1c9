"""Generators of the official tables of the annual review.

A generator reads through ``table_selectors`` (always scoped to the user) and yields rows of numbers and
labels; it knows nothing of HTML or Excel. The templates (on screen) and ``xlsx.py`` (the official
export) format the same table definition. Which template of Circular 07/2021/TT-BLĐTBXH, appendix VII
(as amended by Circular 02/2022/TT-BLĐTBXH) each table follows is written in docs/official-tables.md.

Texts of the official forms (titles, headers, row labels of the export) are Vietnamese constants here:
they are legal form text. Interface labels go through gettext.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giamngheo.geo.models import Area, AreaLevel, DivisionType
from giamngheo.households.models import Household
from giamngheo.households.reference import Category, ethnic_group_name
from giamngheo.poverty.standard import StandardError, all_standards, standard_for

from . import figures, table_selectors
from .models import AreaSummary, Assessment, Movement, ReviewRound, RoundHousehold

# Kinds of columns (how a formatter shows a value).
STT = "stt"
TEXT = "text"
INT = "int"
RATE = "rate"
DATE = "date"
BOOL = "bool"

# Kinds of rows.
DATA = "data"
GROUP = "group"
TOTAL = "total"

SORT_RATE = "rate"

# Legal form text -------------------------------------------------------------------------------------------
VI_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
VI_MOTTO = "Độc lập - Tự do - Hạnh phúc"
VI_UNIT_HOUSEHOLDS = "Đơn vị tính: hộ"
VI_PLACE_DATE = "…, ngày … tháng … năm …"
VI_SUMMARY_TITLE = "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"
VI_TOTAL = "TỔNG CỘNG TOÀN TỈNH"
VI_URBAN = "Khu vực thành thị"
VI_RURAL = "Khu vực nông thôn"
VI_AS_OF = "Số liệu tổng hợp đến ngày {date}"
VI_SUMMARY_NOTES = (
    "Ghi chú: cột 11 = cột 10 / cột 1 × 100; cột 13 = cột 12 / cột 1 × 100. "
    "Khu vực thành thị gồm các phường; khu vực nông thôn gồm các xã, đặc khu.",
)
VI_CATEGORY: dict[str, str] = {
    Category.POOR: "Hộ nghèo",
    Category.NEAR_POOR: "Hộ cận nghèo",
    Category.MIDDLE: "Hộ có mức sống trung bình",
    Category.NOT_POOR: "Không thuộc hộ nghèo, cận nghèo",
}
VI_YES, VI_NO = "Có", "Không"


@dataclass(frozen=True)
class Signature:
    title_vi: str
    note_vi: str


SIGNATURES = (
    Signature("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
    Signature("THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"),
)


# Table definitions -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    code: str  # the column code row of the official forms: A, B, 1, 2, …
    label_vi: str
    label: Any  # interface label (gettext), also the ``data-label`` of a stacked cell on phones
    kind: str = INT
    width: float = 10
    list_kind: str = ""  # slug of the named list behind the number, if any


@dataclass(frozen=True)
class HeaderCell:
    label_vi: str
    label: Any
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Cell:
    column: Column
    value: Any


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: str = DATA
    area_id: int | None = None

    @property
    def values(self) -> tuple[Any, ...]:
        return tuple(c.value for c in self.cells)


def make_row(
    columns: Sequence[Column], values: Sequence[Any], style: str = DATA, area_id: int | None = None
) -> Row:
    if len(columns) != len(values):
        raise ValueError(f"{len(values)} values for {len(columns)} columns")
    return Row(tuple(Cell(c, v) for c, v in zip(columns, values, strict=True)), style, area_id)


@dataclass
class Table:
    """Everything a formatter needs: the form's texts, a header with merged cells, the column codes,
    the rows (a list, or an iterator for long lists) and the footer with the signature blocks."""

    title_vi: str
    columns: tuple[Column, ...]
    header_rows: tuple[tuple[HeaderCell, ...], ...]
    rows: Iterable[Row]
    filename: str
    sheet_title: str
    authority_vi: str = ""
    subtitle_vi: tuple[str, ...] = ()
    unit_vi: str = ""
    notes_vi: tuple[str, ...] = ()
    place_date_vi: str = VI_PLACE_DATE
    signatures: tuple[Signature, ...] = SIGNATURES
    freeze_columns: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


# Helpers ---------------------------------------------------------------------------------------------------
def rate(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, 2 decimals (half up), computed exactly; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_date_vi(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def unit_name_vi(area: Area) -> str:
    """ "Đồng Nai" (province) -> "Tỉnh Đồng Nai"; communes and wards already carry their type."""
    if area.level != AreaLevel.PROVINCE or area.name.lower().startswith(("tỉnh", "thành phố")):
        return area.name
    prefix = "Thành phố" if area.division_type == DivisionType.CITY else "Tỉnh"
    return f"{prefix} {area.name}"


def authority_vi(area: Area) -> str:
    return f"ỦY BAN NHÂN DÂN {unit_name_vi(area).upper()}"


def _scope_area(review_round: ReviewRound, communes: Sequence[Area], has_total: bool) -> Area:
    """The unit a table speaks for: the province, or the only commune the user sees."""
    if not has_total and len(communes) == 1:
        return communes[0]
    return review_round.province


def _scope_line(review_round: ReviewRound, area: Area) -> str:
    if area.pk == review_round.province_id:
        return unit_name_vi(area)
    return f"{area.name}, {unit_name_vi(review_round.province).lower()}"


# Summary table ---------------------------------------------------------------------------------------------
SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("stt", "A", "STT", _("No."), STT, 6),
    Column("name", "B", "Xã, phường", _("Commune / ward"), TEXT, 28),
    Column("households", "1", "Tổng số hộ dân cư", _("Households")),
    Column("start_poor", "2", "Hộ nghèo", _("Poor at the start of the year")),
    Column("start_near_poor", "3", "Hộ cận nghèo", _("Near-poor at the start of the year")),
    Column("escaped_poverty", "4", "Thoát nghèo", _("Escaped poverty"), list_kind="escaped"),
    Column("newly_poor", "5", "Phát sinh mới", _("Newly poor"), list_kind="newly-poor"),
    Column("re_poor", "6", "Tái nghèo", _("Fallen back into poverty"), list_kind="re-poor"),
    Column("near_poor_to_poor", "7", "Hộ cận nghèo trở thành hộ nghèo", _("Near-poor became poor")),
    Column(
        "escaped_near_poverty",
        "8",
        "Thoát cận nghèo",
        _("Escaped near-poverty"),
        list_kind="escaped-near-poverty",
    ),
    Column("newly_near_poor", "9", "Phát sinh mới", _("Newly near-poor")),
    Column("end_poor", "10", "Số hộ", _("Poor at the end of the year"), list_kind="poor"),
    Column("poor_rate", "11", "Tỷ lệ (%)", _("Poverty rate (%)"), RATE),
    Column("end_near_poor", "12", "Số hộ", _("Near-poor at the end of the year"), list_kind="near-poor"),
    Column("near_poor_rate", "13", "Tỷ lệ (%)", _("Near-poverty rate (%)"), RATE),
    Column("end_poor_em", "14", "Hộ nghèo", _("Ethnic-minority poor households")),
    Column("end_near_poor_em", "15", "Hộ cận nghèo", _("Ethnic-minority near-poor households")),
    Column(
        "end_poor_no_work_capacity",
        "16",
        "Hộ nghèo không có khả năng lao động",
        _("Poor households with no member able to work"),
        width=14,
    ),
)

SUMMARY_HEADER: tuple[tuple[HeaderCell, ...], ...] = (
    (
        HeaderCell("STT", _("No."), rowspan=3),
        HeaderCell("Xã, phường", _("Commune / ward"), rowspan=3),
        HeaderCell("Tổng số hộ dân cư", _("Households"), rowspan=3),
        HeaderCell("Số hộ đầu năm", _("Start of the year"), colspan=2),
        HeaderCell("Diễn biến trong năm", _("During the year"), colspan=6),
        HeaderCell("Số hộ cuối năm", _("End of the year"), colspan=4),
        HeaderCell("Trong đó: hộ dân tộc thiểu số", _("Of which ethnic minority"), colspan=2),
        HeaderCell("Hộ nghèo không có khả năng lao động", _("Poor, no member able to work"), rowspan=3),
    ),
    (
        HeaderCell("Hộ nghèo", _("Poor"), rowspan=2),
        HeaderCell("Hộ cận nghèo", _("Near-poor"), rowspan=2),
        HeaderCell("Hộ nghèo", _("Poor households"), colspan=4),
        HeaderCell("Hộ cận nghèo", _("Near-poor households"), colspan=2),
        HeaderCell("Hộ nghèo", _("Poor"), colspan=2),
        HeaderCell("Hộ cận nghèo", _("Near-poor"), colspan=2),
        HeaderCell("Hộ nghèo", _("Poor"), rowspan=2),
        HeaderCell("Hộ cận nghèo", _("Near-poor"), rowspan=2),
    ),
    (
        HeaderCell("Thoát nghèo", _("Escaped")),
        HeaderCell("Phát sinh mới", _("Newly poor")),
        HeaderCell("Tái nghèo", _("Fallen back")),
        HeaderCell("Hộ cận nghèo trở thành hộ nghèo", _("From near-poor")),
        HeaderCell("Thoát cận nghèo", _("Escaped")),
        HeaderCell("Phát sinh mới", _("Newly near-poor")),
        HeaderCell("Số hộ", _("Households")),
        HeaderCell("Tỷ lệ (%)", _("Rate (%)")),
        HeaderCell("Số hộ", _("Households")),
        HeaderCell("Tỷ lệ (%)", _("Rate (%)")),
    ),
)

COUNT_KEYS = tuple(c.key for c in SUMMARY_COLUMNS if c.kind == INT)


def _counts(summary: AreaSummary) -> dict[str, int]:
    return {key: int(getattr(summary, key)) for key in COUNT_KEYS}


def _summary_row(stt: str, label: str, counts: dict[str, int], style: str, area_id: int | None) -> Row:
    values: dict[str, Any] = dict(counts)
    values["stt"], values["name"] = stt, label
    values["poor_rate"] = rate(counts["end_poor"], counts["households"])
    values["near_poor_rate"] = rate(counts["end_near_poor"], counts["households"])
    return make_row(SUMMARY_COLUMNS, [values[c.key] for c in SUMMARY_COLUMNS], style, area_id)


def _sum(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total = dict.fromkeys(COUNT_KEYS, 0)
    for counts in rows:
        for key in COUNT_KEYS:
            total[key] += counts[key]
    return total


ROMAN = ("I", "II", "III", "IV")


def summary_table(*, user: Any, review_round: ReviewRound, sort: str = "", official: bool = False) -> Table:
    """Households at the start of the year, movements during the year, the end of the year with rates,
    of which ethnic-minority households, per commune in the user's scope.

    Grouped urban (wards) / rural (communes) with subtotals when the user sees several communes, or
    sorted by the end-of-year poverty rate (highest first) with ``sort="rate"``; the province total row
    comes first, only for users whose scope covers the province. ``official`` picks the Vietnamese row
    labels of the export instead of the interface's.
    """
    summaries = list(table_selectors.summary_rows(user=user, review_round=review_round))
    total = table_selectors.province_total(user=user, review_round=review_round)
    rows: list[Row] = []
    if total is not None:
        label = VI_TOTAL if official else str(_("Province total"))
        rows.append(_summary_row("", label, _counts(total), TOTAL, None))
    if sort == SORT_RATE:
        ranked = sorted(
            summaries,
            key=lambda s: (-(rate(s.end_poor, s.households) or Decimal(-1)), s.area.code),
        )
        rows.extend(
            _summary_row(str(n), s.area.name, _counts(s), DATA, s.area_id) for n, s in enumerate(ranked, 1)
        )
    elif len(summaries) > 1:
        groups = [
            (VI_URBAN if official else str(_("Urban area (wards)")), [s for s in summaries if s.is_urban]),
            (
                VI_RURAL if official else str(_("Rural area (communes)")),
                [s for s in summaries if not s.is_urban],
            ),
        ]
        number = 0
        for label, members in groups:
            if not members:
                continue
            rows.append(_summary_row(ROMAN[number], label, _sum(_counts(s) for s in members), GROUP, None))
            number += 1
            rows.extend(
                _summary_row(str(n), s.area.name, _counts(s), DATA, s.area_id)
                for n, s in enumerate(members, 1)
            )
    else:
        rows.extend(
            _summary_row(str(n), s.area.name, _counts(s), DATA, s.area_id) for n, s in enumerate(summaries, 1)
        )

    scope = _scope_area(review_round, [s.area for s in summaries], total is not None)
    refreshed = [s.refreshed_at for s in [*summaries, *([total] if total else [])]]
    subtitle = [_scope_line(review_round, scope)]
    if refreshed:
        subtitle.append(VI_AS_OF.format(date=format_date_vi(timezone.localtime(max(refreshed)).date())))
    suffix = "-xep-theo-ty-le" if sort == SORT_RATE else ""
    return Table(
        title_vi=VI_SUMMARY_TITLE.format(year=review_round.year),
        columns=SUMMARY_COLUMNS,
        header_rows=SUMMARY_HEADER,
        rows=rows,
        filename=f"tong-hop-ra-soat-ho-ngheo-{review_round.year}{suffix}.xlsx",
        sheet_title=f"Tổng hợp {review_round.year}",
        authority_vi=authority_vi(scope),
        subtitle_vi=tuple(subtitle),
        unit_vi=VI_UNIT_HOUSEHOLDS,
        notes_vi=VI_SUMMARY_NOTES,
        freeze_columns=2,
        meta={
            "communes": len(summaries),
            "has_total": total is not None,
            "refreshed_at": max(refreshed) if refreshed else None,
        },
    )


# Named household lists -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListKind:
    slug: str
    label: Any
    description: Any
    title_vi: str
    category: str = ""  # lists of the registry's recognised category
    movements: tuple[str, ...] = ()  # lists of the round's movements (assessments of an open commune)
    frozen: tuple[tuple[str, Any], ...] = ()  # the filter of the frozen list (``RoundHousehold``)

    @property
    def movement(self) -> str:
        return self.movements[0] if self.movements else ""

    @property
    def frozen_q(self) -> Q:
        return Q(**dict(self.frozen))


LIST_KINDS: dict[str, ListKind] = {
    k.slug: k
    for k in (
        ListKind(
            "poor",
            _("Poor households"),
            _("Households recognised as poor, as counted at the end of the year."),
            "DANH SÁCH HỘ NGHÈO NĂM {year}",
            category=Category.POOR,
            frozen=(("end_category", figures.POOR),),
        ),
        ListKind(
            "near-poor",
            _("Near-poor households"),
            _("Households recognised as near-poor, as counted at the end of the year."),
            "DANH SÁCH HỘ CẬN NGHÈO NĂM {year}",
            category=Category.NEAR_POOR,
            frozen=(("end_category", figures.NEAR_POOR),),
        ),
        ListKind(
            "escaped",
            _("Households that escaped poverty"),
            _("Poor at the start of the round and no longer poor at its end (now near-poor or above)."),
            "DANH SÁCH HỘ THOÁT NGHÈO NĂM {year}",
            movements=(
                Movement.ESCAPED_POVERTY,
                Movement.POOR_TO_NEAR_POOR,
                Movement.ESCAPED_ABOVE_NEAR_POOR,
            ),
            frozen=(("poor_movement__in", (figures.POOR_TO_NEAR_POOR, figures.ESCAPED_ABOVE_NEAR_POOR)),),
        ),
        ListKind(
            "escaped-near-poverty",
            _("Households that escaped near-poverty"),
            _("Near-poor at the start of the round and neither poor nor near-poor at its end."),
            "DANH SÁCH HỘ THOÁT CẬN NGHÈO NĂM {year}",
            movements=(Movement.ESCAPED_NEAR_POVERTY,),
            frozen=(("near_poor_movement", figures.ESCAPED_NEAR_POVERTY),),
        ),
        ListKind(
            "newly-poor",
            _("Newly poor households"),
            _("Neither poor nor near-poor at the start of the round, poor at its end."),
            "DANH SÁCH HỘ NGHÈO PHÁT SINH MỚI NĂM {year}",
            movements=(Movement.NEWLY_POOR,),
            frozen=(("poor_movement", figures.NEW[figures.POOR]),),
        ),
        ListKind(
            "re-poor",
            _("Households fallen back into poverty"),
            _("Households that had escaped poverty earlier and are poor again at the end of the round."),
            "DANH SÁCH HỘ TÁI NGHÈO NĂM {year}",
            movements=(Movement.RE_POOR,),
            frozen=(("poor_movement", figures.RE[figures.POOR]),),
        ),
    )
}

LIST_COLUMNS: tuple[Column, ...] = (
    Column("stt", "A", "STT", _("No."), STT, 6),
    Column("code", "B", "Mã hộ", _("Household code"), TEXT, 12),
    Column("head", "C", "Họ và tên chủ hộ", _("Head of household"), TEXT, 26),
    Column("village", "D", "Thôn, ấp, khu phố", _("Village"), TEXT, 20),
    Column("commune", "E", "Xã, phường", _("Commune / ward"), TEXT, 22),
    Column("ethnic_group", "F", "Dân tộc", _("Ethnic group"), TEXT, 12),
    Column("minority", "G", "Hộ dân tộc thiểu số", _("Ethnic minority"), BOOL, 11),
    Column("members", "1", "Số nhân khẩu", _("Members"), INT, 10),
    Column("category", "H", "Phân loại hộ", _("Category"), TEXT, 18),
    Column("deprived", "I", "Các chỉ số thiếu hụt dịch vụ xã hội cơ bản", _("Deprived indicators"), TEXT, 40),
    Column("recognised_on", "K", "Ngày công nhận", _("Recognised on"), DATE, 13),
)
LIST_HEADER: tuple[tuple[HeaderCell, ...], ...] = (
    tuple(HeaderCell(c.label_vi, c.label) for c in LIST_COLUMNS),
)


@cache
def _indicator_names() -> dict[str, tuple[str, str]]:
    """Indicator key -> (Vietnamese name, English name), across every standard (older ones first)."""
    names: dict[str, tuple[str, str]] = {}
    for standard in sorted(all_standards(), key=lambda s: s.effective):
        for indicator in standard.indicators:
            names[indicator.key] = (indicator.name_vi, indicator.name_en)
    return names


def indicator_names(keys: Iterable[str], *, year: int, vietnamese: bool) -> str:
    """Names of deprived indicators in the order of the standard governing ``year``."""
    try:
        order = standard_for(year).indicator_keys
    except StandardError:
        order = ()
    wanted = [k for k in keys if k]
    wanted.sort(key=lambda k: (order.index(k) if k in order else len(order), k))
    names = _indicator_names()
    return "; ".join(names.get(k, (k, k))[0 if vietnamese else 1] for k in wanted)


def _category_label(value: str, official: bool) -> str:
    if not value:
        return ""
    if official:
        return VI_CATEGORY.get(value, value)
    return str(Category(value).label) if value in Category.values else value


def household_rows(
    items: Iterable[Household | Assessment | RoundHousehold],
    *,
    review_round: ReviewRound,
    start: int = 1,
    official: bool = False,
    dates: dict[int, dt.date] | None = None,
) -> Iterator[Row]:
    """One row per household of a list. ``items`` are households (registry lists of an open commune),
    assessments (movement lists of an open commune: the category decided in the round, the date of the
    commune's decision) or frozen households (every list of a frozen commune)."""
    vietnamese = official or (get_language() or "vi").startswith("vi")
    for n, item in enumerate(items, start):
        if isinstance(item, RoundHousehold):
            values = [
                item.code,
                item.head_name,
                item.village_name,
                item.commune.name,
                ethnic_group_name(item.ethnic_group),
                item.is_ethnic_minority,
                item.persons,
                _category_label(item.end_category, official),
                indicator_names(item.deprived.split("|"), year=review_round.year, vietnamese=vietnamese),
                (dates or {}).get(item.commune_id) or item.category_since,
            ]
            yield make_row(LIST_COLUMNS, [str(n), *values])
            continue
        if isinstance(item, Assessment):
            household = item.household
            category = item.decided_category
            keys: Iterable[str] = item.deprived or []
            recognised = (dates or {}).get(item.commune_id)
        else:
            household = item
            category = household.category
            keys = household.deprived_keys.split("|")
            recognised = household.category_since
        yield make_row(
            LIST_COLUMNS,
            [
                str(n),
                household.code,
                household.head_name,
                household.village.name,
                (item.commune if isinstance(item, Assessment) else household.commune).name,
                ethnic_group_name(household.ethnic_group),
                household.is_ethnic_minority,
                int(getattr(item, "member_count", 0) or 0),
                _category_label(category, official),
                indicator_names(keys, year=review_round.year, vietnamese=vietnamese),
                recognised,
            ],
        )


class ChainedLists:
    """Two querysets read one after the other (the frozen communes' lists, then the open communes'), with
    what the paginator and the export need: ``count()``, slices and ``iterator()``."""

    def __init__(self, *parts: Any) -> None:
        self.parts = parts
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [part.count() for part in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            raise TypeError("ChainedLists takes slices only")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        items: list[Any] = []
        offset = 0
        for part, size in zip(self.parts, self.counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            if lo < hi:
                items.extend(part[lo:hi])
            offset += size
        return items

    def iterator(self, chunk_size: int = 2000) -> Iterator[Any]:
        for part in self.parts:
            yield from part.iterator(chunk_size=chunk_size)


def household_queryset(
    *, user: Any, review_round: ReviewRound, kind: ListKind, commune: Area | None = None
) -> Any:
    """The households of a list, scoped to the user; paginated by the view on screen. A frozen commune's
    list is its frozen rows; an open commune's, the registry (or the round's assessments)."""
    frozen = table_selectors.frozen_communes(user=user, review_round=review_round)
    if commune is not None and commune.pk not in frozen:
        frozen = set()
    frozen_part = (
        table_selectors.frozen_households(
            user=user, review_round=review_round, q=kind.frozen_q, commune=commune
        )
        if frozen
        else None
    )
    if commune is not None and frozen_part is not None:
        return frozen_part
    if kind.category:
        live = table_selectors.registry_households(
            user=user,
            review_round=review_round,
            category=kind.category,
            commune=commune,
            exclude_communes=frozen,
        )
    else:
        live = table_selectors.movement_assessments(
            user=user,
            review_round=review_round,
            movements=kind.movements,
            commune=commune,
            exclude_communes=frozen,
        )
    if frozen_part is None:
        return live
    return ChainedLists(frozen_part, live)


def household_list_table(
    *, user: Any, review_round: ReviewRound, kind: ListKind, commune: Area | None = None
) -> Table:
    """The whole list for the export, without a row cap: rows are produced while the file is written."""
    queryset = household_queryset(user=user, review_round=review_round, kind=kind, commune=commune)
    dates = table_selectors.decision_dates(user=user, review_round=review_round) if kind.movement else {}
    if commune is not None:
        scope = commune
    else:
        communes = list(table_selectors.commune_choices(user=user, review_round=review_round)[:2])
        covers = table_selectors.covers_province(user=user, review_round=review_round)
        scope = _scope_area(review_round, communes, covers)
    return Table(
        title_vi=kind.title_vi.format(year=review_round.year),
        columns=LIST_COLUMNS,
        header_rows=LIST_HEADER,
        rows=household_rows(
            queryset.iterator(chunk_size=2000), review_round=review_round, official=True, dates=dates
        ),
        filename=f"danh-sach-{kind.slug}-{review_round.year}.xlsx",
        sheet_title=f"Danh sách {review_round.year}",
        authority_vi=authority_vi(scope),
        subtitle_vi=(_scope_line(review_round, scope),),
        freeze_columns=3,
    )
