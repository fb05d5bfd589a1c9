from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giamngheo.geo.models import Area
from giamngheo.poverty.standard import all_standards


def indicator_choices() -> list[tuple[str, str]]:
    """Every indicator of every standard, once, in the standards' order, in the user's language."""
    seen: dict[str, str] = {}
    vi = (get_language() or "vi").startswith("vi")
    for standard in all_standards():
        for indicator in standard.indicators:
            seen.setdefault(indicator.key, indicator.name_vi if vi else indicator.name_en)
    return list(seen.items())


class CalculatorForm(forms.Form):
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("— not chosen: use the area type below —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    area = forms.ChoiceField(
        label=_("Area type"),
        choices=[("rural", _("Rural")), ("urban", _("Urban"))],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    income_per_capita = forms.IntegerField(
        label=_("Income per person per month (VND)"),
        min_value=0,
        max_value=10_000_000_000,
        localize=True,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "numeric", "placeholder": "1.500.000"}
        ),
    )
    deprived = forms.MultipleChoiceField(
        label=_("Deprived indicators"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, communes: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        years = sorted(
            {y for s in all_standards() if s.is_national for y in range(s.first_year, s.last_year + 1)}
        )
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        current = timezone.localdate().year
        self.fields["year"].initial = current if current in years else years[-1]
        self.fields["deprived"].choices = indicator_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("commune") and not data.get("area"):
            self.add_error("area", _("Choose a commune or an area type."))
        return data
