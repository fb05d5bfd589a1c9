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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, partial
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.models import User
from giamngheo.geo.models import Area, AreaLevel, DivisionType
from giamngheo.households.models import Household
from giamngheo.households.reference import KINH, Category, ethnic_group_name, poverty_causes
from giamngheo.poverty.standard import StandardError, all_standards, get_standard, standard_for

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
    template_vi: str = ""  # the official template followed, printed top right ("Mẫu số 7.2")
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


def summary_table(*, user: User, review_round: ReviewRound, sort: str = "", official: bool = False) -> Table:
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
        notes_vi=(
            *VI_SUMMARY_NOTES,
            "Tổng hợp theo Mẫu số 7.1, 7.2, 7.3, Phụ lục VII Thông tư 07/2021/TT-BLĐTBXH (sửa đổi bởi "
            "Thông tư 02/2022/TT-BLĐTBXH): bố cục SUY LUẬN. Cột 4 gồm hộ trở thành hộ cận nghèo và hộ vượt "
            "chuẩn cận nghèo; các cột khác giảm, khác tăng ở Mẫu 7.2, 7.3.",
        ),
        template_vi="Tổng hợp Mẫu số 7.1–7.3",
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
    *, user: User, review_round: ReviewRound, kind: ListKind, commune: Area | None = None
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
    live: Any
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
    *, user: User, review_round: ReviewRound, kind: ListKind, commune: Area | None = None
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
        notes_vi=(
            "Theo danh sách hộ của Phụ lục I Thông tư 07/2021/TT-BLĐTBXH (bố cục SUY LUẬN). Danh sách của "
            "xã đã chốt số liệu là danh sách tại thời điểm chốt.",
        ),
        template_vi="Danh sách theo Phụ lục I",
        freeze_columns=3,
    )


# Circular 07 report templates (Mẫu 7.1–7.10) -------------------------------------------------------------
VI_TEMPLATE = (
    "Theo Mẫu số {number}, Phụ lục VII Thông tư 07/2021/TT-BLĐTBXH (sửa đổi, bổ sung bởi Thông tư "
    "02/2022/TT-BLĐTBXH). Bố cục SUY LUẬN, chưa đối chiếu văn bản gốc của biểu mẫu."
)
VI_PERIOD = (
    "Đầu kỳ: danh sách đầu năm (kết quả rà soát kỳ trước, hoặc danh sách tại bước 1); "
    "cuối kỳ: kết quả năm {year}"
)
VI_UNIT_ROWS = {figures.HH: "Hộ", figures.PERSONS: "Nhân khẩu"}
VI_DEPRIVED, VI_UNKNOWN = "Thiếu hụt", "Chưa đủ thông tin"
VI_KINH = "Kinh"


@dataclass(frozen=True)
class FormColumn:
    column: Column
    value: Callable[[Mapping[str, int], str], Any]  # (figures of an area, unit) -> value


@dataclass(frozen=True)
class Form:
    slug: str
    number: str  # 7.1 … 7.10
    title_vi: str
    label: Any
    description: Any
    per_unit: bool  # "Phân tổ": one row for households, one for persons
    inferred_vi: str  # which columns are inferred or provisional (printed under the table)
    unit_vi: str = VI_UNIT_HOUSEHOLDS


def _get(key: str) -> Callable[[Mapping[str, int], str], int]:
    return lambda f, unit: int(f.get(key, 0))


def _unit(key_of: Callable[[str], str]) -> Callable[[Mapping[str, int], str], int]:
    return lambda f, unit: int(f.get(key_of(unit), 0))


def _sum_of(keys: list[str]) -> Callable[[Mapping[str, int], str], int]:
    return lambda f, unit: sum(int(f.get(k, 0)) for k in keys)


def _rate_of(
    part: Callable[[Mapping[str, int], str], int], whole: Callable[[Mapping[str, int], str], int]
) -> Callable[[Mapping[str, int], str], Decimal | None]:
    return lambda f, unit: rate(part(f, unit), whole(f, unit))


def _col(key: str, code: str, label_vi: str, kind: str = INT, width: float = 9) -> Column:
    return Column(key, code, label_vi, label_vi, kind, width)


def _head(label_vi: str, colspan: int = 1, rowspan: int = 1) -> HeaderCell:
    return HeaderCell(label_vi, label_vi, colspan, rowspan)


