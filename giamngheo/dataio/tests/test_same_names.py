"""The same thing has the same name on the screen and in Excel: the exports' and imports' Vietnamese
names of a category, a relationship, a sex, an education or an employment are the choices' labels."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.utils import translation

from giamngheo.dataio.fields import CATEGORY_IMPORT_VI, EDUCATION_VI, EMPLOYMENT_VI, RELATIONSHIP_VI, SEX_VI
from giamngheo.households.exports import CATEGORY_NAMES
from giamngheo.households.reference import Category, Education, Employment, Relationship, Sex


def _screen(choices: type[models.Choices]) -> dict[str, str]:
    with translation.override("vi"):
        return {str(value): str(label) for value, label in choices.choices}


@pytest.mark.parametrize(
    ("excel", "choices"),
    [
        (CATEGORY_NAMES, Category),
        (CATEGORY_IMPORT_VI, Category),
        (RELATIONSHIP_VI, Relationship),
        (SEX_VI, Sex),
        (EDUCATION_VI, Education),
        (EMPLOYMENT_VI, Employment),
    ],
)
def test_excel_names_are_the_screen_labels(excel: dict[Any, str], choices: type[models.Choices]) -> None:
    screen = _screen(choices)
    assert {str(k): v for k, v in excel.items()} == {k: v for k, v in screen.items() if k in map(str, excel)}


def test_export_headers_are_the_screen_labels() -> None:
    """A fact's column in the household export is named as its field on the screen."""
    from django.utils.text import capfirst

    from giamngheo.households.facts import FACTS

    with translation.override("vi"):
        wrong = {
            f.name: (f.exported.header, str(capfirst(f.label)))
            for f in FACTS
            if f.exported is not None and f.exported.header != str(capfirst(f.label))
        }
    assert wrong == {}


@pytest.mark.parametrize(
    ("mapping", "choices"),
    [
        ("WATER_VI", "WaterSource"),
        ("LATRINE_VI", "Latrine"),
        ("DEVICE_VI", "Device"),
        ("WASTE_VI", "WasteHandling"),
    ],
)
def test_export_values_are_the_screen_labels(mapping: str, choices: str) -> None:
    from giamngheo.households import facts, reference

    files = getattr(facts, mapping)
    screen = _screen(getattr(reference, choices))
    assert {str(k): v for k, v in files.items()} == {k: v for k, v in screen.items() if k in files}
