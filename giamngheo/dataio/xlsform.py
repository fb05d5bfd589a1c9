"""The household survey (form B) as an XLSForm, for KoboToolbox or ODK Central: a group with the household's
answers, then a repeat with one entry per member. Question names are our field keys, choice names are the
registry's codes, so a submissions export reads back with ``kobo.submissions_table``.
"""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.households.facts import FACTS as FACTS_OF_REGISTRY

from .fields import BY_KEY, FIELDS, Field

LANGUAGE = "Vietnamese (vi)"
LABEL = f"label::{LANGUAGE}"
HINT = f"hint::{LANGUAGE}"
CONSTRAINT_MESSAGE = f"constraint_message::{LANGUAGE}"
REQUIRED_MESSAGE = f"required_message::{LANGUAGE}"
FORM_TITLE = "Phiếu B – Rà soát hộ nghèo, hộ cận nghèo"
HOUSEHOLD_GROUP = "household"
MEMBERS_REPEAT = "members"
YES_NO_LIST = "yes_no"
YES_NO_CHOICES = (("yes", "Có"), ("no", "Không"))
# The survey does not classify (that is the review's job) and names the head in the member list.
NOT_SURVEYED = frozenset(
    {
        "head_name",
        "category",
        "category_since",
        "category_decision",
        "note",
        *(f.name for f in FACTS_OF_REGISTRY if f.imported is not None and not f.imported.in_template),
    }
)
REQUIRED = frozenset({"commune", "code", "village", "full_name", "sex", "date_of_birth", "relationship"})
SURVEY_COLUMNS = (
    "type",
    "name",
    LABEL,
    HINT,
    "required",
    REQUIRED_MESSAGE,
    "constraint",
    CONSTRAINT_MESSAGE,
    "appearance",
)
COMMUNE_HINT = "Tên xã, phường, đặc khu nơi hộ cư trú."
VILLAGE_HINT = "Tên thôn, ấp, khu phố nơi hộ cư trú."


def household_fields() -> tuple[Field, ...]:
    """The household group's questions: the commune first, then the household-level fields."""
    fields = [f for f in FIELDS if f.level == "household" and f.key not in NOT_SURVEYED]
    return (BY_KEY["commune"], *fields)


def member_fields() -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.level in ("member", "both") and not f.key.startswith("birth_year"))


def _question(f: Field) -> dict[str, str]:
    row: dict[str, str] = {"name": f.key, LABEL: f.header, HINT: f.help}
    if f.key == "commune":
        row[HINT] = COMMUNE_HINT
    elif f.key == "village":
        row[HINT] = VILLAGE_HINT
    if f.kind in ("text", "phone"):
        row["type"] = "text"
    elif f.kind in ("int", "money"):
        row["type"] = "integer"
        row["constraint"] = ". >= 0" if f.maximum is None else f". >= 0 and . <= {f.maximum}"
        row[CONSTRAINT_MESSAGE] = (
            "Phải là số không âm."
            if f.maximum is None
            else f"Phải là số từ 0 đến {f.maximum:,}.".replace(",", ".")
        )
    elif f.kind == "decimal":
        row["type"] = "decimal"
        row["constraint"] = ". >= 0 and . < 100000"
        row[CONSTRAINT_MESSAGE] = "Phải là số từ 0 đến 99.999."
    elif f.kind == "date":
        row["type"] = "date"
        row["constraint"] = ". >= date('1900-01-01') and . <= today()"
        row[CONSTRAINT_MESSAGE] = "Ngày phải từ năm 1900 đến hôm nay."
    elif f.kind == "bool":
        row["type"] = f"select_one {YES_NO_LIST}"
    elif f.kind == "choice":
        row["type"] = f"select_one {f.key}"
        if len(f.choices) > 12:
            row["appearance"] = "minimal"  # a drop-down instead of 54 radio buttons
    elif f.kind == "multi":
        row["type"] = f"select_multiple {f.key}"
    elif f.kind == "national_id":
        row["type"] = "text"
        row["appearance"] = "numbers"
        row["constraint"] = "regex(., '^[0-9]{12}$')"
        row[CONSTRAINT_MESSAGE] = "Số CCCD gồm đúng 12 chữ số."
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(f.kind)
    if f.key in REQUIRED:
        row["required"] = "yes"
        row[REQUIRED_MESSAGE] = "Bắt buộc trả lời câu này."
    return row


def survey_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = [{"type": "start", "name": "start"}, {"type": "end", "name": "end"}]
    rows.append({"type": "begin group", "name": HOUSEHOLD_GROUP, LABEL: "Thông tin hộ"})
    rows.extend(_question(f) for f in household_fields())
    rows.append({"type": "end group", "name": HOUSEHOLD_GROUP})
    rows.append(
        {
            "type": "begin repeat",
            "name": MEMBERS_REPEAT,
            LABEL: "Thành viên",
            HINT: "Mỗi thành viên của hộ một lần (kể cả chủ hộ).",
        }
    )
    rows.extend(_question(f) for f in member_fields())
    rows.append({"type": "end repeat", "name": MEMBERS_REPEAT})
    return rows


def choice_rows() -> list[tuple[str, str, str]]:
    """(list_name, name, label) for every list the survey uses."""
    rows = [(YES_NO_LIST, code, label) for code, label in YES_NO_CHOICES]
    for f in (*household_fields(), *member_fields()):
        if f.kind in ("choice", "multi"):
            rows.extend((f.key, code, label) for code, label in f.choices)
    return rows


def _write(sheet: Worksheet, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([value if value != "" else None for value in row])
    sheet.freeze_panes = "A2"


def write_xlsform(out: IO[bytes], *, form_id: str = "giamngheo_phieu_b", version: str) -> None:
    """Write the XLSForm (.xlsx) of the household survey to ``out``."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    _write(survey, SURVEY_COLUMNS, [tuple(row.get(c, "") for c in SURVEY_COLUMNS) for row in survey_rows()])
    for letter, width in zip("ABCDEFGHI", (26, 28, 40, 50, 9, 24, 40, 32, 12), strict=True):
        survey.column_dimensions[letter].width = width
    choices = workbook.create_sheet("choices")
    _write(choices, ("list_name", "name", LABEL), list(choice_rows()))
    for letter, width in zip("ABC", (26, 24, 50), strict=True):
        choices.column_dimensions[letter].width = width
    settings = workbook.create_sheet("settings")
    _write(
        settings,
        ("form_title", "form_id", "version", "default_language", "instance_name"),
        [(FORM_TITLE, form_id, version, LANGUAGE, "concat('Hộ ', ${code})")],
    )
    workbook.save(out)
