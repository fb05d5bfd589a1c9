from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import FieldKind, PeriodKind, TemplateField
from .periods import format_figure, parse_figure


def _text(label: Any, required: bool = False, max_length: int = 300) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT)
    )


def _area(label: Any, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={**TEXT, "rows": rows})
    )


class TemplateForm(VersionedFormMixin, forms.Form):
    name = _text(_("Name"), required=True)
    period_kind = forms.ChoiceField(
        label=_("Reporting period"), choices=PeriodKind.choices, widget=forms.Select(attrs=SELECT)
    )
    description = _area(_("Description"))
    is_active = forms.BooleanField(label=_("In use"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    version = VersionField(required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
            del self.fields["is_active"]


class FieldForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of field"), choices=FieldKind.choices, widget=forms.Select(attrs=SELECT)
    )
    label = _text(_("Label"), required=True)
    unit = _text(_("Unit of measure"), max_length=40)
    required = forms.BooleanField(
        label=_("Required"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )
    sort_order = forms.IntegerField(
        label=_("Order in the report"),
        required=False,
        min_value=0,
        max_value=32000,
        widget=forms.NumberInput(attrs=NUMBER),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]


class RequestForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Template"), coerce=int, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=NUMBER)
    )
    period = forms.TypedChoiceField(
        label=_("Period number"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Month (1–12), quarter (1–4) or half (1–2) of the year; empty for a yearly report."),
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 13)],
        widget=forms.Select(attrs=SELECT),
    )
    due_date = DateField(label=_("Due date"))
    title = _text(_("Title"))
    note = _area(_("Note"), rows=2)
    units = forms.TypedMultipleChoiceField(
        label=_("Units asked"),
        coerce=int,
        required=False,
        help_text=_("None chosen: every division and unit of the department that existed in the period."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, templates: Sequence[Any], units: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["template"]).choices = [
            (t.pk, f"{t.name} ({t.get_period_kind_display()})") for t in templates
        ]
        cast(Any, self.fields["units"]).choices = [(u.pk, u.name) for u in units]
        self.fields["title"].help_text = _("Empty: “Report of quarter III of 2026” and so on.")


class RequestEditForm(VersionedFormMixin, forms.Form):
    title = _text(_("Title"), required=True)
    due_date = DateField(label=_("Due date"))
    note = _area(_("Note"), rows=2)
    version = VersionField()


class ExceptionForm(forms.Form):
    org_unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=forms.Select(attrs=SELECT))
    until = DateField(label=_("Open until"))
    reason = _area(_("Reason"), required=True, rows=2)

    def __init__(self, *args: Any, units: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["org_unit"]).choices = [(u.pk, u.name) for u in units]


class ReasonForm(VersionedFormMixin, forms.Form):
    """The reason of a return, withdrawal or reopening (empty allowed for an approval)."""

    reason = _area(_("Reason or comments"), rows=3)
    version = VersionField()


class ReportForm(VersionedFormMixin, forms.Form):
    """One field per template field: figures typed the Vietnamese way (“1.234,5”; empty: not known),
    narratives as text."""

    version = VersionField()

    def __init__(self, *args: Any, template_fields: Sequence[TemplateField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_fields = list(template_fields)
        for f in self.template_fields:
            label = f"{f.label} ({f.unit})" if f.unit else f.label
            if f.kind == FieldKind.FIGURE:
                self.fields[f"f{f.pk}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=40,
                    widget=forms.TextInput(
                        attrs={
                            **TEXT,
                            "inputmode": "decimal",
                            "placeholder": "1.234,5",
                            "autocomplete": "off",
                        }
                    ),
                )
            else:
                self.fields[f"f{f.pk}"] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 4})
                )
            self.fields[f"f{f.pk}"].show_required = f.required  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for f in self.template_fields:
            name = f"f{f.pk}"
            if f.kind == FieldKind.FIGURE and name in cleaned:
                try:
                    cleaned[name] = parse_figure(cleaned[name] or "")
                except ValueError:
                    self.add_error(name, _("Enter a number, e.g. 1.234 or 1.234,5 (at most two decimals)."))
        return cleaned

    def values(self) -> dict[int, Decimal | str | None]:
        return {f.pk: self.cleaned_data.get(f"f{f.pk}") for f in self.template_fields}


def report_initial(entries: Sequence[Any], version: int) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": version}
    for e in entries:
        initial[f"f{e.field.pk}"] = format_figure(e.number) if e.field.kind == FieldKind.FIGURE else e.text
    return initial
