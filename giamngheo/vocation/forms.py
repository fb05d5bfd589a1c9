from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import NUMBER, SELECT, TEXT, DateField, MoneyField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import Funding, Level, SessionKind

TRISTATE = [("", _("Unknown")), ("1", _("Yes")), ("0", _("No"))]


def _tristate(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=TRISTATE,
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )


def _place_choices(places: Sequence[Any]) -> list[tuple[int, str]]:
    return [(a.pk, a.name) for a in places]


class CourseForm(VersionedFormMixin, forms.Form):
    trade = forms.CharField(
        label=_("Trade"), max_length=150, widget=forms.TextInput(attrs={**TEXT, "list": "trades"})
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=forms.Select(attrs=SELECT))
    organiser = forms.CharField(label=_("Organiser"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    area = forms.TypedChoiceField(label=_("Held in"), coerce=int, widget=forms.Select(attrs=SELECT))
    starts_on = DateField(label=_("Start date"))
    ends_on = DateField(label=_("End date"))
    cost = MoneyField(label=_("Cost (đồng)"), required=False)
    funding = forms.ChoiceField(
        label=_("Funding"), choices=Funding.choices, widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, places: Sequence[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _place_choices(places)  # type: ignore[attr-defined]
        if editing:
            self.fields["version"] = VersionField()


class EnrolOtherForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs=TEXT))
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, communes: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _place_choices(communes)  # type: ignore[attr-defined]


class OutcomeForm(VersionedFormMixin, forms.Form):
    completed = _tristate(_("Completed the course"))
    certificate = _tristate(_("Certificate received"))
    employed_6m = _tristate(_("Employed within 6 months of the course's end"))
    employed_on = DateField(label=_("Employed on"), required=False)
    employer = forms.CharField(
        label=_("Employer or place of work"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    self_employed = _tristate(_("Self-employed"))
    export_country = forms.CharField(
        label=_("Labour export: country"), max_length=80, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    export_from = DateField(label=_("Contract start"), required=False)
    export_to = DateField(label=_("Contract end"), required=False)
    version = VersionField()


class SessionForm(VersionedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices, widget=forms.Select(attrs=SELECT))
    held_on = DateField(label=_("Date"))
    place = forms.CharField(label=_("Place"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    area = forms.TypedChoiceField(label=_("Held in"), coerce=int, widget=forms.Select(attrs=SELECT))
    organiser = forms.CharField(label=_("Organiser"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    attendees = forms.IntegerField(
        label=_("People attending"), required=False, min_value=0, widget=forms.NumberInput(attrs=NUMBER)
    )
    employers = forms.IntegerField(
        label=_("Employers taking part"), required=False, min_value=0, widget=forms.NumberInput(attrs=NUMBER)
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, places: Sequence[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _place_choices(places)  # type: ignore[attr-defined]
        if editing:
            self.fields["version"] = VersionField()


class PlacementForm(forms.Form):
    trainee = forms.TypedChoiceField(
        label=_("Trainee"), coerce=int, required=False, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    employer = forms.CharField(label=_("Placed with"), max_length=255, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, trainees: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainee"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (t.pk, f"{t.full_name} · {t.course.trade}") for t in trainees
        ]
