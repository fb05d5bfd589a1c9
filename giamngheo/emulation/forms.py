from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import MovementKind


def _text(label: Any, required: bool = False, max_length: int = 300) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT)
    )


def _area(label: Any, required: bool = False, rows: int = 4, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={**TEXT, "rows": rows}),
    )


def _year(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=NUMBER)
    )


def _pick(label: Any, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, coerce=int, required=required, empty_value=None, widget=forms.Select(attrs=SELECT)
    )


def _choices(rows: Sequence[Any], blank: bool = False) -> list[tuple[Any, str]]:
    return ([("", "—")] if blank else []) + [(r.pk, str(r)) for r in rows]


class MovementForm(VersionedFormMixin, forms.Form):
    name = _text(_("Name of the movement"), required=True)
    theme = _text(_("Theme"))
    kind = forms.ChoiceField(
        label=_("Kind of emulation"), choices=MovementKind.choices, widget=forms.Select(attrs=SELECT)
    )
    year_from = _year(_("From year"))
    year_to = _year(_("To year"))
    launch_number = _text(_("Launching document number"), max_length=60)
    launch_date = DateField(label=_("Launched on"), required=False)
    launch_issuer = _text(_("Launched by"), max_length=200)
    goals = _area(_("Goals"))
    content = _area(_("Contents"))
    criteria_text = _area(_("Criteria of evaluation"))
    participants = forms.TypedMultipleChoiceField(
        label=_("Units taking part"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    all_staff = forms.BooleanField(
        label=_("All staff of the units take part"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, units: Sequence[Any], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["participants"]).choices = [(u.pk, u.name) for u in units]
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class PlanForm(VersionedFormMixin, forms.Form):
    year = _year(_("Year"))
    title = _text(_("Title of the plan"), required=True)
    document_number = _text(_("Plan document number"), max_length=60)
    document_date = DateField(label=_("Plan dated"), required=False)
    content = _area(_("Contents of the year"), rows=5)
    registration_deadline = DateField(label=_("Register by"), required=False)
    interim_review_on = DateField(label=_("Interim review on"), required=False)
    final_review_on = DateField(label=_("Final review on"), required=False)
    version = VersionField(required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class RegistrationForm(VersionedFormMixin, forms.Form):
    org_unit = _pick(_("Unit"))
    commitments = _area(
        _("The unit's commitments"),
        required=True,
        rows=6,
        help_text=_("The targets and contents the unit commits to in the year."),
    )
    collective_title = _pick(_("Title aimed for by the unit"), required=False)
    version = VersionField(required=False)

    def __init__(self, *args: Any, units: Sequence[Any] | None, titles: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["collective_title"]).choices = _choices(titles, blank=True)
        if units is None:  # editing
            del self.fields["org_unit"]
            self.fields["version"].required = True
        else:
            cast(Any, self.fields["org_unit"]).choices = [(u.pk, u.name) for u in units]
            del self.fields["version"]


class LineForm(forms.Form):
    staff = _pick(_("Staff member"))
    title = _pick(_("Title aimed for"))
    form = _pick(_("Form of commendation aimed for (optional)"), required=False)
    initiative_topic = _text(_("Initiative topic (optional)"))

    def __init__(
        self,
        *args: Any,
        staff: Sequence[Any],
        titles: Sequence[Any],
        forms_: Sequence[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["staff"]).choices = [
            (s.pk, f"{s.full_name}{' · ' + s.position if s.position else ''}") for s in staff
        ]
        cast(Any, self.fields["title"]).choices = _choices(titles)
        cast(Any, self.fields["form"]).choices = _choices(forms_, blank=True)


class VersionOnlyForm(VersionedFormMixin, forms.Form):
    version = VersionField()


class ReasonForm(VersionedFormMixin, forms.Form):
    reason = _area(_("Reason"), required=True, rows=3)
    version = VersionField()


class TaskForm(VersionedFormMixin, forms.Form):
    org_unit = _pick(_("Division"))
    year = _year(_("Year"))
    title = _text(_("Task"), required=True)
    document = _text(_("Document to issue"), required=True)
    source = _text(_("Assigned by (document)"), max_length=200)
    deadline = DateField(label=_("Deadline"))
    note = _area(_("Note"), rows=2)
    version = VersionField(required=False)

    def __init__(self, *args: Any, units: Sequence[Any] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["org_unit"]
            self.fields["version"].required = True
        else:
            cast(Any, self.fields["org_unit"]).choices = [(u.pk, u.name) for u in units]
            del self.fields["version"]


class IssueForm(VersionedFormMixin, forms.Form):
    issued_on = DateField(label=_("Issued on"))
    document_number = _text(_("Number of the document issued"), required=True, max_length=60)
    version = VersionField()
