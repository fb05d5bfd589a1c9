from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from . import indicators as ind
from .models import EVIDENCE_KINDS, Direction
from .selectors import indicator_label, unit_label

CHECK_ATTRS = CHECK
DECIMAL = {"class": "form-control", "inputmode": "decimal"}


def _year_field(label: Any, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={**NUMBER, "placeholder": "2025"}),
    )


def _decimal_field(label: Any, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=16,
        decimal_places=2,
        min_value=0,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={**DECIMAL, "placeholder": "0,15"}),
    )


class PlanForm(VersionedFormMixin, forms.Form):
    province = forms.TypedChoiceField(label=_("Province"), coerce=int, widget=forms.Select(attrs=SELECT))
    year_from = _year_field(_("From year"))
    year_to = _year_field(_("To year"))
    title = forms.CharField(label=_("Title"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    issuing_body = forms.CharField(
        label=_("Issuing body"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. Ủy ban nhân dân tỉnh Đồng Nai")}),
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": "123/KH-UBND"}),
    )
    document_date = DateField(label=_("Document date"), required=False)
    movement = forms.CharField(
        label=_("Movement or programme"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("e.g. the movement “Vì người nghèo – Không để ai bị bỏ lại phía sau”."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))

    def __init__(self, *args: Any, provinces: Sequence[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [(p.pk, p.name) for p in provinces]  # type: ignore[attr-defined]
        if editing:
            del self.fields["province"]
            self.fields["version"] = VersionField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and end < start:
            self.add_error("year_to", _("The last year of the plan cannot be before its first year."))
        return data


def indicator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The indicators grouped: computed from the figures, entered by the unit; each with its unit."""

    def label(i: ind.Indicator) -> str:
        return f"{indicator_label(i)} ({unit_label(i.unit)})"

    computed = [(i.key, label(i)) for i in ind.INDICATORS if i.computed]
    entered = [(i.key, label(i)) for i in ind.INDICATORS if not i.computed]
    return [
        (gettext("Computed from the review and coverage figures"), computed),
        (gettext("Entered by the responsible unit, with evidence"), entered),
    ]


class TargetForm(VersionedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the target"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    indicator_key = forms.ChoiceField(label=_("Measured by"), widget=forms.Select(attrs=SELECT))
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.Select(attrs=SELECT)
    )
    baseline_value = _decimal_field(
        _("Baseline"),
        required=False,
        help_text=_("Leave empty to take the indicator's value in the baseline year."),
    )
    baseline_year = _year_field(_("Baseline year"), required=False)
    target_value = _decimal_field(_("Target value"))
    deadline = DateField(label=_("Deadline"))
    responsible_unit = forms.TypedChoiceField(
        label=_("Responsible unit"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    sort_order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=999, initial=0, widget=forms.NumberInput(attrs=NUMBER)
    )

    def __init__(self, *args: Any, units: Sequence[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"].choices = indicator_choices()  # type: ignore[attr-defined]
        self.fields["responsible_unit"].choices = [  # type: ignore[attr-defined]
            ("", gettext("— none —")),
            *[(u.pk, u.name) for u in units],
        ]
        if editing:
            self.fields["version"] = VersionField()


class VersionForm(VersionedFormMixin, forms.Form):
    version = VersionField()


class ReportForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=forms.Select(attrs=SELECT))
    year = _year_field(_("Year"))
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("— the whole year —")), *[(q, str(q)) for q in range(1, 5)]],
        widget=forms.Select(attrs=SELECT),
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *[(m, str(m)) for m in range(1, 13)]],
        widget=forms.Select(attrs=SELECT),
    )
    value = _decimal_field(_("Value"))
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ",".join(f".{k}" for k in EVIDENCE_KINDS)}
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, areas: Sequence[Any], refused_size: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]  # type: ignore[attr-defined]
        limit = int(settings.UPLOAD_MAX_BYTES["plan_evidence"])
        self.fields["evidence"].help_text = gettext(
            "PDF, Word (docx), Excel (xlsx), JPG or PNG; at most %(max)s."
        ) % {"max": filesizeformat(limit)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.refused_size:
            limit = int(settings.UPLOAD_MAX_BYTES["plan_evidence"])
            self.add_error(
                "evidence",
                gettext("The file is %(size)s; the largest accepted is %(max)s.")
                % {"size": filesizeformat(self.refused_size), "max": filesizeformat(limit)},
            )
        if data.get("month") and data.get("quarter"):
            self.add_error("quarter", _("Give a month or a quarter, not both."))
        return data


class ThresholdForm(VersionedFormMixin, forms.Form):
    province = forms.IntegerField(widget=forms.HiddenInput)
    indicator_key = forms.CharField(widget=forms.HiddenInput)
    on_track = forms.IntegerField(
        label=_("On track from (%)"), min_value=0, max_value=1000, widget=forms.NumberInput(attrs=NUMBER)
    )
    at_risk = forms.IntegerField(
        label=_("At risk from (%)"), min_value=0, max_value=1000, widget=forms.NumberInput(attrs=NUMBER)
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PriorityForm(forms.Form):
    area = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. highest poverty rate of the province")}),
    )
