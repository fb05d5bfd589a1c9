"""Exports of the household list: a row generator over a (scoped) selector result, and two formatters.

This is the only module of the registry that imports openpyxl. Headers and values are Vietnamese whatever
the interface language, so that a file keeps the same columns for everyone who receives it. National ID
numbers go through ``selectors.shown_national_id``: masked in the file exactly as on screen.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from giamngheo.accounts.models import User
from giamngheo.core import exports as core_exports
from giamngheo.core.xlsx import write_table
from giamngheo.geo.selectors import current_year, especially_difficult_ids
from giamngheo.poverty.classify import CATEGORY_VI

from .facts import DEVICE_VI as DEVICE_VI
from .facts import LATRINE_VI as LATRINE_VI
from .facts import WASTE_VI as WASTE_VI
from .facts import WATER_VI as WATER_VI
from .facts import Fact, exported_facts
from .models import Household, Member
from .reference import Relationship, ethnic_groups
from .selectors import national_id_display

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CHUNK = 2000
# The household facts of the file (``facts.HOUSEHOLD_FACTS`` with an export column), in their columns' order.
EXPORTED: tuple[Fact, ...] = tuple(exported_facts())

# (header, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 7),
    ("Mã hộ", 12),
    ("Xã/phường/đặc khu", 24),
    ("Thôn/ấp/khu phố", 18),
    ("Thôn đặc biệt khó khăn", 12),
    ("Địa chỉ", 30),
    ("Họ tên chủ hộ", 26),
    ("Số CCCD chủ hộ", 16),
    ("Điện thoại", 14),
    ("Dân tộc", 12),
    ("Hộ dân tộc thiểu số", 10),
    ("Số nhân khẩu", 10),
    ("Phân loại hộ", 22),
    ("Ngày công nhận", 14),
    ("Kết quả tính theo chuẩn", 22),
    ("Chỉ số thiếu hụt", 40),
    *((f.exported.header, f.exported.width) for f in EXPORTED if f.exported is not None),
    ("Còn hoạt động", 10),
)
HEADERS = tuple(name for name, _width in COLUMNS)

NOT_CLASSIFIED = "Chưa phân loại"
YES, NO = "Có", "Không"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


CATEGORY_NAMES: dict[str, str] = {str(code): name for code, name in CATEGORY_VI.items()}


def _category(code: str) -> str:
    return CATEGORY_NAMES.get(code, code) if code else NOT_CLASSIFIED


def _fact_cell(fact: Fact, value: Any) -> Any:
    """A fact's value in the file: Vietnamese answers, "Có"/"Không", numbers as they are."""
    if fact.kind == "flag":
        return YES if value else NO
    if fact.kind == "tri_state":
        return _yes_no(value)
    if fact.kind == "choice" and fact.choices_vi is not None:
        return fact.choices_vi.get(value, value)
    if fact.kind == "codes":
        labels = fact.choices_vi or {}
        return ", ".join(labels.get(code, code) for code in value or [])
    return value


def household_rows(
    households: QuerySet[Household], *, user: User, indicator_names: dict[str, str]
) -> Iterator[list[Any]]:
    """One row per household of ``households`` (already scoped and filtered by the selector), in order.

    ``indicator_names`` maps indicator keys to their Vietnamese names. Iterates in chunks: no row cap.
    """
    difficult = especially_difficult_ids(year=current_year())
    ethnic = dict(ethnic_groups())
    active_members = Member.objects.filter(household=OuterRef("pk"), is_active=True)
    rows = households.annotate(
        head_national_id=Subquery(
            active_members.filter(relationship=Relationship.HEAD).order_by("pk").values("national_id")[:1]
        ),
        member_count=Coalesce(
            Subquery(active_members.order_by().values("household").annotate(n=Count("pk")).values("n")[:1]),
            0,
        ),
    )
    # Plain tuples (no model instances): this generator feeds exports of a whole province.
    values = rows.values_list(
        "code",
        "commune__name",
        "village__name",
        "village_id",
        "address",
        "head_name",
        "head_national_id",
        "phone",
        "ethnic_group",
        "is_ethnic_minority",
        "member_count",
        "category",
        "category_since",
        "engine_category",
        "deprived_keys",
        *(f.name for f in EXPORTED),
        "is_active",
    )
    shown_id = national_id_display(user=user)
    for number, (
        code,
        commune,
        village,
        village_id,
        address,
        head_name,
        head_id,
        phone,
        ethnic_group,
        minority,
        members,
        category,
        since,
        engine,
        keys,
        *facts,
        active,
    ) in enumerate(values.iterator(chunk_size=CHUNK), start=1):
        deprived = [k for k in keys.strip("|").split("|") if k]
        yield [
            number,
            code,
            commune,
            village,
            YES if village_id in difficult else "",
            address,
            head_name,
            shown_id(head_id),
            phone,
            ethnic.get(ethnic_group, ethnic_group),
            YES if minority else NO,
            members,
            _category(category),
            since,
            _category(engine) if engine else "",
            "; ".join(indicator_names.get(k, k) for k in deprived),
            *(_fact_cell(fact, value) for fact, value in zip(EXPORTED, facts, strict=True)),
            YES if active else NO,
        ]


# --- Formatters ------------------------------------------------------------------------------------


def write_xlsx(rows: Iterable[list[Any]], *, title: str = "Hộ gia đình") -> IO[bytes]:
    """An .xlsx file of ``rows`` under ``HEADERS``, streamed into a temporary file (``core.xlsx``: rows go
    to disk as they come), rewound, for the view to stream or the job to store."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response that streams it
    write_table(
        out,
        sheet=title,
        headers=HEADERS,
        rows=rows,
        widths=[width for _name, width in COLUMNS],
        money_columns=[
            HEADERS.index(f.exported.header) for f in EXPORTED if f.kind == "money" and f.exported
        ],
        freeze="C2",
    )
    out.seek(0)
    return out


def csv_stream(rows: Iterable[list[Any]], headers: Iterable[str] = HEADERS) -> Iterator[str]:
    """CSV text, UTF-8 with a byte-order mark so that Excel reads the Vietnamese correctly; formula-like
    text neutralised (``core.exports.csv_stream``)."""
    return core_exports.csv_stream(rows, headers)