def _form_7_1(
    review_round: ReviewRound, all_figures: list[Mapping[str, int]]
) -> tuple[list[FormColumn], Any]:
    total_hh, total_p = _get(figures.all_key(figures.HH)), _get(figures.all_key(figures.PERSONS))
    cols: list[FormColumn] = [
        FormColumn(_col("all_hh", "1", "Hộ"), total_hh),
        FormColumn(_col("all_persons", "2", "Khẩu"), total_p),
    ]
    code = 3
    for unit, whole in ((figures.HH, total_hh), (figures.PERSONS, total_p)):
        for category, label in (
            (figures.POOR, "Hộ nghèo" if unit == figures.HH else "Khẩu nghèo"),
            (figures.NEAR_POOR, "Hộ cận nghèo" if unit == figures.HH else "Khẩu cận nghèo"),
            (
                figures.MIDDLE,
                "Hộ có mức sống trung bình" if unit == figures.HH else "Khẩu mức sống trung bình",
            ),
        ):
            count = _get(figures.category_key(category, figures.END, unit))
            cols.append(FormColumn(_col(f"{category}_{unit}", str(code), label), count))
            cols.append(
                FormColumn(
                    _col(
                        f"{category}_{unit}_rate",
                        str(code + 1),
                        f"Tỷ lệ (%) = {code}/{1 if unit == figures.HH else 2}×100",
                        RATE,
                    ),
                    _rate_of(count, whole),
                )
            )
            code += 2
    header = (
        (
            _head("STT", rowspan=2),
            _head("Xã, phường", rowspan=2),
            _head("Tổng số hộ dân cư", colspan=2),
            _head("Kết quả về hộ", colspan=6),
            _head("Kết quả về khẩu", colspan=6),
        ),
        tuple(_head(fc.column.label_vi) for fc in cols),
    )
    return cols, header


def _form_flows(side: str) -> Callable[..., tuple[list[FormColumn], Any]]:
    poor = side == figures.POOR
    noun = "hộ nghèo" if poor else "hộ cận nghèo"
    labels = {
        figures.START: f"Tổng số {noun} đầu kỳ",
        figures.POOR_TO_NEAR_POOR: "Trở thành hộ cận nghèo" if poor else "Số hộ nghèo trở thành hộ cận nghèo",
        figures.ESCAPED_ABOVE_NEAR_POOR: "Vượt chuẩn cận nghèo",
        figures.NEAR_POOR_TO_POOR: "Số hộ cận nghèo trở thành hộ nghèo" if poor else "Trở thành hộ nghèo",
        figures.ESCAPED_NEAR_POVERTY: "Vượt chuẩn cận nghèo",
        figures.OTHER_OUT: "Số hộ khác giảm",
        figures.RE[side]: "Tái nghèo" if poor else "Tái cận nghèo",
        figures.NEW[side]: "Phát sinh mới",
        figures.OTHER_IN: "Số hộ khác tăng",
        figures.END: f"Tổng số {noun} cuối kỳ (9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8)",
    }

    def build(
        review_round: ReviewRound, all_figures: list[Mapping[str, int]]
    ) -> tuple[list[FormColumn], Any]:
        cols = [
            FormColumn(
                _col(column, str(n), labels[column], width=11 if column == figures.END else 9),
                _unit(partial(figures.flow_key, side, column)),
            )
            for n, column in enumerate(figures.COLUMNS[side], 1)
        ]
        h = [c.column.label_vi for c in cols]
        header = (
            (
                _head("STT", rowspan=2),
                _head("Xã, phường", rowspan=2),
                _head("Phân tổ", rowspan=2),
                _head(h[0], rowspan=2),
                _head("Số hộ thoát nghèo" if poor else "Số hộ thoát cận nghèo", colspan=2),
                _head(h[3], rowspan=2),
                _head(h[4], rowspan=2),
                _head("Số hộ nghèo bổ sung" if poor else "Số hộ cận nghèo bổ sung", colspan=2),
                _head(h[7], rowspan=2),
                _head(h[8], rowspan=2),
            ),
            (_head(h[1]), _head(h[2]), _head(h[5]), _head(h[6])),
        )
        return cols, header

    return build


