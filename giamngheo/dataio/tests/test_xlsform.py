"""The XLSForm of the household survey converts with pyxform into a valid XForm."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from giamngheo.dataio.fields import BY_KEY, FIELDS
from giamngheo.dataio.xlsform import FORM_TITLE, LABEL, member_fields, write_xlsform

XF = "{http://www.w3.org/2002/xforms}"


def _parse(xform: str) -> ET.Element:
    return ET.fromstring(xform)  # noqa: S314 - the XForm pyxform just made from our own form


@pytest.fixture
def form_path(tmp_path: Path) -> Path:
    path = tmp_path / "phieu_b.xlsx"
    with path.open("wb") as fh:
        write_xlsform(fh, version="2025100101")
    return path


def test_converts_without_warnings(form_path: Path) -> None:
    warnings: list[str] = []
    result = convert(xlsform=form_path, warnings=warnings)
    assert warnings == []
    xform = result.xform
    assert FORM_TITLE in xform
    root = _parse(xform)
    repeats = [e.get("nodeset") for e in root.iter(f"{XF}repeat")]
    assert repeats == ["/data/members"]
    labels = {e.text for e in root.iter(f"{XF}value")}
    assert "Giới tính" in labels
    assert "Thông tin hộ" in labels and "Thành viên" in labels
    instance = next(root.iter(f"{XF}instance"))
    data = instance[0]
    assert data.get("id") == "giamngheo_phieu_b"
    assert data.get("version") == "2025100101"


def test_binds(form_path: Path) -> None:
    root = _parse(convert(xlsform=form_path).xform)
    binds = {b.get("nodeset"): b for b in root.iter(f"{XF}bind")}
    for path in (
        "/data/household/commune",
        "/data/household/code",
        "/data/household/village",
        "/data/members/full_name",
        "/data/members/sex",
        "/data/members/date_of_birth",
        "/data/members/relationship",
    ):
        assert binds[path].get("required") == "true()", path
    assert binds["/data/household/address"].get("required") is None
    assert binds["/data/household/income_per_capita"].get("type") == "int"
    assert binds["/data/household/income_per_capita"].get("constraint", "").startswith(". >= 0")
    assert binds["/data/household/floor_area_m2"].get("type") == "decimal"
    assert binds["/data/members/date_of_birth"].get("type") == "date"
    assert binds["/data/members/national_id"].get("constraint") == "regex(., '^[0-9]{12}$')"
    for key in ("head_name", "category", "category_since"):
        assert f"/data/household/{key}" not in binds
    assert "/data/members/ethnic_group" in binds  # level "both": asked of each member


def test_every_choice_list_is_complete(form_path: Path) -> None:
    workbook = load_workbook(form_path)
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    survey = list(workbook["survey"].iter_rows(values_only=True))
    header = survey[0]
    types = {row[header.index("name")]: row[header.index("type")] for row in survey[1:]}
    choices = list(workbook["choices"].iter_rows(values_only=True))
    assert choices[0] == ("list_name", "name", LABEL)
    by_list: dict[str, list[str]] = {}
    for list_name, name, _label in choices[1:]:
        by_list.setdefault(list_name, []).append(name)
    assert by_list["yes_no"] == ["yes", "no"]
    asked = [f for f in FIELDS if f.key in types]
    for f in asked:
        if f.kind == "choice":
            assert types[f.key] == f"select_one {f.key}"
        elif f.kind == "multi":
            assert types[f.key] == f"select_multiple {f.key}"
        elif f.kind == "bool":
            assert types[f.key] == "select_one yes_no"
        if f.kind in ("choice", "multi"):
            assert by_list[f.key] == [code for code, _label in f.choices], f.key
    assert len(by_list["ethnic_group"]) == 54
    assert "01" in by_list["ethnic_group"]
    assert {f.key for f in member_fields()} <= set(types)
    assert BY_KEY["sex"].key in types


def test_choices_in_the_xform(form_path: Path) -> None:
    root = _parse(convert(xlsform=form_path).xform)
    lists = {
        instance.get("id"): [item.findtext(f"{XF}name") for item in instance.iter(f"{XF}item")]
        for instance in root.iter(f"{XF}instance")
        if instance.get("id")
    }
    labels = {e.text for e in root.iter(f"{XF}value")}
    assert lists["yes_no"] == ["yes", "no"]
    for f in FIELDS:
        if f.kind in ("choice", "multi") and f.key != "category":
            assert lists[f.key] == [code for code, _label in f.choices], f.key
            assert {label for _code, label in f.choices} <= labels, f.key
    assert "category" not in lists


def test_settings(tmp_path: Path) -> None:
    path = tmp_path / "custom.xlsx"
    with path.open("wb") as fh:
        write_xlsform(fh, form_id="phieu_b_xa_1", version="7")
    rows = list(load_workbook(path)["settings"].iter_rows(values_only=True))
    settings = dict(zip(rows[0], rows[1], strict=True))
    assert settings["form_id"] == "phieu_b_xa_1"
    assert settings["version"] == "7"
    assert settings["default_language"] == "Vietnamese (vi)"
    assert settings["form_title"] == FORM_TITLE


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate(form_path: Path) -> None:
    result = convert(xlsform=form_path, validate=True)
    assert result.warnings == []
