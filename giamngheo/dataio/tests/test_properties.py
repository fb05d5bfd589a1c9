"""Property tests of the import: random cell values never crash it, and every row of a file is either
imported exactly (the values the parsers give for its cells) or reported with a reason.

The files are small (1–8 single-member households with unique codes), in CSV and in xlsx; each example's
writes are rolled back so that examples do not see each other's households.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from giamngheo.accounts.models import User
from giamngheo.dataio.fields import (
    BY_KEY,
    ETHNIC_ALIASES,
    EXCEL_EPOCH,
    FIELDS,
    CellError,
    Field,
    propose_mapping,
)
from giamngheo.dataio.imports import ImportOptions, Outcome, check_mapping, household_import
from giamngheo.dataio.reading import open_table
from giamngheo.households.models import Household
from giamngheo.households.reference import CENTURY_DIGITS, ethnic_groups

OFFICER = "canbo.bugiamap"
TODAY = dt.date.today()
FIXED = ["Mã hộ", "Thôn/ấp/khu phố", "Họ và tên", "Quan hệ với chủ hộ"]
# The columns that get random values: field key -> header in the file.
RANDOM = {
    "income_per_capita": "Thu nhập bình quân người/tháng (đồng)",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "national_id": "Số CCCD",
    "has_health_insurance": "Có thẻ BHYT",
    "floor_area_m2": "Diện tích nhà ở (m²)",
    "water_source": "Nguồn nước sinh hoạt",
    "ethnic_group": "Dân tộc",
}
HEADERS = [*FIXED, *RANDOM.values()]
KEYS = list(RANDOM)
REQUIRED = ("sex", "date_of_birth")  # with relationship (always "Chủ hộ" here) for every member
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Strategies ---------------------------------------------------------------------------------------------

# Text that every writer can store: no NUL (a NUL byte makes the reader refuse a whole CSV as binary),
# no surrogates, no control characters (openpyxl refuses them).
safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
junk_text = st.one_of(
    safe_text,
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "-", "N/A", "không", "??", "1/1", "0", "0.5", "1e9", "١٢٣"]),
)
junk_cell = st.one_of(
    junk_text.filter(lambda s: not s.startswith("=")),  # "=…" would be a formula in xlsx
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.none(),
)


def _money_texts(n: int) -> st.SearchStrategy[Any]:
    grouped = f"{n:,}"
    return st.sampled_from(
        [
            str(n),
            grouped,
            grouped.replace(",", "."),
            grouped.replace(",", " "),
            f"{grouped.replace(',', '.')} đ",
        ]
    )


def _date_texts(day: dt.date) -> st.SearchStrategy[Any]:
    texts = [
        day.strftime("%d/%m/%Y"),
        day.isoformat(),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%d.%m.%Y"),
    ]
    serial = (day - EXCEL_EPOCH).days
    if 20_000 <= serial < 80_000:
        texts.append(str(serial))
    return st.sampled_from(texts)


def _labels(key: str) -> list[str]:
    f = BY_KEY[key]
    labels = [label for _code, label in f.choices] + [code for code, _label in f.choices]
    return labels + [label.upper() for label in labels] + [alias for alias, _code in f.extra_choices]


ETHNIC_TEXTS = [name for _code, name in ethnic_groups()] + list(ETHNIC_ALIASES)
BOOL_TEXTS = ["Có", "có", "Không", "không", "x", "X", "1", "0", "k", "ko", "yes", "no", "Đúng", "sai"]


@st.composite
def national_ids(draw: Any, day: dt.date, sex: str) -> str:
    """A number that fits the person (place, century and sex digit, year), or just twelve digits."""
    place = draw(st.integers(1, 96))
    male, female = CENTURY_DIGITS[day.year // 100 * 100]
    fitting = (
        f"{place:03d}{female if sex == 'F' else male}{day.year % 100:02d}{draw(st.integers(0, 999_999)):06d}"
    )
    return draw(st.one_of(st.just(fitting), st.from_regex(r"\A[0-9]{12}\Z")))


@st.composite
def valid_values(draw: Any, *, typed: bool) -> dict[str, Any]:
    """Values each parser accepts; ``typed``: also Excel's own cell types (numbers, dates)."""
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    sex = draw(st.sampled_from(["M", "F"]))
    income = draw(st.integers(0, 1_000_000_000))
    area = draw(st.decimals(min_value=0, max_value=Decimal("99999.9"), places=1))
    area_text = st.sampled_from([str(area), str(area).replace(".", ","), f"{area} m²"])
    options: dict[str, st.SearchStrategy[Any]] = {
        "income_per_capita": _money_texts(income),
        "date_of_birth": _date_texts(day),
        "sex": st.sampled_from(
            ["Nam", "nam", "M", "male"] if sex == "M" else ["Nữ", "nữ", "NỮ", "F", "Female"]
        ),
        "national_id": st.one_of(st.just(""), national_ids(day, sex)),
        "has_health_insurance": st.sampled_from(["", *BOOL_TEXTS]),
        "floor_area_m2": st.one_of(st.just(""), area_text),
        "water_source": st.sampled_from(["", *_labels("water_source")]),
        "ethnic_group": st.sampled_from(["", *ETHNIC_TEXTS]),
    }
    if typed:
        options["income_per_capita"] = st.one_of(options["income_per_capita"], st.just(income))
        serial = (day - EXCEL_EPOCH).days
        options["date_of_birth"] = st.one_of(options["date_of_birth"], st.sampled_from([day, serial]))
        options["floor_area_m2"] = st.one_of(options["floor_area_m2"], st.just(float(area)))
        options["has_health_insurance"] = st.one_of(options["has_health_insurance"], st.booleans())
    return {key: draw(options[key]) for key in KEYS}