def round_indicators(
    review_round: ReviewRound, all_figures: Iterable[Mapping[str, int]]
) -> list[tuple[str, str]]:
    """(key, Vietnamese name) of the indicators of the round's standard (``standard_code``, else the one
    governing the year its lists apply from) in order, then any other indicator
    found in the figures (an assessment classified under another standard)."""
    standard = None
    try:
        standard = get_standard(review_round.standard_code) if review_round.standard_code else None
    except StandardError:
        standard = None
    if standard is None:
        try:
            standard = standard_for(review_round.standard_year or review_round.year)
        except StandardError:
            standard = None
    ordered = list(standard.indicator_keys) if standard is not None else []
    seen = set(ordered)
    for f in all_figures:
        for key in f:
            parts = key.split(".")
            if len(parts) == 3 and parts[1] in ("deprived", "unknown") and parts[2] not in seen:
                seen.add(parts[2])
                ordered.append(parts[2])
    names = _indicator_names()
    return [(key, names.get(key, (key, key))[0]) for key in ordered]


def _form_deprivation(side: str, rates: bool) -> Callable[..., tuple[list[FormColumn], Any]]:
    noun = "hộ nghèo" if side == figures.POOR else "hộ cận nghèo"

    def build(
        review_round: ReviewRound, all_figures: list[Mapping[str, int]]
    ) -> tuple[list[FormColumn], Any]:
        total = _get(figures.category_key(side, figures.END))
        cols = [FormColumn(_col("total", "1", f"Tổng số {noun}"), total)]
        first: list[HeaderCell] = [
            _head("STT", rowspan=2),
            _head("Xã, phường", rowspan=2),
            _head(f"Tổng số {noun}", rowspan=2),
        ]
        if not rates:
            cols.append(
                FormColumn(
                    _col("deprivations", "2", "Tổng số thiếu hụt"), _get(figures.deprivations_key(side))
                )
            )
            first.append(_head("Tổng số thiếu hụt", rowspan=2))
        second: list[HeaderCell] = []
        code = 2 if rates else 3
        for n, (key, name) in enumerate(round_indicators(review_round, all_figures), 1):
            deprived, unknown = _get(figures.deprived_key(side, key)), _get(figures.unknown_key(side, key))
            if rates:
                cols.append(
                    FormColumn(
                        _col(f"d_{key}", str(code), f"{VI_DEPRIVED} (%)", RATE), _rate_of(deprived, total)
                    )
                )
                cols.append(
                    FormColumn(
                        _col(f"u_{key}", f"{code}a", f"{VI_UNKNOWN} (%)", RATE), _rate_of(unknown, total)
                    )
                )
            else:
                cols.append(FormColumn(_col(f"d_{key}", str(code), VI_DEPRIVED), deprived))
                cols.append(FormColumn(_col(f"u_{key}", f"{code}a", VI_UNKNOWN), unknown))
            first.append(_head(f"{n}. {name}", colspan=2))
            second += [_head(cols[-2].column.label_vi), _head(cols[-1].column.label_vi)]
            code += 1
        return cols, (tuple(first), tuple(second))

    return build


def _form_7_8(
    review_round: ReviewRound, all_figures: list[Mapping[str, int]]
) -> tuple[list[FormColumn], Any]:
    cols: list[FormColumn] = []
    code = 1
    for side in (figures.POOR, figures.NEAR_POOR):
        for split, label in (
            ("", "Tổng số"),
            (figures.EM, "Hộ dân tộc thiểu số"),
            (figures.NWC, "Hộ không có khả năng lao động"),
            (figures.MERIT, "Hộ có người có công với cách mạng"),
            (figures.OTHER, "Khác"),
        ):
            if split:
                value = _unit(partial(figures.split_key, side, figures.END, split))
            else:
                value = _unit(partial(figures.category_key, side, figures.END))
            cols.append(FormColumn(_col(f"{side}_{split or 'total'}", str(code), label), value))
            code += 1
    header = (
        (
            _head("STT", rowspan=2),
            _head("Xã, phường", rowspan=2),
            _head("Phân tổ", rowspan=2),
            _head("Hộ nghèo", colspan=5),
            _head("Hộ cận nghèo", colspan=5),
        ),
        tuple(_head(c.column.label_vi) for c in cols),
    )
    return cols, header


