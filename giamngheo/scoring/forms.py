from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from . import sources
from .models import CriterionKind, Scale

GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(text: str) -> Decimal | None:
    """A number typed the Vietnamese way or the English way: "85,5", "85.5", "1.250" (thousands),
    "1.250,5", "-2". ``None`` when empty; ``ValueError`` when it is not a number."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    elif GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above
        raise ValueError(text) from exc


class NumberField(forms.Field):
    """A decimal number typed as "85,5" or "85.5" (up to 2 decimals kept)."""

    default_error_messages = {"invalid": _("Enter a number, e.g. 85,5.")}

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={**TEXT, "inputmode": "decimal", "autocomplete": "off", "maxlength": "24"}),
        )
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > 24:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = parse_number(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number is None:
            return None
        if number < 0 and not self.allow_negative:
            raise forms.ValidationError(_("The number cannot be negative."), code="negative")
        if abs(number) >= Decimal(10) ** 13:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number.quantize(Decimal("0.01"))


def _text(label: Any, required: bool = False, max_length: int = 300) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT)
    )


class CriteriaSetForm(VersionedFormMixin, forms.Form):
    plan = forms.TypedChoiceField(
        label=_("Yearly plan of the movement"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    name = _text(_("Name"), required=True)
    cluster = _text(_("Emulation cluster"), max_length=200)
    self_deadline = DateField(label=_("Self-assessment due"), required=False)
    units = forms.TypedMultipleChoiceField(
        label=_("Units scored"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        plans: Sequence[Any],
        units: Sequence[Any] | None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["plan"]).choices = [
            (p.pk, f"{p.year} – {p.movement.name}: {p.title}") for p in plans
        ]
        if units is None:
            del self.fields["units"]
        else:
            cast(Any, self.fields["units"]).choices = [(u.pk, ("— " * u.depth) + u.name) for u in units]
        if editing:
            del self.fields["plan"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class CopyForm(forms.Form):
    source = forms.TypedChoiceField(
        label=_("Copy the criteria of"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    plan = forms.TypedChoiceField(label=_("For the plan of"), coerce=int, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, sets: Sequence[Any], plans: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["source"]).choices = [(s.pk, f"{s.plan.year} – {s.name}") for s in sets]
        cast(Any, self.fields["plan"]).choices = [
            (p.pk, f"{p.year} – {p.movement.name}: {p.title}") for p in plans
        ]


class CriterionForm(forms.Form):
    code = _text(_("Criterion number"), required=True, max_length=12)
    group = _text(_("Group"), max_length=200)
    name = _text(_("Criterion"), required=True, max_length=400)
    kind = forms.ChoiceField(
        label=_("Kind of criterion"), choices=CriterionKind.choices, widget=forms.Select(attrs=SELECT)
    )
    source = forms.ChoiceField(label=_("Value"), required=False, widget=forms.Select(attrs=SELECT))
    max_points = NumberField(label=_("Maximum points"))
    points_each = NumberField(
        label=_("Points each"),
        allow_negative=True,
        help_text=_("For a count or a bonus; negative for a penalty."),
    )
    scale = forms.ChoiceField(
        label=_("Scaled"),
        required=False,
        choices=[("", "—"), *Scale.choices],
        widget=forms.Select(attrs=SELECT),
        help_text=_("For a quantity: against its target, or against the best among the units."),
    )
    target = NumberField(label=_("Target"))
    sort_order = forms.IntegerField(
        label=_("Order in the list"),
        required=False,
        min_value=0,
        max_value=32000,
        widget=forms.NumberInput(attrs=NUMBER),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["source"]).choices = [("", _("Entered by the unit")), *sources.choices()]


class VersionForm(VersionedFormMixin, forms.Form):
    version = VersionField()


class ReturnForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the sheet is returned"),
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        max_length=2000,
    )
    version = VersionField()


def value_name(criterion_id: int) -> str:
    return f"value_{criterion_id}"


def evidence_name(criterion_id: int) -> str:
    return f"evidence_{criterion_id}"


class SelfAssessmentForm(VersionedFormMixin, forms.Form):
    """A value and the evidence for each entered criterion; the evidence only for a computed one."""

    version = VersionField()

    def __init__(self, *args: Any, rows: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            c = row.criterion
            if not row.computed:
                self.fields[value_name(c.pk)] = value_field(c, _("Value"), row.entry.self_value)
            self.fields[evidence_name(c.pk)] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=2000,
                initial=row.entry.evidence,
                widget=forms.Textarea(attrs={**TEXT, "rows": 1}),
            )


class CouncilForm(VersionedFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Council's remarks"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    version = VersionField()

    def __init__(self, *args: Any, rows: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            c = row.criterion
            self.fields[value_name(c.pk)] = value_field(c, _("Council's value"), row.entry.council_value)


def value_field(criterion: Any, label: Any, value: Decimal | None) -> forms.Field:
    """The value of a criterion: met or not for a pass/fail one, a number otherwise."""
    if criterion.kind == CriterionKind.PASS_FAIL:
        return forms.TypedChoiceField(
            label=label,
            required=False,
            coerce=Decimal,
            empty_value=None,
            choices=[("", "—"), ("1", _("Met")), ("0", _("Not met"))],
            initial="" if value is None else ("1" if value > 0 else "0"),
            widget=forms.Select(attrs=SELECT),
        )
    return NumberField(
        label=label, allow_negative=criterion.kind == CriterionKind.BONUS_PENALTY, initial=_initial(value)
    )


def _initial(value: Decimal | None) -> str:
    """A stored value as typed back: "85,5", "3" (no trailing zeros)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")
