from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import DOCUMENTS, accept
from giamngheo.core.forms import CHECK, NUMBER, SELECT, TEXT, DateField, MoneyField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import Beneficiary, Rating


def _text(label: Any, required: bool = False, max_length: int = 255) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT)
    )


def _area(label: Any, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={**TEXT, "rows": rows})
    )


def _choice(label: Any, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, coerce=int, required=required, empty_value=None, widget=forms.Select(attrs=SELECT)
    )


def _year() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=NUMBER)
    )


class TitleVersionForm(VersionedFormMixin, forms.Form):
    valid_from = DateField(label=_("Applies from"))
    name = _text(_("Name"), required=True, max_length=200)
    issuer = _text(_("Awarded by"), max_length=200)
    multiple = forms.DecimalField(
        label=_("Bonus (multiple of the base salary)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**NUMBER, "step": "0.01"}),
    )
    vote_share = forms.IntegerField(
        label=_("Share of all council members who must agree (%)"),
        required=False,
        min_value=50,
        max_value=100,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    criteria_text = _area(_("Criteria (as written)"), rows=4)
    criteria = forms.CharField(
        label=_("Conditions checked (data)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 4, "class": "form-control font-monospace small"}),
    )
    legal_source = _text(_("Legal source"), required=True)
    version = VersionField()

    def clean_criteria(self) -> list[Any]:
        raw = self.cleaned_data.get("criteria") or "[]"
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("The conditions are not valid.")) from exc
        if not isinstance(value, list):
            raise forms.ValidationError(_("The conditions are not valid."))
        return value


class BaseSalaryForm(forms.Form):
    amount = MoneyField(label=_("Base salary (đồng)"))
    valid_from = DateField(label=_("Applies from"))
    legal_source = _text(_("Legal source"), required=True)


class ProposalForm(VersionedFormMixin, forms.Form):
    year = _year()
    proposing_unit = _choice(_("Proposing unit"))
    nominee_kind = forms.ChoiceField(
        label=_("Nominee"), choices=Beneficiary.choices, widget=forms.Select(attrs=SELECT)
    )
    title = _choice(_("Title or form"))
    staff = _choice(_("Staff member"), required=False)
    org_unit = _choice(_("Collective"), required=False)
    household_code = _text(_("Household code"), max_length=32)
    rating = forms.ChoiceField(
        label=_("Quality rating of the year (collective)"),
        required=False,
        choices=[("", "—"), *Rating.choices],
        widget=forms.Select(attrs=SELECT),
    )
    initiative = _choice(_("Initiative given as the ground"), required=False)
    achievements = _area(_("Achievements"), rows=5)
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        units: Sequence[Any],
        titles: Sequence[Any],
        staff: Sequence[Any],
        initiatives: Sequence[Any],
        households: bool,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        f = cast(Any, self.fields)
        f["proposing_unit"].choices = [(u.pk, ("— " * u.depth) + u.name) for u in units]
        f["title"].choices = [(t.pk, t.name) for t in titles]
        f["staff"].choices = [("", "—")] + [
            (s.pk, f"{s.full_name} · {s.org_unit.short_name or s.org_unit.name}") for s in staff
        ]
        f["org_unit"].choices = [("", "—")] + [(u.pk, ("— " * u.depth) + u.name) for u in units]
        f["initiative"].choices = [("", "—")] + [(i.pk, i.title) for i in initiatives]
        if not households:
            f["nominee_kind"].choices = [c for c in Beneficiary.choices if c[0] != Beneficiary.HOUSEHOLD]
            del self.fields["household_code"]
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class ProposalFileForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": accept(DOCUMENTS)}),
    )


class SubmitForm(forms.Form):
    override_reason = _area(_("Reason for sending despite unmet criteria (office only)"), rows=2)


class ReasonForm(forms.Form):
    reason = _area(_("Reason"), required=True, rows=3)


class MeetingForm(forms.Form):
    year = _year()
    held_on = DateField(label=_("Held on"))
    place = _text(_("Place"), max_length=200)
    members_total = forms.IntegerField(
        label=_("Members of the council"), min_value=1, max_value=999, widget=forms.NumberInput(attrs=NUMBER)
    )
    members_present = forms.IntegerField(
        label=_("Members present"), min_value=0, max_value=999, widget=forms.NumberInput(attrs=NUMBER)
    )
    chair = _text(_("Chair"), required=True, max_length=150)
    secretary = _text(_("Secretary"), required=True, max_length=150)
    note = _area(_("Proceedings"))


class VoteForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    agree = forms.IntegerField(
        label=_("Agree"), min_value=0, max_value=999, widget=forms.NumberInput(attrs=NUMBER)
    )
    disagree = forms.IntegerField(
        label=_("Disagree"),
        min_value=0,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs=NUMBER),
    )


class DecisionForm(forms.Form):
    number = _text(_("Number and symbol"), required=True, max_length=60)
    signed_on = DateField(label=_("Signed on"))
    issuer = _text(_("Issued by"), required=True, max_length=200)
    signer = _text(_("Signed by"), max_length=150)
    year = _year()
    note = _area(_("Note"), rows=2)
    proposals = forms.TypedMultipleChoiceField(
        label=_("Approved proposals"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, proposals: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["proposals"]).choices = list(proposals)


class IncomeForm(forms.Form):
    entry_date = DateField(label=_("Date"))
    amount = MoneyField(label=_("Amount (đồng)"))
    description = _text(_("Description"), required=True)
    document = _text(_("Voucher or document"), max_length=120)


class PaymentForm(forms.Form):
    entry_date = DateField(label=_("Date paid"))
    document = _text(_("Voucher or document"), max_length=120)


RATING_CHOICES = [("", "—"), *Rating.choices]


class UnitRatingsForm(forms.Form):
    """One rating and one discipline box per staff member of a unit (``rating_<id>``,
    ``disciplined_<id>``)."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, staff: Sequence[Any], initial_rows: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = list(staff)
        for s in self.staff:
            current = initial_rows.get(s.pk)
            self.fields[f"rating_{s.pk}"] = forms.ChoiceField(
                label=s.full_name,
                choices=RATING_CHOICES,
                required=False,
                initial=current.rating if current else "",
                widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}),
            )
            self.fields[f"disciplined_{s.pk}"] = forms.BooleanField(
                label=_("Disciplined"),
                required=False,
                initial=bool(current and current.disciplined),
                widget=forms.CheckboxInput(attrs=CHECK),
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(s, self[f"rating_{s.pk}"], self[f"disciplined_{s.pk}"]) for s in self.staff]
