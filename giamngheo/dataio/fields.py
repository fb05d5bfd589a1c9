"""The columns an import understands: our template's headers, the other names communes use for them, how
each cell is read, and the allowed values (Vietnamese labels; codes of the registry).

Pure Python: the parsers turn a cell (``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime`` or
empty) into the registry's value or a Vietnamese message that says what is wrong and what is expected.
The template, the XLSForm and the column mapping are all generated from ``FIELDS``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property, lru_cache
from typing import Any, Literal

from giamngheo.core.text import fold
from giamngheo.households import facts
from giamngheo.households.facts import EDUCATION_VI as EDUCATION_VI
from giamngheo.households.facts import EMPLOYMENT_VI as EMPLOYMENT_VI
from giamngheo.households.reference import Category, Relationship, Sex, ethnic_groups

Level = Literal["location", "row", "household", "member", "both"]
Kind = Literal[
    "text", "int", "money", "decimal", "date", "year", "bool", "choice", "multi", "national_id", "phone"
]

SEX_VI = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}
RELATIONSHIP_VI = {
    Relationship.HEAD: "Chủ hộ",
    Relationship.SPOUSE: "Vợ/chồng",
    Relationship.CHILD: "Con",
    Relationship.PARENT: "Bố/mẹ",
    Relationship.GRANDCHILD: "Cháu",
    Relationship.SIBLING: "Anh/chị/em",
    Relationship.OTHER: "Khác",
}
CATEGORY_IMPORT_VI = {
    Category.POOR: "Hộ nghèo",
    Category.NEAR_POOR: "Hộ cận nghèo",
    Category.MIDDLE: "Hộ có mức sống trung bình",
    Category.NOT_POOR: "Không thuộc hộ nghèo, cận nghèo, mức sống trung bình",
}
# Other ways people write the same values (folded text -> code).
EXTRA_CHOICES: dict[str, dict[str, str]] = {
    "sex": {"nam": "M", "nu": "F", "m": "M", "f": "F", "male": "M", "female": "F"},
    "relationship": {
        "chu ho": "head",
        "vo": "spouse",
        "chong": "spouse",
        "vo chong": "spouse",
        "con": "child",
        "con de": "child",
        "con nuoi": "child",
        "con dau": "other",
        "con re": "other",
        "bo": "parent",
        "me": "parent",
        "cha": "parent",
        "cha me": "parent",
        "bo me": "parent",
        "chau": "grandchild",
        "anh": "sibling",
        "chi": "sibling",
        "em": "sibling",
        "anh chi em": "sibling",
    },
    "category": {
        "ngheo": "poor",
        "hn": "poor",
        "ho ngheo": "poor",
        "can ngheo": "near_poor",
        "hcn": "near_poor",
        "ho can ngheo": "near_poor",
        "muc song trung binh": "middle",
        "trung binh": "middle",
        "mstb": "middle",
        "khong ngheo": "not_poor",
        "ho khong ngheo": "not_poor",
        "thoat ngheo": "not_poor",
        "ho ngheo moi": "poor",
        "ho can ngheo moi": "near_poor",
    },
}
YES = frozenset({"co", "x", "1", "yes", "true", "dung", "c", "v", "có"})
NO = frozenset({"khong", "0", "no", "false", "sai", "k", "ko"})
THOUSANDS = re.compile(r"^-?\d{1,3}([.,\s]\d{3})+$")
DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PHONE = re.compile(r"^\+?[0-9 .\-()]{8,20}$")
# Patterns of the parsers, compiled once (``re.sub(pattern, …)`` looks each up again, per cell).
_SEPARATORS = re.compile(r"[.,\s]")
_POINT_ZEROS = re.compile(r"\.0+$")
_YEAR = re.compile(r"\d{4}")
_LIST_SEPARATORS = re.compile(r"[,;\n/]+| và ")
_ID_NOISE = re.compile(r"[\s.\-']")
_ID_NUMBER = re.compile(r"[0-9]{12}")


class CellError(ValueError):
    """A cell that cannot be read: the message says why, in Vietnamese."""


class FormulaWithoutValue:
    """A cell holding a formula whose result was never computed (files written by programs rather than by
    a spreadsheet application): its value is unknown, so the import says so instead of reading it as empty."""

    def __init__(self, reference: str) -> None:
        self.reference = reference

    def __str__(self) -> str:
        return f"(công thức ở ô {self.reference} chưa được tính)"


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_text(value: Any, f: Field) -> str:
    text = _text(value)
    if len(text) > f.max_length:
        raise CellError(f"dài {len(text)} ký tự, tối đa {f.max_length} ký tự")
    return text


def parse_int(value: Any, f: Field) -> int:
    if isinstance(value, bool):
        raise CellError(f"'{value}' không phải là số")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"'{_text(value)}' không phải là số nguyên")
        number = int(value)
    else:
        text = _text(value).replace("đ", "").replace("VNĐ", "").replace("VND", "").strip()
        if THOUSANDS.match(text):
            text = _SEPARATORS.sub("", text)
        try:
            number = int(text)
        except ValueError:
            raise CellError(f"'{_text(value)}' không phải là số nguyên (ví dụ: 1.500.000)") from None
    if number < f.minimum:
        raise CellError(f"'{_text(value)}' nhỏ hơn {f.minimum}")
    if f.maximum is not None and number > f.maximum:
        raise CellError(f"'{_text(value)}' lớn hơn {f.maximum:,}".replace(",", "."))
    return number


def parse_decimal(value: Any, f: Field) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"'{value}' không phải là số")
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = _text(value).replace("m²", "").replace("m2", "").strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # 35,5 (Vietnamese decimal comma)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(f"'{_text(value)}' không phải là số (ví dụ: 35,5)") from None
    if not number.is_finite() or number < 0 or number >= 100_000:
        raise CellError(f"'{_text(value)}' phải từ 0 đến 99.999")
    number = number.quantize(Decimal("0.1"))
    if number >= 100_000:
        raise CellError(f"'{_text(value)}' phải từ 0 đến 99.999")
    return number


def parse_date(value: Any, f: Field) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466 or not float(value).is_integer():  # Excel serial numbers
            raise CellError(f"'{_text(value)}' không phải ngày hợp lệ")
        day = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = _text(value)
        match = DATE_TEXT.match(text)
        iso = None if match else ISO_DATE.match(text)
        try:
            if match:
                day = dt.date(int(match[3]), int(match[2]), int(match[1]))
            elif iso:
                day = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif text.isdigit() and 20_000 <= int(text) < 80_000:
                day = EXCEL_EPOCH + dt.timedelta(days=int(text))
            else:
                raise ValueError
        except ValueError:
            raise CellError(f"'{text}' không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 25/11/1980)") from None
    if day.year < 1900 or day > dt.date.today() + dt.timedelta(days=1):  # noqa: DTZ011
        raise CellError(f"'{day:%d/%m/%Y}' nằm ngoài khoảng cho phép (từ năm 1900 đến hôm nay)")
    return day


def parse_year(value: Any, f: Field) -> int:
    """A year of birth ("1975", 1975, 1975.0, or a full date whose year is taken)."""
    if isinstance(value, dt.date):
        return parse_date(value, f).year
    if isinstance(value, str) and (DATE_TEXT.match(_text(value)) or ISO_DATE.match(_text(value))):
        return parse_date(value, f).year
    text = _POINT_ZEROS.sub("", _text(value))
    if not _YEAR.fullmatch(text):
        raise CellError(f"'{text}' không phải năm sinh (4 chữ số, ví dụ 1975)")
    year = int(text)
    if not 1900 <= year <= dt.date.today().year:  # noqa: DTZ011
        raise CellError(f"'{text}' nằm ngoài khoảng cho phép (từ năm 1900 đến năm nay)")
    return year


def parse_bool(value: Any, f: Field) -> bool:
    if isinstance(value, bool):
        return value
    text = compact(value if isinstance(value, str) else _text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"'{_text(value)}' không hợp lệ: ghi Có hoặc Không")


@lru_cache(maxsize=65_536)  # a choice column holds a handful of distinct values
def compact(text: str) -> str:
    """Folded, without spaces, apostrophes and hyphens: "X'tiêng", "Xtiêng", "x tieng" -> "xtieng"."""
    return re.sub(r"[\s'’`\-]", "", fold(text))


def parse_choice(value: Any, f: Field) -> str:
    text = compact(value if isinstance(value, str) else _text(value))
    code = f.lookup().get(text)
    if code is None and isinstance(value, str) and "(" in value:
        # "Hoa (Hán)", "Hộ nghèo (N)": the name without what is in brackets
        code = f.lookup().get(compact(re.sub(r"\(.*?\)", "", value)))
    if code is None and f.key == "category":
        # "Hộ nghèo thiếu hụt BHYT", "Cận nghèo mới": the category named at the start
        folded = fold(_text(value))
        for words, category in (
            ("ho can ngheo", "near_poor"),
            ("can ngheo", "near_poor"),
            ("ho ngheo", "poor"),
        ):
            if folded.startswith(words):
                code = category
                break
    if code is None:
        shown = ", ".join(label for _code, label in f.choices[:12])
        more = "…" if len(f.choices) > 12 else ""
        raise CellError(f"'{_text(value)}' không có trong danh sách ({shown}{more})")
    return code


def parse_multi(value: Any, f: Field) -> list[str]:
    parts = [p for p in _LIST_SEPARATORS.split(_text(value)) if p.strip()]
    codes = {parse_choice(p, f) for p in parts}
    return [code for code, _label in f.choices if code in codes]


def parse_national_id(value: Any, f: Field) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:012d}" if 0 <= value < 10**12 else str(value)  # Excel drops the leading zero
    else:
        text = _text(value)
        if not (len(text) == 12 and text.isascii() and text.isdigit()):  # most are written as they should
            text = _ID_NOISE.sub("", text)
    if not _ID_NUMBER.fullmatch(text):
        raise CellError(f"'{_text(value)}' không phải số CCCD (12 chữ số)")
    return text


def parse_phone(value: Any, f: Field) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = "0" + str(int(value)) if float(value).is_integer() else _text(value)
    else:
        text = _text(value)
    digits = sum(ch in "0123456789" for ch in text)
    if not PHONE.match(text) or not 8 <= digits <= 15:
        raise CellError(f"'{text}' không phải số điện thoại (8 đến 15 chữ số)")
    return text


PARSERS: dict[str, Callable[[Any, Field], Any]] = {
    "text": parse_text,
    "int": parse_int,
    "money": parse_int,
    "decimal": parse_decimal,
    "date": parse_date,
    "year": parse_year,
    "bool": parse_bool,
    "choice": parse_choice,
    "multi": parse_multi,
    "national_id": parse_national_id,
    "phone": parse_phone,
}


MEMOISED_KINDS = frozenset({"date", "year", "bool", "choice", "decimal"})
MEMO_SIZE = 50_000  # texts remembered per column (then forgotten and learnt again)
_NOT_SEEN = object()


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    level: Level
    kind: Kind = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    help: str = ""
    max_length: int = 255
    minimum: int = 0
    maximum: int | None = None
    extra_choices: tuple[tuple[str, str], ...] = field(default=())

    def parse(self, value: Any) -> Any:
        if isinstance(value, str):  # most cells: text, read at once unless it holds a control character
            if not value.isprintable() and (bad := CONTROL.search(value)):
                code = ord(bad.group())
                raise CellError(
                    f"có ký tự điều khiển không hợp lệ (mã {code:#04x}): xóa ký tự này rồi nhập lại"
                )
            memo = self._memo
            if memo is not None:
                found = memo.get(value, _NOT_SEEN)
                if found is _NOT_SEEN:
                    try:
                        found = self._parser(value, self)
                    except CellError as error:
                        found = error
                    if len(memo) >= MEMO_SIZE:
                        memo.clear()
                    memo[value] = found
                if isinstance(found, CellError):
                    raise CellError(str(found))
                return found
        elif isinstance(value, FormulaWithoutValue):
            raise CellError(
                f"ô {value.reference} có công thức chưa được tính giá trị: "
                "mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi nhập lại"
            )
        return self._parser(value, self)

    @cached_property
    def _memo(self) -> dict[str, Any] | None:
        """The values already read from a text, for the kinds whose texts repeat through a file (dates of
        birth, yes/no, choices, areas in m²) and whose reading depends on the text alone, into a value that
        cannot be changed: a province's file has 4 million dates of birth, a few tens of thousands of them
        different."""
        return {} if self.kind in MEMOISED_KINDS else None

    def lookup(self) -> dict[str, str]:
        return self._lookup

    @cached_property
    def _parser(self) -> Callable[[Any, Field], Any]:
        return PARSERS[self.kind]

    @cached_property
    def _lookup(self) -> dict[str, str]:
        table = {compact(label): code for code, label in self.choices}
        table.update({compact(code): code for code, _label in self.choices})
        table.update({compact(k): v for k, v in self.extra_choices})
        return table


def _choices(mapping: Mapping[Any, str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), label) for code, label in mapping.items())


# How the import reads each kind of household or member fact.
FACT_KINDS: dict[facts.Kind, Kind] = {
    "tri_state": "bool",
    "flag": "bool",
    "choice": "choice",
    "codes": "multi",
    "integer": "int",
    "decimal": "decimal",
    "money": "money",
    "date": "date",
}


def _fact_fields(level: facts.Level, *, survey: bool | None = None) -> tuple[Field, ...]:
    """The columns of the facts of ``level`` (``households.facts``). For the household: ``survey`` the
    facts of the survey (living conditions, circumstances), which come before the recognition columns of a
    commune's list; else the household's own (the declared number of persons), which come after them."""
    found = []
    for fact in facts.imported_facts(level):
        column = fact.imported
        assert column is not None  # noqa: S101 - imported_facts() keeps the facts with a column
        if survey is not None and (fact.section != "household") != survey:
            continue
        found.append(
            Field(
                fact.name,
                column.header,
                fact.level,
                FACT_KINDS[fact.kind],
                choices=_choices(fact.choices_vi) if fact.choices_vi is not None else (),
                aliases=column.aliases,
                help=column.help,
                maximum=column.maximum,
            )
        )
    return tuple(found)


def _ethnic_choices() -> tuple[tuple[str, str], ...]:
    return tuple(ethnic_groups())


# Spellings of ethnic group names seen in commune lists -> the official name.
ETHNIC_ALIASES = {
    "S'tiêng": "Xtiêng",
    "Stiêng": "Xtiêng",
    "M'nông": "Mnông",
    "Mơ Nông": "Mnông",
    "Mông": "H'Mông",
    "Hmông": "H'Mông",
    "Khơ-me": "Khmer",
    "Khơme": "Khmer",
    "Việt": "Kinh",
}


def _ethnic_aliases() -> tuple[tuple[str, str], ...]:
    codes = {name: code for code, name in ethnic_groups()}
    return tuple((alias, codes[name]) for alias, name in ETHNIC_ALIASES.items() if name in codes)


FIELDS: tuple[Field, ...] = (
    Field(
        "commune",
        "Xã/phường/đặc khu",
        "location",
        aliases=("Xã", "Phường", "Mã xã", "Tên xã", "Xã/phường"),
        help="Tên hoặc mã của xã, phường, đặc khu. Chỉ cần khi nhập cho cả tỉnh.",
    ),
    Field(
        "code",
        "Mã hộ",
        "household",
        required=True,
        max_length=32,
        aliases=("Mã hộ gia đình", "Mã HGĐ", "Mã số hộ", "Số hộ", "Ma ho", "household_code"),
        help="Mã hộ trong xã (không trùng trong một xã). Mọi dòng của một hộ ghi cùng mã hộ, liền nhau.",
    ),
    Field(
        "village",
        "Thôn/ấp/khu phố",
        "household",
        required=True,
        max_length=150,
        aliases=(
            "Thôn",
            "Ấp",
            "Thôn/ấp",
            "Khu phố",
            "Thôn, ấp",
            "Thôn/tổ dân phố",
            "Tổ dân phố",
            "Thôn/bản",
            "Bản",
            "village",
        ),
        help="Tên thôn, ấp, khu phố đã có trong xã. Tên chưa có sẽ được đề xuất tạo mới để bạn duyệt.",
    ),
    Field("address", "Địa chỉ", "household", aliases=("Địa chỉ hộ", "Nơi ở")),
    Field(
        "head_name",
        "Họ và tên chủ hộ",
        "household",
        max_length=150,
        aliases=("Chủ hộ", "Tên chủ hộ", "Họ tên chủ hộ", "Họ và tên chủ hộ gia đình"),
        help="Dùng khi tệp ghi mỗi hộ một dòng. Khi có danh sách thành viên, chủ hộ là người có quan hệ "
        "'Chủ hộ'.",
    ),
    Field("phone", "Điện thoại", "household", "phone", aliases=("Số điện thoại", "SĐT", "ĐT")),
    *_fact_fields("household", survey=True),
    Field(
        "category",
        "Phân loại hộ",
        "household",
        "choice",
        choices=_choices(CATEGORY_IMPORT_VI),
        aliases=("Loại hộ", "Phân loại", "Hộ nghèo/cận nghèo", "Diện hộ"),
        extra_choices=tuple(EXTRA_CHOICES["category"].items()),
        help="Chỉ ghi cho hộ mới. Phân loại của hộ đã có chỉ thay đổi qua rà soát.",
    ),
    Field("category_since", "Ngày công nhận", "household", "date", aliases=("Ngày quyết định công nhận",)),
    Field(
        "category_decision",
        "Số quyết định công nhận",
        "household",
        max_length=60,
        aliases=("Số quyết định", "Số QĐ", "Quyết định công nhận", "Số QĐ công nhận"),
    ),
    *_fact_fields("household", survey=False),
    Field(
        "note",
        "Ghi chú",
        "household",
        max_length=2000,
        aliases=("Ghi chu", "Ghi chú (nếu có)"),
        help="Giữ nguyên. Các ghi chú thường gặp (không có khả năng lao động, người có công, bảo trợ xã "
        "hội) được hiểu và ghi vào thông tin của hộ.",
    ),
    Field(
        "seq",
        "STT",
        "row",
        aliases=("TT", "Số thứ tự", "Số TT"),
        help="Số thứ tự: dòng có số thứ tự mở đầu một hộ; dòng không có số là thành viên của hộ trên nó.",
    ),
    Field(
        "full_name",
        "Họ và tên",
        "member",
        max_length=150,
        aliases=("Họ tên", "Họ và tên thành viên", "Tên thành viên", "Họ tên thành viên", "Thành viên"),
        help="Mỗi thành viên một dòng (kể cả chủ hộ).",
    ),
    Field(
        "sex",
        "Giới tính",
        "member",
        "choice",
        choices=_choices(SEX_VI),
        extra_choices=tuple(EXTRA_CHOICES["sex"].items()),
    ),
    Field(
        "date_of_birth",
        "Ngày sinh",
        "member",
        "date",
        aliases=("Ngày, tháng, năm sinh", "Ngày tháng năm sinh"),
        help="Ngày/tháng/năm (25/11/1980) hoặc ô kiểu ngày của Excel.",
    ),
    Field(
        "birth_year",
        "Năm sinh",
        "member",
        "year",
        aliases=("Năm sinh chủ hộ", "Sinh năm"),
        help="Khi chỉ biết năm sinh (danh sách của xã): ngày sinh được ghi là năm, không đoán ngày.",
    ),
    Field(
        "birth_year_male",
        "Năm sinh (nam)",
        "member",
        "year",
        aliases=("Năm sinh Nam", "Năm sinh - Nam"),
        help="Danh sách ghi năm sinh vào cột Nam hoặc cột Nữ: cột cho biết giới tính.",
    ),
    Field(
        "birth_year_female",
        "Năm sinh (nữ)",
        "member",
        "year",
        aliases=("Năm sinh Nữ", "Năm sinh - Nữ"),
        help="Danh sách ghi năm sinh vào cột Nam hoặc cột Nữ: cột cho biết giới tính.",
    ),
    Field(
        "relationship",
        "Quan hệ với chủ hộ",
        "member",
        "choice",
        choices=_choices(RELATIONSHIP_VI),
        aliases=("Quan hệ", "Quan hệ với chủ hộ gia đình", "QH với chủ hộ"),
        extra_choices=tuple(EXTRA_CHOICES["relationship"].items()),
    ),
    Field(
        "national_id",
        "Số CCCD",
        "member",
        "national_id",
        aliases=(
            "CCCD",
            "Số căn cước",
            "Số định danh cá nhân",
            "CMND/CCCD",
            "Số CMND/CCCD",
            "Căn cước công dân",
            "Số CCCD/định danh",
        ),
        help="12 chữ số. Dùng để nhận ra thành viên đã có; không trùng với người khác.",
    ),
    Field(
        "ethnic_group",
        "Dân tộc",
        "both",
        "choice",
        choices=_ethnic_choices(),
        aliases=("Dân tộc (tên)",),
        extra_choices=_ethnic_aliases(),
        help="Tên dân tộc (Kinh, Tày, Khmer, S'tiêng…). Dân tộc của hộ là dân tộc của chủ hộ.",
    ),
    *_fact_fields("member"),
)
BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
# Columns communes keep that have no place in the registry: recognised, proposed as "not imported".
IGNORED_HEADERS = ("Ký tên", "Ký nhận", "Chữ ký")
# Columns of a commune's own list that our template does not have (the template keeps one member per row).
NOT_IN_TEMPLATE = frozenset(
    {
        "head_name",
        "seq",
        "birth_year",
        "birth_year_male",
        "birth_year_female",
        "note",
        "category_decision",
        *(f.name for f in facts.FACTS if f.imported is not None and not f.imported.in_template),
    }
)
TEMPLATE_FIELDS = tuple(f for f in FIELDS if f.key not in NOT_IN_TEMPLATE)
HOUSEHOLD_KEYS = tuple(f.key for f in FIELDS if f.level == "household")
MEMBER_KEYS = tuple(f.key for f in FIELDS if f.level in ("member", "both"))


@cache
def header_index() -> dict[str, str]:
    """Folded header or alias -> field key ("" for the columns we recognise and do not import)."""
    index: dict[str, str] = {fold(h): "" for h in IGNORED_HEADERS}
    for f in FIELDS:
        for name in (f.key, f.header, *f.aliases):
            index.setdefault(fold(name), f.key)
        index[fold(f.header)] = f.key
    return index


def propose_mapping(headers: list[str]) -> list[str]:
    """For each header, the field it most likely is ("" when none); each field used at most once."""
    index = header_index()
    used: set[str] = set()
    proposal: list[str] = []
    for header in headers:
        folded = fold(_text(header)).strip(" *:.") if header is not None else ""
        folded = re.sub(r"\s*\(.*?\)\s*$", "", folded) if folded not in index else folded
        key = index.get(folded, "")
        if not key and folded:
            # "Họ và tên chủ hộ (ghi rõ)" -> head_name: the longest known name the header starts with.
            candidates = [(len(n), k) for n, k in index.items() if k and len(n) > 3 and folded.startswith(n)]
            key = max(candidates)[1] if candidates else ""
        if key in used:
            key = ""
        if key:
            used.add(key)
        proposal.append(key)
    return proposal


# The usual notes of a commune's list and the household fact each states (folded phrases, matched anywhere
# in the note, spaces and punctuation ignored). Data: add a phrase here, nowhere else.
NOTE_FLAGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "no_working_capacity",
        "Hộ không có khả năng lao động",
        (
            "khong co kha nang lao dong",
            "khong con kha nang lao dong",
            "khong kha nang lao dong",
            "khong co lao dong",
            "mat kha nang lao dong",
            "kcknld",
        ),
    ),
    (
        "has_meritorious_member",
        "Hộ có người có công với cách mạng",
        ("nguoi co cong", "co cong voi cach mang", "gia dinh chinh sach", "ho chinh sach"),
    ),
    ("social_protection", "Hộ bảo trợ xã hội", ("bao tro xa hoi", "btxh", "tro cap xa hoi")),
)


def _note_words(text: str) -> str:
    return " " + " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split()) + " "


def note_flags(note: str) -> list[str]:
    """The household fields a note sets to True ("Hộ có người có công; không có khả năng lao động" ->
    ["no_working_capacity", "has_meritorious_member"])."""
    words = _note_words(note)
    return [key for key, _label, phrases in NOTE_FLAGS if any(f" {p} " in words for p in phrases)]
