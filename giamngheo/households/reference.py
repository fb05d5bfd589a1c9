"""Reference lists of the registry: ethnic groups (data file), answer options of survey form B, and the
national ID (CCCD) check. Answer codes are the engine's (``giamngheo.poverty``); labels are Vietnamese."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).parent / "data"
KINH = "01"


@cache
def ethnic_groups() -> list[tuple[str, str]]:
    with (DATA / "ethnic_groups.json").open(encoding="utf-8") as fh:
        return [(g["code"], g["name"]) for g in json.load(fh)["groups"]]


@cache
def poverty_causes() -> list[tuple[str, str]]:
    """The causes of poverty (code, Vietnamese name), in the report's order. PROVISIONAL: the list of the
    report layout, not yet checked against survey form B (``data/poverty_causes.json``)."""
    with (DATA / "poverty_causes.json").open(encoding="utf-8") as fh:
        return [(c["code"], c["name"]) for c in json.load(fh)["causes"]]


def ethnic_group_name(code: str) -> str:
    return dict(ethnic_groups()).get(code, "")


def is_ethnic_minority(code: str) -> bool:
    return bool(code) and code != KINH


# The labels of these choices are the names the exports, the import templates and the documents use too: one
# name for one thing on the screen and in Excel (``dataio/tests/test_same_names.py``; decision 0020).
class Category(models.TextChoices):
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    MIDDLE = "middle", _("Middle-living-standard household")
    NOT_POOR = "not_poor", _("Not poor, near-poor or middle-living")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Father or mother")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    VOCATIONAL = "vocational", _("Vocational (elementary, intermediate, college)")
    HIGHER = "higher", _("University or higher")


class Employment(models.TextChoices):
    WAGE_WITH_CONTRACT = "wage_with_contract", _("Wage work with a labour contract")
    WAGE_WITHOUT_CONTRACT = "wage_without_contract", _("Wage work without a labour contract")
    SELF_EMPLOYED = "self_employed", _("Self-employed, family production")
    UNEMPLOYED = "unemployed", _("Unemployed, looking for a job")
    NOT_IN_LABOUR_FORCE = "not_in_labour_force", _("Not working (at school, retired, unable)")


class WaterSource(models.TextChoices):
    PIPED = "piped", _("Piped water")
    DRILLED_WELL = "drilled_well", _("Drilled well")
    PROTECTED_DUG_WELL = "protected_dug_well", _("Protected dug well")
    PROTECTED_SPRING = "protected_spring", _("Protected spring")
    RAINWATER = "rainwater", _("Rain water")
    BOTTLED = "bottled", _("Bottled drinking water")
    UNPROTECTED_WELL = "unprotected_well", _("Unprotected well")
    SURFACE = "surface", _("River, lake, pond or canal")
    OTHER = "other", _("Other")


class Latrine(models.TextChoices):
    SEPTIC = "septic", _("Septic tank")
    SEMI_SEPTIC = "semi_septic", _("Semi-septic")
    POUR_FLUSH = "pour_flush", _("Pour-flush latrine")
    DOUBLE_VAULT = "double_vault", _("Double-vault")
    VENTILATED_PIT = "ventilated_pit", _("Ventilated pit")
    SIMPLE_PIT = "simple_pit", _("Simple dug pit")
    NONE = "none", _("No latrine")


class Device(models.TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    COMPUTER = "computer", _("Desktop or laptop computer")
    TABLET = "tablet", _("Tablet")
    SMARTPHONE = "smartphone", _("Smartphone")


class WasteHandling(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    COMPOSTED = "composted", _("Composted into manure")
    BURIED = "buried", _("Buried")
    BURNED_SAFELY = "burned_safely", _("Burned safely")
    DUMPED = "dumped", _("Dumped anywhere")


# National ID (căn cước, 12 digits; Decree 137/2015/ND-CP Art. 7): 3 digits place of birth registration
# (province code 001–096), 1 digit sex and century, 2 digits year of birth, 6 random digits.
CCCD = re.compile(r"^[0-9]{12}$")
CENTURY_DIGITS = {1900: ("0", "1"), 2000: ("2", "3"), 2100: ("4", "5"), 2200: ("6", "7"), 2300: ("8", "9")}


def national_id_problem(number: str, *, date_of_birth: dt.date | None = None, sex: str = "") -> str | None:
    """Why ``number`` is not a valid national ID for this person, or ``None``."""
    if not CCCD.match(number):
        return str(_("A national ID number has exactly 12 digits."))
    if not 1 <= int(number[:3]) <= 96:
        return str(_("The first three digits (place of birth registration) must be between 001 and 096."))
    if date_of_birth is not None:
        century = date_of_birth.year // 100 * 100
        male, female = CENTURY_DIGITS.get(century, ("", ""))
        expected = female if sex == "F" else male if sex == "M" else None
        if number[3] not in (male, female) or (expected and number[3] != expected):
            return str(_("The fourth digit does not match the sex and century of birth."))
        if number[4:6] != f"{date_of_birth.year % 100:02d}":
            return str(_("Digits 5–6 must be the last two digits of the year of birth."))
    return None


def mask_national_id(number: str) -> str:
    """'079123456789' -> '079******789'."""
    return f"{number[:3]}{'*' * 6}{number[-3:]}" if len(number) == 12 else number
