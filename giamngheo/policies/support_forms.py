"""Forms of support recording and of the coverage pages' filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import SELECT, TEXT, DateField, MoneyField
from giamngheo.core.views import parse_id
from giamngheo.geo.models import Area
from giamngheo.geo.selectors import vi_ordered

from .models import FundingSource, Policy


class SupportFieldsMixin(forms.Form):
    date = DateField(label=_("Date received"))
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, initial=1, widget=forms.NumberInput(attrs=TEXT)
    )
    amount = MoneyField(
        label=_("Amount per recipient (VND)"),
        required=False,
        help_text=_("Leave empty when the support is not money (e.g. a health insurance card)."),
    )
    funding_source = forms.ChoiceField(
        label=_("Funding source"), choices=FundingSource.choices, widget=forms.Select(attrs=SELECT)
    )
    project = forms.CharField(
        label=_("Programme project"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Empty: the policy's project."),
    )
    document = forms.CharField(
        label=_("Document or decision"), required=False, max_length=255, widget=forms.TextInput(attrs=TEXT)
    )
    reason = forms.CharField(
        label=_("Reason, if a recipient is not entitled"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
        help_text=_("Support for someone the rules do not entitle is recorded only with a reason."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def support_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "date": d["date"],
            "quantity": d["quantity"],
            "amount": d["amount"] or 0,
            "funding_source": d["funding_source"],
            "project": d["project"],
            "document": d["document"],
            "reason": d["reason"],
        }


class SupportRecordForm(SupportFieldsMixin):
    """One record for a household (from its card)."""

    policy = forms.ModelChoiceField(
        label=_("Policy"),
        queryset=Policy.objects.none(),
        to_field_name="code",
        widget=forms.Select(attrs=SELECT),
    )
    member = forms.TypedChoiceField(
        label=_("Member (member-level policies)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )

    field_order = ["policy", "member", "date", "quantity", "amount", "funding_source", "project", "document"]

    def __init__(
        self, *args: Any, policies: QuerySet[Policy], members: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies  # type: ignore[attr-defined]
        self.fields["member"].choices = [("", "—"), *members]  # type: ignore[attr-defined]


class BulkRecordForm(SupportFieldsMixin):
    """Recording for the recipients of a gap list: those ticked, or every one in the list."""

    ALL, PICKED = "all", "picked"
    selection = forms.ChoiceField(
        choices=[(ALL, _("Everyone in the list")), (PICKED, _("Only those ticked"))],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    pick = forms.MultipleChoiceField(required=False, choices=[], widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Recipients are "household:member" (member 0 for a household); checked against the gap list.
        self.fields["pick"].choices = [(v, v) for v in (self.data.getlist("pick") if self.data else [])]  # type: ignore[attr-defined]

    def picked(self) -> list[tuple[int, int | None]]:
        out = []
        for value in self.cleaned_data.get("pick", []):
            household, _sep, member = str(value).partition(":")
            household_id = parse_id(household)
            member_id = None if member == "0" else parse_id(member)
            if household_id is not None and (member == "0" or member_id is not None):
                out.append((household_id, member_id))
        return out


class CoverageFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Area.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    village = forms.ModelChoiceField(
        label=_("Village"), required=False, queryset=Area.objects.none(), widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, years: list[int], communes: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["year"].initial = years[0]
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        commune = None
        commune_id = parse_id(self.data.get("commune")) if self.data else None
        if commune_id is not None:
            commune = communes.filter(pk=commune_id).first()
        if commune is None and communes.count() == 1:
            commune = communes.first()
            self.fields["commune"].initial = commune
        if commune is not None:
            self.fields["village"].queryset = vi_ordered(commune.children.filter(is_active=True))  # type: ignore[attr-defined]

    def values(self) -> tuple[int, Area | None, Area | None]:
        """The year, commune and village asked for; a value that is not valid falls back to its default."""
        d: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that are valid
            d = self.cleaned_data
        return (
            int(d.get("year") or self.fields["year"].initial),
            d.get("commune") or self.fields["commune"].initial,
            d.get("village"),
        )


class SpendingFilterForm(forms.Form):
    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Area.objects.none(), widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, communes: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def period(self) -> tuple[dt.date, dt.date, Area | None]:
        year = timezone.localdate().year
        start, end, commune = dt.date(year, 1, 1), dt.date(year, 12, 31), None
        if self.is_bound and self.is_valid():
            start = self.cleaned_data["date_from"] or start
            end = self.cleaned_data["date_to"] or end
            commune = self.cleaned_data["commune"]
        return start, end, commune


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
