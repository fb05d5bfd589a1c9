"""The household and member facts are declared once (``households.facts``) and every consumer lists them:
the forms, the service field sets, the engine adapter, the export, the import's columns, the template and
the XLSForm. Adding a ``Fact`` is all it takes for them to follow; a model field that is neither a fact nor
listed below as something else fails here."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.db import models

from giamngheo.dataio import fields, xlsform
from giamngheo.households import engine, exports, facts, forms, services
from giamngheo.households.models import Household, Member
from giamngheo.poverty.facts import HouseholdFacts, MemberFacts

# Model fields that are not facts of the survey: identity, recognition, the engine's results, bookkeeping.
NOT_FACTS = {
    Household: {
        "id", "created_at", "updated_at", "code", "commune", "village", "address", "head_name", "phone",
        "ethnic_group", "is_ethnic_minority", "note", "category", "provincial_category", "category_since",
        "category_decision", "deprived_keys", "unknown_keys", "engine_standard", "engine_category",
        "engine_provincial_category", "search_text", "version", "is_active",
    },
    Member: {
        "id", "created_at", "updated_at", "household", "full_name", "sex", "date_of_birth", "birth_year_only",
        "relationship", "national_id", "ethnic_group", "is_active", "version",
    },
}  # fmt: skip
MODEL_FIELD = {
    "tri_state": models.BooleanField,
    "flag": models.BooleanField,
    "choice": models.CharField,
    "codes": models.JSONField,
    "integer": models.PositiveSmallIntegerField,
    "decimal": models.DecimalField,
    "money": models.PositiveBigIntegerField,
    "date": models.DateField,
}


@pytest.mark.parametrize(
    ("model", "declared"), [(Household, facts.HOUSEHOLD_FACTS), (Member, facts.MEMBER_FACTS)]
)
def test_every_model_fact_is_declared_exactly_once(model: type[models.Model], declared: tuple) -> None:
    names = [f.name for f in declared]
    assert len(names) == len(set(names))
    concrete = {f.name for f in model._meta.concrete_fields}
    assert set(names) == concrete - NOT_FACTS[model]
    level = "household" if model is Household else "member"
    for fact in declared:
        field = model._meta.get_field(fact.name)
        assert fact.level == level
        assert isinstance(field, MODEL_FIELD[fact.kind]), fact.name
        assert field.null == (fact.kind != "flag" and fact.kind != "choice" and fact.name != "poverty_causes")
        if fact.kind == "choice":
            assert set(fact.choices_vi or {}) == {code for code, _label in field.choices}, fact.name


def test_the_forms_list_every_fact_once() -> None:
    for form, layout, declared in (
        (forms.HouseholdForm, forms.HOUSEHOLD_LAYOUT, facts.HOUSEHOLD_FACTS),
        (forms.MemberForm, forms.MEMBER_LAYOUT, facts.MEMBER_FACTS),
    ):
        shown = [name for _title, names in layout for name in names]
        for fact in declared:
            assert fact.name in form.base_fields, fact.name
            assert shown.count(fact.name) == 1, fact.name
            if fact.kind == "tri_state":
                assert isinstance(form.base_fields[fact.name].widget, forms.TriStateSelect)


def test_the_services_accept_every_fact() -> None:
    assert set(facts.HOUSEHOLD_FACT_NAMES) <= services.HOUSEHOLD_FIELDS
    assert set(facts.MEMBER_FACT_NAMES) <= services.MEMBER_FIELDS


def test_the_engine_adapter_feeds_every_engine_fact() -> None:
    household_attrs = {f.name for f in dataclasses.fields(HouseholdFacts)}
    member_attrs = {f.name for f in dataclasses.fields(MemberFacts)}
    for fact in facts.FACTS:
        if fact.engine is not None:
            assert fact.engine in (household_attrs if fact.level == "household" else member_attrs)
    household = Household(
        walls_durable=True, floor_area_m2=Decimal("30.5"), water_source="piped", devices=["tv"], latrine=""
    )
    member = Member(date_of_birth=dt.date(1990, 1, 1), sex="F", education="primary", is_active=True)
    result = engine.household_facts(
        household, [member], on=dt.date(2025, 1, 1), area="rural", income_per_capita=1
    )
    assert result.devices == frozenset({"tv"})
    assert result.latrine is None
    assert result.members[0].education is not None and result.members[0].education.value == "primary"
    snapshot = engine.facts_snapshot(result)
    engine_facts = [f.engine for f in facts.HOUSEHOLD_FACTS if f.engine]
    assert set(snapshot) == {"area", "members", *engine_facts}
    assert snapshot["floor_area_m2"] == "30.5" and snapshot["devices"] == ["tv"]
    assert set(snapshot["members"][0]) == {"age", "sex", *(f.engine for f in facts.MEMBER_FACTS if f.engine)}  # type: ignore[index]


def test_the_export_lists_every_exported_fact() -> None:
    for fact in facts.FACTS:
        if fact.exported is not None:
            assert fact.level == "household"
            assert exports.HEADERS.count(fact.exported.header) == 1


def test_the_import_template_and_xlsform_list_every_imported_fact() -> None:
    survey = {row["name"] for row in xlsform.survey_rows()}
    template = {f.key for f in fields.TEMPLATE_FIELDS}
    for fact in facts.FACTS:
        column = fact.imported
        if column is None:
            assert fact.name not in fields.BY_KEY
            continue
        field = fields.BY_KEY[fact.name]
        assert (field.header, field.aliases, field.level) == (column.header, column.aliases, fact.level)
        assert field.kind == fields.FACT_KINDS[fact.kind]
        assert (fact.name in template) == column.in_template
        assert (fact.name in survey) == column.in_template
        if fact.choices_vi is not None:
            assert dict(field.choices) == {str(k): v for k, v in fact.choices_vi.items()}
