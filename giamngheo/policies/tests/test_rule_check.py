"""One check of a policy's eligibility rule (``eligibility.clean_rule``): the model field's validator and
the catalogue's writes give the same message, in Vietnamese, on the same part of the rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from giamngheo.core.errors import ValidationFailed
from giamngheo.policies.eligibility import RuleError, clean_rule
from giamngheo.policies.models import validate_rule
from giamngheo.policies.services.catalogue import _clean_rule


@pytest.mark.parametrize(
    ("rule", "field", "vi"),
    [
        ([], "rule", "Điều kiện được hưởng phải là một đối tượng (JSON)."),
        ({"categories": ["rich"]}, "categories", "Chọn diện trong số hộ nghèo"),
        ({"categories": ["poor"], "age": [0, 5]}, "level", "Điều kiện với thành viên"),
        (
            {"categories": ["poor"], "newly_escaped": {"from": ["poor"], "months": 500}},
            "newly_escaped.months",
            "(từ 1 đến 120)",
        ),
        (
            {"categories": ["poor"], "working_age": {"min": 70}},
            "working_age",
            "Điều kiện hưởng không hợp lệ: working_age",
        ),
    ],
)
def test_the_model_and_the_catalogue_refuse_a_rule_alike(rule, field, vi) -> None:
    with pytest.raises(RuleError) as refused:
        clean_rule(rule, level=None if field != "working_age" else "member")
    assert refused.value.field == field
    with translation.override("vi"):
        with pytest.raises(ValidationFailed) as catalogue:
            _clean_rule(rule, "household" if field != "working_age" else "member")
        with pytest.raises(ValidationError) as model:
            validate_rule({**rule, "level": "member"} if field == "working_age" else rule)
    assert vi in str(catalogue.value) and model.value.messages == [str(catalogue.value)]
    assert catalogue.value.extra == {"field": field}


def test_a_clean_rule_is_normalised_and_parses() -> None:
    rule = {"categories": ["middle", "poor"], "age": [None, None], "disabled": None, "level": "member"}
    assert clean_rule(rule) == {"categories": ["poor", "middle"], "level": "member"}
    assert clean_rule(rule, level="household")["level"] == "household"