def _form_7_9(
    review_round: ReviewRound, all_figures: list[Mapping[str, int]]
) -> tuple[list[FormColumn], Any]:
    groups = sorted(
        {
            key.rsplit(".", 1)[1]
            for f in all_figures
            for key in f
            if ".ethnic." in key and key.rsplit(".", 1)[1] not in (KINH, "")
        }
    )
    cols: list[FormColumn] = []
    first: list[HeaderCell] = [_head("STT", rowspan=2), _head("Xã, phường", rowspan=2)]
    for n, (side, noun) in enumerate(((figures.POOR, "Hộ nghèo"), (figures.NEAR_POOR, "Hộ cận nghèo")), 1):
        minority_keys = [figures.ethnic_key(side, g) for g in groups]
        cols += [
            FormColumn(
                _col(f"{side}_total", f"{n}.0", "Tổng số"), _get(figures.category_key(side, figures.END))
            ),
            FormColumn(_col(f"{side}_kinh", f"{n}.1", VI_KINH), _get(figures.ethnic_key(side, KINH))),
            FormColumn(
                _col(f"{side}_em", f"{n}.2", "Tổng số hộ dân tộc thiểu số"),
                _sum_of(minority_keys),
            ),
        ]
        cols += [
            FormColumn(
                _col(f"{side}_{g}", f"{n}.2.{i}", ethnic_group_name(g) or g),
                _get(figures.ethnic_key(side, g)),
            )
            for i, g in enumerate(groups, 1)
        ]
        first.append(_head(noun, colspan=3 + len(groups)))
    return cols, (tuple(first), tuple(_head(c.column.label_vi) for c in cols))


def _form_7_10(
    review_round: ReviewRound, all_figures: list[Mapping[str, int]]
) -> tuple[list[FormColumn], Any]:
    causes = [*poverty_causes(), (figures.NO_CAUSE, "Chưa ghi nhận nguyên nhân")]
    cols: list[FormColumn] = []
    first: list[HeaderCell] = [_head("STT", rowspan=2), _head("Xã, phường", rowspan=2)]
    code = 1
    for side, noun in ((figures.POOR, "Hộ nghèo"), (figures.NEAR_POOR, "Hộ cận nghèo")):
        cols.append(
            FormColumn(
                _col(f"{side}_total", str(code), "Tổng số"), _get(figures.category_key(side, figures.END))
            )
        )
        code += 1
        for cause, name in causes:
            cols.append(
                FormColumn(_col(f"{side}_{cause}", str(code), name), _get(figures.cause_key(side, cause)))
            )
            code += 1
        first.append(_head(noun, colspan=1 + len(causes)))
    return cols, (tuple(first), tuple(_head(c.column.label_vi) for c in cols))


