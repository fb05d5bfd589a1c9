"""Importing user accounts and their roles from a spreadsheet (.xlsx) or a CSV file (issue 17 §7).

One line per account: username, full name, e-mail, phone, role, commune/ward (code or name; the province
for provincial roles) and unit (org unit code or name, for the roles that work in a unit). The whole file is
checked first — every line's errors, in Vietnamese, with its line number — and nothing is written unless
every line is right; then every account is created in ONE transaction through
``accounts.services.user_create``. The file holds no password: each new account gets a one-time link
(``accounts.twofactor.reset_link_path``, valid 24 hours) with which its owner sets one; the links are listed
in a result sheet for the administrator to pass on.

The communes and units are resolved within the importing administrator's scope (``geo.selectors`` /
``org.selectors``), which is why this lives in ``dataio`` (above ``geo`` and ``org``) and not in ``accounts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.accounts import selectors as account_selectors
from giamngheo.accounts import services as account_services
from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.accounts.twofactor import reset_link_path
from giamngheo.core.text import fold
from giamngheo.geo import selectors as geo_selectors
from giamngheo.org import selectors as org_selectors

from .reading import FileRejected, blank, open_table

MAX_ROWS = 5_000
USERNAME = re.compile(r"^[a-z0-9._-]+$")

# Field -> header in our template (Vietnamese, as the province's staff read it) and other accepted headers.
HEADERS = {
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
    "role": "Vai trò",
    "area": "Xã/phường",
    "unit": "Đơn vị",
}
ALIASES = {
    "username": ["username", "ten dang nhap", "tai khoan"],
    "full_name": ["full name", "ho ten", "ho va ten"],
    "email": ["email", "e-mail", "thu dien tu"],
    "phone": ["phone", "dien thoai", "so dien thoai"],
    "role": ["role", "vai tro"],
    "area": ["commune", "xa/phuong", "xa", "ma xa", "xa, phuong", "dia ban"],
    "unit": ["unit", "don vi", "ma don vi"],
}
REQUIRED_COLUMNS = ("username", "full_name", "role")
# What each role needs beside its name: an area (commune, or the province), a unit, either.
NEEDS_COMMUNE = {Role.COMMUNE_OFFICER}
NEEDS_AREA = {Role.PROVINCIAL_SPECIALIST}
NEEDS_UNIT = {Role.DEPARTMENT_OFFICE, Role.UNIT_HEAD, Role.COUNCIL_MEMBER}
NEEDS_AREA_OR_UNIT = {Role.VIEWER}


@dataclass
class UserRow:
    line: int
    username: str
    full_name: str
    email: str
    phone: str
    role: str
    areas: list[Any] = field(default_factory=list)
    units: list[Any] = field(default_factory=list)


@dataclass
class UserCheck:
    rows: list[UserRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _text(value: Any) -> str:
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# Short names heard in the province for the roles (folded) beside the codes and the labels.
ROLE_ALIASES = {
    "quan tri": Role.SYSTEM_ADMIN,
    "chuyen vien": Role.PROVINCIAL_SPECIALIST,
    "chuyen vien tinh": Role.PROVINCIAL_SPECIALIST,
    "van phong": Role.DEPARTMENT_OFFICE,
    "truong don vi": Role.UNIT_HEAD,
    "truong phong": Role.UNIT_HEAD,
    "hoi dong": Role.COUNCIL_MEMBER,
    "can bo xa": Role.COMMUNE_OFFICER,
    "lanh dao": Role.VIEWER,
}


def _role_names() -> dict[str, str]:
    """Folded code, English and Vietnamese label, short name -> role code."""
    names: dict[str, str] = {key: str(role) for key, role in ROLE_ALIASES.items()}
    for code, label in Role.choices:
        names[fold(code)] = code
        names[fold(code.replace("_", " "))] = code
        for language in ("en", "vi"):
            with translation.override(language):
                names[fold(str(label))] = code
    return names


class _Lookup:
    """Code, name (and for areas the name without "Xã", "Phường"…; for units the short name) -> object.
    Names are matched exactly first (case aside: "Lộc Thành" and "Lộc Thạnh" are two communes), then
    without diacritics when that names one object only."""

    def __init__(self, items: list[Any], *, short: bool = False) -> None:
        self.exact: dict[str, Any] = {}
        self.folded: dict[str, Any] = {}
        self.ambiguous: set[str] = set()
        for obj in items:
            self._add(self.exact, str(obj.code).lower(), obj)
        for obj in items:
            names = [obj.name]
            if short and getattr(obj, "short_name", None):
                names.append(obj.short_name)
            if not short and " " in obj.name:
                names.append(obj.name.split(" ", 1)[1])
            for name in names:
                self._add(self.exact, " ".join(name.lower().split()), obj)
                self._add(self.folded, fold(name), obj, track=True)

    def _add(self, table: dict[str, Any], key: str, obj: Any, *, track: bool = False) -> None:
        if not key:
            return
        if key in table and table[key].pk != obj.pk and track:
            self.ambiguous.add(key)
        table.setdefault(key, obj)

    def find(self, value: str) -> tuple[Any | None, bool]:
        """(object, ambiguous)."""
        key = " ".join(value.lower().split())
        if key in self.exact:
            return self.exact[key], False
        folded = fold(value)
        if folded in self.ambiguous:
            return None, True
        return self.folded.get(folded), False


def _columns(headers: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = fold(str(header or ""))
        for name, aliases in ALIASES.items():
            if name not in columns and (key == fold(HEADERS[name]) or key in aliases):
                columns[name] = index
    return columns


def check_user_file(path: Path, *, user: User) -> UserCheck:
    """Read and check every line (no write). Errors are "Dòng N, cột …: …"."""
    check = UserCheck()
    try:
        table = open_table(path)
    except FileRejected as exc:
        check.errors.append(str(exc))
        return check
    columns = _columns(table.headers)
    missing = [HEADERS[name] for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        check.errors.append(
            _("The file has no column %(columns)s (the template's first line names the columns).")
            % {"columns": ", ".join(f"“{m}”" for m in missing)}
        )
        return check
    roles = _role_names()
    areas = _Lookup(list(geo_selectors.scope_units_to_pick(user=user)))
    units = _Lookup(list(org_selectors.org_unit_list(user=user)), short=True)
    existing = {fold(u) for u in account_selectors.usernames()}
    seen: dict[str, int] = {}

    for line, cells in table.rows:
        if len(check.rows) + len(check.errors) > MAX_ROWS:
            check.errors.append(_("The file has more than %(n)s lines.") % {"n": MAX_ROWS})
            break

        def cell(name: str, cells: list[Any] = cells) -> str:
            index = columns.get(name)
            return _text(cells[index]) if index is not None and index < len(cells) else ""

        values = {name: cell(name) for name in HEADERS}
        if not any(values.values()):
            continue
        errors: list[str] = []

        def error(name: str, message: str, line: int = line, errors: list[str] = errors) -> None:
            errors.append(
                _("Line %(line)s, column %(column)s: %(message)s")
                % {"line": line, "column": HEADERS[name], "message": message}
            )

        username = values["username"].lower()
        if not username:
            error("username", _("missing."))
        elif len(username) > 150 or not USERNAME.match(username):
            error(
                "username",
                _("use lower-case letters without diacritics, digits, dots, hyphens or underscores."),
            )
        elif username in existing:
            error("username", _("an account “%(name)s” already exists.") % {"name": username})
        elif username in seen:
            error("username", _("also on line %(line)s.") % {"line": seen[username]})
        seen.setdefault(username, line)
        if not values["full_name"]:
            error("full_name", _("missing."))
        elif len(values["full_name"]) > 150:
            error("full_name", _("longer than 150 characters."))
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                error("email", _("“%(value)s” is not an e-mail address.") % {"value": values["email"]})
        if len(values["phone"]) > 20:
            error("phone", _("longer than 20 characters."))
        role = roles.get(fold(values["role"]), "")
        if not values["role"]:
            error("role", _("missing."))
        elif not role:
            error(
                "role", _("“%(value)s” is not a role (see the template's guide).") % {"value": values["role"]}
            )

        row_areas: list[Any] = []
        for name in filter(None, (v.strip() for v in values["area"].split(";"))):
            area, ambiguous = areas.find(name)
            if ambiguous:
                error("area", _("“%(value)s” names several units: use the code.") % {"value": name})
            elif area is None:
                error(
                    "area",
                    _("“%(value)s” is not a commune or ward of your scope (code or name).") % {"value": name},
                )
            else:
                row_areas.append(area)
        row_units: list[Any] = []
        for name in filter(None, (v.strip() for v in values["unit"].split(";"))):
            unit, ambiguous = units.find(name)
            if ambiguous:
                error("unit", _("“%(value)s” names several units: use the code.") % {"value": name})
            elif unit is None:
                error("unit", _("“%(value)s” is not a unit of your scope (code or name).") % {"value": name})
            else:
                row_units.append(unit)
        if role in NEEDS_COMMUNE and not any(a.level == "commune" for a in row_areas):
            error("area", _("a commune officer needs the commune or ward."))
        if role in NEEDS_AREA and not row_areas:
            error("area", _("this role needs the province or a commune."))
        if role in NEEDS_UNIT and not row_units:
            error("unit", _("this role needs its unit."))
        if role in NEEDS_AREA_OR_UNIT and not row_areas and not row_units:
            error("area", _("a leader needs the province, a commune or a unit."))
        if errors:
            check.errors.extend(errors)
            continue
        check.rows.append(
            UserRow(
                line=line,
                username=username,
                full_name=values["full_name"],
                email=values["email"],
                phone=values["phone"],
                role=role,
                areas=row_areas,
                units=row_units,
            )
        )
    if not check.rows and not check.errors:
        check.errors.append(_("The file has no account lines."))
    return check


@transaction.atomic
def import_users(*, rows: list[UserRow], acting_user: User) -> list[User]:
    """Create every account of a checked file, all or none (each audited by ``user_create``); no
    password: each gets a one-time link."""
    return [
        account_services.user_create(
            username=row.username,
            password="",
            full_name=row.full_name,
            role=row.role,
            email=row.email,
            phone=row.phone,
            scope_areas=row.areas,
            scope_org_units=row.units,
            acting_user=acting_user,
        )
        for row in rows
    ]


def write_result_sheet(out: IO[bytes], *, users: list[User], base_url: str) -> None:
    """The created accounts with their one-time links (valid 24 hours from now)."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Tài khoản"
    headers = [
        HEADERS["username"],
        HEADERS["full_name"],
        HEADERS["role"],
        "Phạm vi",
        "Đường dẫn đặt mật khẩu",
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    with translation.override("vi"):
        for user in users:
            scope = [a.name for a in user.scope_areas.all()] + [
                u.short_name or u.name for u in user.scope_org_units.all()
            ]
            link = base_url.rstrip("/") + reset_link_path(user) if not user.has_usable_password() else ""
            sheet.append([user.username, user.full_name, str(Role(user.role).label), ", ".join(scope), link])
    for column, width in zip("ABCDE", (22, 30, 26, 40, 90), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(out)


def write_user_template(out: IO[bytes], *, user: User) -> None:
    """The template: the columns and two example lines; a guide with the roles; the communes and units
    of the administrator's scope with their codes."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Tài khoản"
    sheet.append(list(HEADERS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    communes = list(geo_selectors.communes_to_pick(user=user)[:1])
    sheet.append(
        [
            "canbo.vidu",
            "Nguyễn Văn Ví Dụ",
            "vidu@example.org",
            "0912345678",
            "commune_officer",
            communes[0].code if communes else "",
            "",
        ]
    )
    for column, width in zip("ABCDEFG", (20, 28, 26, 14, 24, 24, 20), strict=True):
        sheet.column_dimensions[column].width = width
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Vai trò (mã)", "Vai trò", "Cần"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    needs: dict[str, str] = {
        **dict.fromkeys(NEEDS_COMMUNE, "Xã/phường"),
        **dict.fromkeys(NEEDS_AREA, "Tỉnh hoặc xã/phường"),
        **dict.fromkeys(NEEDS_UNIT, "Đơn vị"),
        **dict.fromkeys(NEEDS_AREA_OR_UNIT, "Tỉnh, xã/phường hoặc đơn vị"),
    }
    with translation.override("vi"):
        for code, label in Role.choices:
            guide.append([code, str(label), needs.get(code, "")])
    guide.append([])
    guide.append(
        ["Không ghi mật khẩu: mỗi tài khoản mới nhận một đường dẫn dùng một lần để tự đặt mật khẩu."]
    )
    guide.append(["Nhiều xã hoặc đơn vị: ngăn cách bằng dấu chấm phẩy (;)."])
    places = book.create_sheet("Danh mục")
    places.append(["Mã", "Xã/phường, tỉnh", "", "Mã đơn vị", "Đơn vị"])
    for cell in places[1]:
        cell.font = Font(bold=True)
    areas = list(geo_selectors.scope_units_to_pick(user=user))
    units = list(org_selectors.org_unit_list(user=user))
    for index in range(max(len(areas), len(units))):
        area = areas[index] if index < len(areas) else None
        unit = units[index] if index < len(units) else None
        places.append(
            [
                area.code if area else None,
                area.name if area else None,
                None,
                unit.code if unit else None,
                unit.name if unit else None,
            ]
        )
    book.save(out)
