from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import DOCUMENTS, accept
from giamngheo.core.forms import CHECK, NUMBER, SELECT, TEXT, DateField, MoneyField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import DonorKind, Method, Purpose


def _text(label: Any, required: bool = False, max_length: int = 255) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT)
    )


class CampaignForm(VersionedFormMixin, forms.Form):
    province = forms.TypedChoiceField(label=_("Province"), coerce=int, widget=forms.Select(attrs=SELECT))
    name = _text(_("Name"), required=True)
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=NUMBER)
    )
    target_amount = MoneyField(label=_("Target amount (đồng)"), required=False)
    start_date = DateField(label=_("Start date"))
    end_date = DateField(label=_("End date"))
    document_number = _text(_("Launching document number"), max_length=80)
    document_date = DateField(label=_("Launching document date"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    units = forms.TypedMultipleChoiceField(
        label=_("Participating units"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        provinces: Sequence[Any],
        units: Sequence[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["province"]).choices = [(p.pk, p.name) for p in provinces]
        cast(Any, self.fields["units"]).choices = [(u.pk, ("— " * u.depth) + u.name) for u in units]
        if editing:
            del self.fields["province"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class DonationForm(forms.Form):
    donor_kind = forms.ChoiceField(
        label=_("Donor kind"), choices=DonorKind.choices, widget=forms.Select(attrs=SELECT)
    )
    org_unit = forms.TypedChoiceField(
        label=_("Unit"), coerce=int, required=False, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    staff = forms.TypedChoiceField(
        label=_("Staff member"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    donor_name = _text(_("Donor name (business or other)"))
    amount = MoneyField(label=_("Amount (đồng)"), required=False)
    date = DateField(label=_("Date"), required=False)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, widget=forms.Select(attrs=SELECT))
    receipt_number = _text(_("Receipt number"), required=True, max_length=40)
    anonymous = forms.BooleanField(
        label=_("The donor asks to stay anonymous"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    note = _text(_("Note"))

    def __init__(self, *args: Any, units: Sequence[Any], staff: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["org_unit"]).choices = [("", "—")] + [(u.pk, u.name) for u in units]
        cast(Any, self.fields["staff"]).choices = [("", "—")] + [
            (s.pk, f"{s.full_name} · {s.org_unit.short_name or s.org_unit.name}") for s in staff
        ]


class DisbursementForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int, widget=forms.Select(attrs=SELECT))
    household_code = _text(_("Household code"), required=True, max_length=32)
    amount = MoneyField(label=_("Amount (đồng)"), required=False)
    date = DateField(label=_("Date"), required=False)
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Purpose.choices, widget=forms.Select(attrs=SELECT)
    )
    decision_number = _text(_("Decision number"), max_length=80)
    decision_date = DateField(label=_("Decision date"), required=False)
    decision_file = forms.FileField(
        label=_("Scanned decision"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": accept(DOCUMENTS)}),
    )
    note = _text(_("Note"))

    def __init__(self, *args: Any, communes: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.pk, c.name) for c in communes]  # type: ignore[attr-defined]


class FundImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of donations"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.ods,.csv"}),
    )