VI_INFERRED_FLOWS = (
    "Cột suy luận: 4 và 8 (khác giảm: hộ chuyển đi, ngừng theo dõi, xóa khỏi sổ; khác tăng: hộ chuyển đến, "
    "hộ mới vào sổ đã thuộc diện mà không do quyết định trong kỳ); 6 (tái nghèo / tái cận nghèo: hộ đã "
    "thoát ở kỳ trước hoặc theo quyết định trong năm, chưa xác nhận thời hạn). Nhân khẩu: số thành viên "
    "đang sống trong hộ, hoặc số nhân khẩu khai báo khi chưa có danh sách thành viên."
)
VI_INFERRED_DEPRIVATION = (
    "Cột suy luận: “Chưa đủ thông tin” (chỉ số chưa đủ dữ liệu để đánh giá, không tính là thiếu hụt) "
    "được thêm sau mỗi chỉ số. Ngưỡng các chỉ số 11–12 (theo chuẩn mới) là TẠM THỜI."
)
FORMS: dict[str, Form] = {
    f.slug: f
    for f in (
        Form(
            "7-1",
            "7.1",
            "TỔNG HỢP KẾT QUẢ CHÍNH THỨC RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO, "
            "HỘ CÓ MỨC SỐNG TRUNG BÌNH NĂM {year}",
            _("Official results: poor, near-poor and middle-living (form 7.1)"),
            _(
                "Households and persons per commune with the rates of poverty, near-poverty and "
                "middle living."
            ),
            False,
            "Cột suy luận: 7, 8, 13, 14 tính mọi hộ có mức sống trung bình (biểu mẫu ghi hộ làm nông, "
            "lâm, ngư nghiệp có mức sống trung bình; ngành nghề chưa được ghi nhận). "
            "Tiêu chí mức sống trung bình là TẠM THỜI.",
        ),
        Form(
            "7-2",
            "7.2",
            "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM {year}",
            _("Changes in poor households (form 7.2)"),
            _(
                "Poor at the start, escaped, other out, from near-poor, fallen back, new, other in, "
                "poor at the end."
            ),
            True,
            VI_INFERRED_FLOWS,
        ),
        Form(
            "7-3",
            "7.3",
            "TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM {year}",
            _("Changes in near-poor households (form 7.3)"),
            _(
                "Near-poor at the start, became poor, escaped, other out, from poor, fallen back, new, "
                "other in."
            ),
            True,
            VI_INFERRED_FLOWS,
        ),
        Form(
            "7-4",
            "7.4",
            "PHÂN TÍCH CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA HỘ NGHÈO NĂM {year}",
            _("Deprivations of poor households (form 7.4)"),
            _(
                "Poor households lacking each basic social service, with those not yet assessed "
                "counted apart."
            ),
            False,
            VI_INFERRED_DEPRIVATION,
        ),
        Form(
            "7-5",
            "7.5",
            "PHÂN TÍCH TỶ LỆ CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA HỘ NGHÈO NĂM {year}",
            _("Deprivation rates of poor households (form 7.5)"),
            _("Share of poor households lacking each basic social service."),
            False,
            VI_INFERRED_DEPRIVATION,
            "Đơn vị tính: %",
        ),
        Form(
            "7-6",
            "7.6",
            "PHÂN TÍCH CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA HỘ CẬN NGHÈO NĂM {year}",
            _("Deprivations of near-poor households (form 7.6)"),
            _("Near-poor households lacking each basic social service, with those not yet assessed apart."),
            False,
            VI_INFERRED_DEPRIVATION,
        ),
        Form(
            "7-7",
            "7.7",
            "PHÂN TÍCH TỶ LỆ CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA HỘ CẬN NGHÈO NĂM {year}",
            _("Deprivation rates of near-poor households (form 7.7)"),
            _("Share of near-poor households lacking each basic social service."),
            False,
            VI_INFERRED_DEPRIVATION,
            "Đơn vị tính: %",
        ),
        Form(
            "7-8",
            "7.8",
            "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NHÓM ĐỐI TƯỢNG NĂM {year}",
            _("Poor and near-poor households by group (form 7.8)"),
            _("Ethnic minority, no member able to work, meritorious member, other."),
            True,
            "Cột suy luận: “Khác” là hộ không thuộc nhóm nào ở các cột trước; một hộ có thể thuộc "
            "nhiều nhóm nên cột Khác có thể khác Tổng số trừ các nhóm. "
            "Người có công: chỉ hộ đã được ghi nhận.",
        ),
        Form(
            "7-9",
            "7.9",
            "PHÂN TÍCH HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC NĂM {year}",
            _("Poor and near-poor households by ethnic group (form 7.9)"),
            _("Kinh, all ethnic minorities, one column per ethnic group present."),
            False,
            "Cột suy luận: một cột cho mỗi dân tộc có trong số liệu "
            "(danh mục dân tộc của tỉnh chưa xác nhận).",
        ),
        Form(
            "7-10",
            "7.10",
            "PHÂN NHÓM HỘ NGHÈO, HỘ CẬN NGHÈO THEO CÁC NGUYÊN NHÂN NGHÈO NĂM {year}",
            _("Poor and near-poor households by cause of poverty (form 7.10)"),
            _("Causes recorded on the households (provisional list); a household may have several."),
            False,
            "Danh mục nguyên nhân nghèo là TẠM THỜI (chưa đối chiếu phiếu B). Một hộ có thể có nhiều nguyên "
            "nhân nên tổng các cột nguyên nhân có thể lớn hơn tổng số hộ.",
        ),
    )
}
FORM_BUILDERS: dict[str, Callable[[ReviewRound, list[Mapping[str, int]]], tuple[list[FormColumn], Any]]] = {
    "7-1": _form_7_1,
    "7-2": _form_flows(figures.POOR),
    "7-3": _form_flows(figures.NEAR_POOR),
    "7-4": _form_deprivation(figures.POOR, rates=False),
    "7-5": _form_deprivation(figures.POOR, rates=True),
    "7-6": _form_deprivation(figures.NEAR_POOR, rates=False),
    "7-7": _form_deprivation(figures.NEAR_POOR, rates=True),
    "7-8": _form_7_8,
    "7-9": _form_7_9,
    "7-10": _form_7_10,
}
UNIT_COLUMN = Column("unit", "C", "Phân tổ", _("Counted in"), TEXT, 11)


