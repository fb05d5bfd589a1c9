"""What a commune's list says about itself in its title block: the recognition decision it is attached to
("Kèm theo Quyết định số 123/QĐ-UBND ngày 15/12/2025"), the category it lists ("DANH SÁCH HỘ NGHÈO …")
and the commune it was drawn up for, possibly under its name before 1 July 2025 ("xã Đak Ơ, huyện Bù Gia
Mập, tỉnh Bình Phước"), converted to today's unit by the ``vietnamadminunits`` library (decision 0010).

Pure functions on text; the library is imported only when a title names a district (its data takes half a
second to load). No street is ever passed to it, so it never looks a place up on the network.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from giamngheo.core.text import fold
from giamngheo.households.reference import Category

DECISION = re.compile(r"quyet dinh\s*(?:so)?\s*:?\s*(\d+[^\s,;()]*)")
DAY_NUMERIC = re.compile(r"ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
DAY_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
NAME = r"([a-z0-9][a-z0-9' \-]*?)"
SEP = r"\s*(?:,|-|–)\s*"
OLD_UNIT = re.compile(
    rf"\b(?:xa|phuong|thi tran)\s+{NAME}{SEP}(?:huyen|thi xa|thanh pho|quan|tp\.?)\s+{NAME}"
    rf"(?:{SEP}(?:tinh|thanh pho|tp\.?)\s+{NAME})?\s*(?=[),.;:]|$)"
)
COMMUNE = re.compile(rf"\b(?:xa|phuong|dac khu)\s+{NAME}\s*(?=[),.;:]|$)")


@dataclass
class TitleFacts:
    decision_number: str = ""
    decision_date: dt.date | None = None
    category: str = ""
    unit_text: str = ""  # the unit the title names, as written


def _same_length_fold(text: str) -> tuple[str, str]:
    """(text with single spaces, its folded form): the same length, so that a match in the folded text
    cuts the original (NFC text folds character by character)."""
    spaced = " ".join(text.split())
    folded = fold(spaced)
    return (spaced, folded) if len(folded) == len(spaced) else (folded, folded)


def title_facts(lines: list[str]) -> TitleFacts:
    facts = TitleFacts()
    for line in lines:
        original, folded = _same_length_fold(line)
        if not facts.decision_number and (m := DECISION.search(folded)):
            facts.decision_number = original[m.start(1) : m.end(1)].rstrip(".")
            rest = folded[m.end(1) :]
            day = DAY_NUMERIC.search(rest) or DAY_WORDS.search(rest)
            if day:
                try:
                    facts.decision_date = dt.date(int(day[3]), int(day[2]), int(day[1]))
                except ValueError:
                    facts.decision_date = None
        if not facts.category and "danh sach" in folded:
            near = "can ngheo" in folded
            poor = "ho ngheo" in folded.replace("can ngheo", "")
            if near != poor:
                facts.category = Category.NEAR_POOR if near else Category.POOR
    # The unit: an old one (with its district) anywhere, else a commune named outside the national motto,
    # completed by a district named on another line ("UBND HUYỆN BÙ GIA MẬP" above "UBND XÃ ĐAK Ơ").
    for pattern in (OLD_UNIT, COMMUNE):
        for line in lines:
            original, folded = _same_length_fold(line)
            if "cong hoa xa hoi" in folded:
                continue
            for m in pattern.finditer(folded):
                if not re.match(r"nam\s*\d", m[1]):
                    facts.unit_text = original[m.start() : m.end()].strip()
                    if pattern is COMMUNE:
                        facts.unit_text = _with_district(facts.unit_text, lines)
                    return facts
    return facts


DISTRICT = re.compile(rf"\b(?:huyen|thi xa|quan)\s+{NAME}\s*(?=[),.;:]|$)")
PROVINCE = re.compile(rf"\btinh\s+{NAME}\s*(?=[),.;:]|$)")


def _with_district(unit: str, lines: list[str]) -> str:
    parts = [unit]
    for pattern in (DISTRICT, PROVINCE):
        for line in lines:
            original, folded = _same_length_fold(line)
            if m := pattern.search(folded):
                parts.append(original[m.start() : m.end()].strip())
                break
        else:
            if pattern is DISTRICT:
                return unit
    return ", ".join(parts)


def unit_check(unit_text: str, commune: Any) -> tuple[bool, str]:
    """Whether the unit a title names is ``commune`` (an ``Area``): (same, message in Vietnamese)."""
    if not unit_text:
        return True, ""
    _original, folded = _same_length_fold(unit_text)
    if OLD_UNIT.match(folded):
        from vietnamadminunits import convert_address

        try:
            unit = convert_address(unit_text)
        except Exception:  # noqa: BLE001 - the library raises bare exceptions on names it does not know
            unit = None
        if unit is None or not unit.ward:
            return False, f"Tiêu đề ghi '{unit_text}': không nhận ra đơn vị này; kiểm tra lại xã nhập."
        same = str(unit.ward_code or "").lstrip("0") == str(commune.code).lstrip("0") or fold(
            unit.ward
        ) == fold(commune.name)
        if same:
            return True, f"Tiêu đề ghi đơn vị trước 01/7/2025 '{unit_text}': nay là {commune.name}."
        return (
            False,
            f"Tiêu đề ghi '{unit_text}', nay là {unit.ward}, {unit.province}; tệp đang nhập cho "
            f"{commune.name}: kiểm tra lại.",
        )
    named = fold(re.sub(r"(?i)^(xã|phường|đặc khu|xa|phuong|dac khu)\s+", "", unit_text))
    own = fold(re.sub(r"^(Xã|Phường|Đặc khu)\s+", "", commune.name))
    if named == own:
        return True, ""
    return False, f"Tiêu đề ghi '{unit_text}'; tệp đang nhập cho {commune.name}: kiểm tra lại."