@st.composite
def rows(draw: Any, *, typed: bool) -> list[dict[str, Any]]:
    """1–8 rows; each either all valid, or with each cell valid or random."""
    count = draw(st.integers(1, 8))
    junk = junk_cell if typed else junk_text
    result = []
    for _ in range(count):
        valid = draw(valid_values(typed=typed))
        if draw(st.booleans()):
            valid = {key: draw(st.one_of(st.just(value), junk)) for key, value in valid.items()}
        result.append(valid)
    return result


# --- Files --------------------------------------------------------------------------------------------------


def _line(index: int, values: dict[str, Any]) -> list[Any]:
    return [f"PB{index:03d}", "Thôn 1", f"Người Thử {index}", "Chủ hộ", *(values[key] for key in KEYS)]


def write_csv(path: Path, data: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(_line(i, values) for i, values in enumerate(data, start=1))
    return path


def write_xlsx(path: Path, data: list[dict[str, Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for i, values in enumerate(data, start=1):
        sheet.append(_line(i, values))
    workbook.save(path)
    return path


# --- The property -------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def import_and_check(path: Path, count: int, user: User, commune: Any) -> Outcome:
    """Import ``path`` (valid rows only) and check every row: reported with a reason, or imported with
    exactly the values the parsers give for its cells as the reader reads them."""
    cells = dict(open_table(path).rows)
    table = open_table(path)
    mapping = propose_mapping(table.headers)
    assert check_mapping(mapping, fixed_commune=True) == []
    outcome = household_import(
        table=table,
        options=ImportOptions(mapping=mapping, commune_id=commune.pk, valid_rows_only=True),
        acting_user=user,
    )
    assert outcome.rows == count == outcome.households
    assert outcome.households_created + outcome.households_rejected == count
    assert outcome.households_created == len(outcome.written_ids)
    for issue in outcome.errors:
        assert issue.message.strip() and issue.column in HEADERS, issue
    column = {key: HEADERS.index(header) for key, header in RANDOM.items()}
    for index in range(1, count + 1):
        number = index + 1  # the header is row 1
        code = f"PB{index:03d}"
        raw = cells[number]
        assert raw[:4] == [code, "Thôn 1", f"Người Thử {index}", "Chủ hộ"]
        expected: dict[str, Any] = {}
        bad_cells = []
        for key in KEYS:
            value = raw[column[key]] if column[key] < len(raw) else None
            if _blank(value):
                continue
            try:
                expected[key] = BY_KEY[key].parse(value)
            except CellError:
                bad_cells.append(RANDOM[key])
        stored = Household.objects.filter(commune=commune, code=code).first()
        if number in outcome.error_rows:
            assert outcome.error_rows[number] and all(r.strip() for r in outcome.error_rows[number])
            assert stored is None, f"row {number} was reported and imported"
            reported = {issue.column for issue in outcome.errors if issue.row == number}
            assert set(bad_cells) <= reported, (bad_cells, outcome.error_rows[number])
            continue
        assert not bad_cells, f"row {number}: cells {bad_cells} cannot be read, yet the row was not reported"
        assert all(key in expected for key in REQUIRED)
        assert stored is not None, f"row {number} was neither imported nor reported"
        assert stored.head_name == f"Người Thử {index}" and stored.village.name == "Thôn 1"
        assert stored.income_per_capita == expected.get("income_per_capita")
        assert stored.floor_area_m2 == expected.get("floor_area_m2")
        assert stored.water_source == expected.get("water_source", "")
        assert stored.ethnic_group == expected.get("ethnic_group", "01")
        [member] = stored.members.all()
        assert member.full_name == f"Người Thử {index}" and member.relationship == "head"
        assert member.sex == expected["sex"] and member.date_of_birth == expected["date_of_birth"]
        assert member.national_id == expected.get("national_id")
        assert member.has_health_insurance == expected.get("has_health_insurance")
        assert member.ethnic_group == expected.get("ethnic_group", "01")
    return outcome


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(data=rows(typed=False))
def test_every_csv_row_is_imported_exactly_or_reported(users, commune_a, data) -> None:
    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = write_csv(Path(folder) / "ho.csv", data)
        import_and_check(path, len(data), users[OFFICER], commune_a)
        transaction.set_rollback(True)
    assert not Household.objects.filter(commune=commune_a, code__startswith="PB").exists()


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(data=rows(typed=True))
def test_every_xlsx_row_is_imported_exactly_or_reported(users, commune_a, data) -> None:
    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = write_xlsx(Path(folder) / "ho.xlsx", data)
        import_and_check(path, len(data), users[OFFICER], commune_a)
        transaction.set_rollback(True)
    assert not Household.objects.filter(commune=commune_a, code__startswith="PB").exists()


# --- The parsers alone --------------------------------------------------------------------------------------

any_cell = st.one_of(
    st.text(max_size=40),
    junk_text,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1.500.000", "25/11/1980", "Có", "Nam", "Kinh", "Nước máy", "079180001234", "35,5"]),
)


def _well_typed(f: Field, value: Any) -> bool:
    if f.kind == "text":
        return isinstance(value, str) and len(value) <= f.max_length
    if f.kind in ("int", "money"):
        return type(value) is int and value >= f.minimum and (f.maximum is None or value <= f.maximum)
    if f.kind == "decimal":
        return isinstance(value, Decimal) and value.is_finite() and 0 <= value <= Decimal("100000")
    if f.kind == "date":
        return type(value) is dt.date and dt.date(1900, 1, 1) <= value <= TODAY + dt.timedelta(days=1)
    if f.kind == "year":
        return type(value) is int and 1900 <= value <= TODAY.year
    if f.kind == "bool":
        return isinstance(value, bool)
    if f.kind == "choice":
        return value in {code for code, _label in f.choices}
    if f.kind == "multi":
        return isinstance(value, list) and set(value) <= {code for code, _label in f.choices}
    if f.kind == "national_id":
        return isinstance(value, str) and len(value) == 12 and value.isdigit()  # (see test_bad_input)
    if f.kind == "phone":
        return isinstance(value, str) and 0 < len(value) <= 20
    raise AssertionError(f.kind)


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.key)
@settings(max_examples=150, deadline=None)
@given(value=any_cell)
def test_every_parser_gives_a_value_or_a_message(f: Field, value: Any) -> None:
    """Whatever a cell holds, a parser gives a value of its kind or a CellError with a message."""
    try:
        parsed = f.parse(value)
    except CellError as exc:
        assert str(exc).strip()
    else:
        assert _well_typed(f, parsed), (value, parsed)


# Letters with their marks apart or together, marks on their own, spaces, quotes, delimiters and line ends.
_CSV_PIECES = st.sampled_from(
    [
        "a",
        "e\u0302\u0301",
        "ê\u0301",
        "ế",
        "o\u031b\u0323",
        "ợ",
        "\u0301",
        "\u0323\u0302",
        "Đ",
        " ",
        ",",
        ";",
        '"',
        "\n",
        "\r\n",
        "\u00a0",
        "ﬁ",
        "Å",
        "A\u030a",
        "\u212b",
        "x",
    ]
)


@PROPERTY_SETTINGS
@given(
    rows=st.lists(
        st.lists(st.lists(_CSV_PIECES, max_size=6).map("".join), min_size=1, max_size=4), max_size=6
    )
)
def test_csv_cells_read_in_nfc_as_if_each_cell_were_normalised(rows: list[list[str]]) -> None:
    """The CSV reader normalises whole lines (one call per line): its cells are those of normalising each
    cell on its own, whatever the marks next to delimiters, quotes and line ends."""
    import io
    import unicodedata

    from giamngheo.dataio.reading import _csv_rows

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Mã hộ", "Họ và tên", "Ghi chú", "Thôn"])  # the delimiter is sniffed from this line
    writer.writerows(rows)
    text = buffer.getvalue()
    expected = [
        [unicodedata.normalize("NFC", cell).strip() for cell in row]
        for row in csv.reader(io.StringIO(text, newline=""))
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        path.write_bytes(text.encode("utf-8"))
        assert list(_csv_rows(path)) == expected
