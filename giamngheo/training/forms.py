from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .choices import FundingProject, Position, Sex

COMPLETION_CHOICES = [("", _("Not known yet")), ("yes", _("Completed")), ("no", _("Not completed"))]


def completion_value(raw: str) -> bool | None:
    return {"yes": True, "no": False}.get(raw)


def completion_raw(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class VersionForm(VersionedFormMixin, forms.Form):
    version = VersionField()


class OfficerForm(VersionedFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs=TEXT))
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices], widget=forms.Select(attrs=SELECT)
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1930,
        max_value=2100,
        widget=forms.NumberInput(attrs={**NUMBER, "placeholder": "1985"}),
    )
    date_of_birth = DateField(label=_("Date of birth"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    position = forms.ChoiceField(
        label=_("Position"), choices=Position.choices, widget=forms.Select(attrs=SELECT)
    )
    position_detail = forms.CharField(
        label=_("Position (as written)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. Phó Chủ tịch UBND xã")}),
    )
    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int, widget=forms.Select(attrs=SELECT))
    village = forms.TypedChoiceField(
        label=_("Village"), coerce=int, required=False, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    since = DateField(label=_("In post since"))
    left_on = DateField(
        label=_("Left on"), required=False, help_text=_("Leave empty while the officer is still in post.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(
        self,
        *args: Any,
        communes: Sequence[Any],
        villages: Sequence[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.pk, c.name) for c in communes]  # type: ignore[attr-defined]
        if villages:
            self.fields["village"].choices = [("", "—"), *((v.pk, v.name) for v in villages)]  # type: ignore[attr-defined]
        else:
            del self.fields["village"]
        if editing:
            self.fields["version"] = VersionField()


class CourseForm(VersionedFormMixin, forms.Form):
    province = forms.TypedChoiceField(label=_("Province"), coerce=int, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("Title"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    organiser = forms.CharField(
        label=_("Organiser"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    org_unit = forms.TypedChoiceField(
        label=_("Organising unit of the department"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    start_date = DateField(label=_("Start date"))
    end_date = DateField(label=_("End date"))
    place = forms.CharField(
        label=_("Place"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    content = forms.CharField(
        label=_("Content"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    funding_project = forms.ChoiceField(
        label=_("Funding project"), choices=FundingProject.choices, widget=forms.Select(attrs=SELECT)
    )

    def __init__(
        self, *args: Any, provinces: Sequence[Any], units: Sequence[Any], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [(p.pk, p.name) for p in provinces]  # type: ignore[attr-defined]
        self.fields["org_unit"].choices = [("", "—"), *((u.pk, u.name) for u in units)]  # type: ignore[attr-defined]
        if editing:
            del self.fields["province"]
            self.fields["version"] = VersionField()


class AttendanceAddForm(forms.Form):
    officers = forms.TypedMultipleChoiceField(
        label=_("Officers"), coerce=int, widget=forms.CheckboxSelectMultiple(attrs=CHECK)
    )

    def __init__(self, *args: Any, officers: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"].choices = [  # type: ignore[attr-defined]
            (o.pk, f"{o.full_name} ({o.commune.name})") for o in officers
        ]


class AttendanceForm(VersionedFormMixin, forms.Form):
    completed = forms.ChoiceField(
        label=_("Completion"), required=False, choices=COMPLETION_CHOICES, widget=forms.Select(attrs=SELECT)
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=60, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    version = VersionField()
