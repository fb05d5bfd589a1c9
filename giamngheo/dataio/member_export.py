"""Export of the members of a list of households: one row per active member, in Vietnamese.

Like the household export (``households.exports``), headers and values are Vietnamese whatever the interface
language, and national ID numbers go through ``households.selectors.shown_national_id``: masked in the file
exactly as on screen. The headers are those of the import template (``fields``), so a column means the same
thing in both directions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from giamngheo.accounts.models import User
from giamngheo.core.xlsx import write_table
from giamngheo.households import exports
from giamngheo.households.exports import CATEGORY_NAMES, CHUNK, NO, NOT_CLASSIFIED, YES
from giamngheo.households.models import Household, Member
from giamngheo.households.reference import Relationship, ethnic_groups
from giamngheo.households.selectors import national_id_display

from .fields import EDUCATION_VI, EMPLOYMENT_VI, RELATIONSHIP_VI, SEX_VI

# (header, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("STT", 7),
    ("Mã hộ", 12),
    ("Xã/phường/đặc khu", 24),
    ("Thôn/ấp/khu phố", 18),
    ("Họ và tên", 26),
    ("Giới tính", 8),
    ("Ngày sinh", 12),
    ("Quan hệ với chủ hộ", 14),
    ("Số CCCD", 16),
    ("Dân tộc", 12),
    ("Có thẻ BHYT", 10),
    ("Đang đi học", 10),
    ("Trình độ giáo dục", 22),
    ("Việc làm", 30),
    ("Khuyết tật", 10),
    ("Phân loại hộ", 22),
)
HEADERS = tuple(name for name, _width in COLUMNS)
SHEET_TITLE = "Thành viên"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


def _label(labels: Mapping[Any, str], code: str) -> str:
    return labels.get(code, code) if code else ""


def member_queryset(households: QuerySet[Household]) -> QuerySet[Member]:
    """The active members of ``households`` (already scoped and filtered by the selector): household by
    household in the list's order, the head first."""
    return (
        Member.objects.filter(household__in=households.values("pk"), is_active=True)
        .select_related("household", "household__commune", "household__village")
        .order_by(
            "household__commune_id",
            "household__code",
            "household_id",
            Case(
                When(relationship=Relationship.HEAD, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "date_of_birth",
            "pk",
        )
    )


def member_rows(members: QuerySet[Member], *, user: User) -> Iterator[list[Any]]:
    """One row per member of ``members`` (see ``member_queryset``), in order, under ``HEADERS``."""
    ethnic = dict(ethnic_groups())
    shown_id = national_id_display(user=user)
    for number, m in enumerate(members.iterator(chunk_size=CHUNK), start=1):
        h = m.household
        yield [
            number,
            h.code,
            h.commune.name,
            h.village.name,
            m.full_name,
            _label(SEX_VI, m.sex),
            m.date_of_birth,
            _label(RELATIONSHIP_VI, m.relationship),
            shown_id(m.national_id),
            ethnic.get(m.ethnic_group, m.ethnic_group),
            _yes_no(m.has_health_insurance),
            _yes_no(m.in_education),
            _label(EDUCATION_VI, m.education),
            _label(EMPLOYMENT_VI, m.employment),
            YES if m.disabled else NO,
            CATEGORY_NAMES.get(h.category, h.category) if h.category else NOT_CLASSIFIED,
        ]


def write_member_xlsx(rows: Iterable[list[Any]]) -> IO[bytes]:
    """An .xlsx file of ``rows`` under ``HEADERS`` (streamed: rows go to disk as they come) in a temporary
    file, rewound."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller stores and closes it
    write_table(
        out, sheet=SHEET_TITLE, headers=HEADERS, rows=rows, widths=[w for _n, w in COLUMNS], freeze="C2"
    )
    out.seek(0)
    return out


def member_csv_stream(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text, UTF-8 with a byte-order mark so that Excel reads the Vietnamese correctly."""
    return exports.csv_stream(rows, headers=HEADERS)