def _add(counts: Iterable[Mapping[str, int]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return total


def form_table(*, user: User, review_round: ReviewRound, form: Form, official: bool = False) -> Table:
    """One of the Circular 07 templates per commune in the user's scope, from ``AreaSummary`` only: the
    province total first (for province scope), then urban / rural groups with their subtotals."""
    summaries = list(table_selectors.summary_rows(user=user, review_round=review_round))
    total = table_selectors.province_total(user=user, review_round=review_round)
    by_area = {s.area_id: Counter(s.figures or {}) for s in summaries}
    total_figures = Counter(total.figures or {}) if total is not None else None
    cols, header = FORM_BUILDERS[form.slug](review_round, [*by_area.values(), total_figures or {}])
    columns = (
        SUMMARY_COLUMNS[0],
        SUMMARY_COLUMNS[1],
        *((UNIT_COLUMN,) if form.per_unit else ()),
        *(fc.column for fc in cols),
    )
    units = figures.UNITS if form.per_unit else (figures.HH,)

    def area_rows(stt: str, label: str, f: Mapping[str, int], style: str, area_id: int | None) -> list[Row]:
        out = []
        for i, unit in enumerate(units):
            head = [stt if i == 0 else "", label if i == 0 else ""]
            if form.per_unit:
                head.append(VI_UNIT_ROWS[unit] if official else str(UNIT_LABELS[unit]))
            out.append(make_row(columns, [*head, *(fc.value(f, unit) for fc in cols)], style, area_id))
        return out

    rows: list[Row] = []
    if total_figures is not None:
        rows += area_rows("", VI_TOTAL if official else str(_("Province total")), total_figures, TOTAL, None)
    if len(summaries) > 1:
        number = 0
        for label, members in (
            (VI_URBAN if official else str(_("Urban area (wards)")), [s for s in summaries if s.is_urban]),
            (
                VI_RURAL if official else str(_("Rural area (communes)")),
                [s for s in summaries if not s.is_urban],
            ),
        ):
            if not members:
                continue
            rows += area_rows(ROMAN[number], label, _add(by_area[s.area_id] for s in members), GROUP, None)
            number += 1
            for n, s in enumerate(members, 1):
                rows += area_rows(str(n), s.area.name, by_area[s.area_id], DATA, s.area_id)
    else:
        for n, s in enumerate(summaries, 1):
            rows += area_rows(str(n), s.area.name, by_area[s.area_id], DATA, s.area_id)

    scope = _scope_area(review_round, [s.area for s in summaries], total is not None)
    frozen = [s.frozen_at for s in summaries]
    subtitle = [_scope_line(review_round, scope), VI_PERIOD.format(year=review_round.year)]
    refreshed = [s.refreshed_at for s in [*summaries, *([total] if total else [])]]
    if frozen and all(frozen):
        subtitle.append("Số liệu đã chốt")
    elif refreshed:
        subtitle.append(VI_AS_OF.format(date=format_date_vi(timezone.localtime(max(refreshed)).date())))
    return Table(
        title_vi=form.title_vi.format(year=review_round.year),
        columns=columns,
        header_rows=header,
        rows=rows,
        filename=f"mau-{form.slug}-{review_round.year}.xlsx",
        sheet_title=f"Mẫu {form.number} năm {review_round.year}",
        authority_vi=authority_vi(scope),
        subtitle_vi=tuple(subtitle),
        unit_vi=form.unit_vi,
        notes_vi=(VI_TEMPLATE.format(number=form.number), form.inferred_vi),
        freeze_columns=3 if form.per_unit else 2,
        template_vi=f"Mẫu số {form.number}",
        meta={
            "communes": len(summaries),
            "has_total": total is not None,
            "frozen": bool(frozen) and all(frozen),
            "refreshed_at": max(refreshed) if refreshed else None,
        },
    )


UNIT_LABELS = {figures.HH: _("Households"), figures.PERSONS: _("Persons")}
