from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import NUMBER, SELECT, TEXT, DateField, DateInput, MoneyField
from giamngheo.core.versioning import VersionedFormMixin, VersionField
from giamngheo.geo.models import Area
from giamngheo.households.models import Household
from giamngheo.households.reference import Category

from .models import AssessmentStatus, RequestKind, Source, Step


def date_input() -> forms.DateInput:
    """The project's date input (dd/mm/yyyy typed, no native picker): ``core.forms.DateInput``."""
    return DateInput()


def _today() -> Any:
    return timezone.localdate()


# Rounds -----------------------------------------------------------------------------------------------------


class RoundForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Area.objects.none(), widget=forms.Select(attrs=SELECT), empty_label=None
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2021,
        max_value=2100,
        widget=forms.NumberInput(attrs=NUMBER),
        help_text=_(
            "The lists decided by the review apply from 1 January of the following year: the round "
            "classifies by the standards in force on that day (provisional rule; the province can change "
            "it, with a reason, before the survey starts)."
        ),
    )
    starts_on = DateField(
        label=_("Starts on"),
        required=False,
        help_text=_("Leave empty for 1 September of the year (Decision 24/2021/QĐ-TTg)."),
    )
    ends_on = DateField(
        label=_("Ends on"),
        required=False,
        help_text=_("Leave empty for 14 December of the year."),
    )

    def __init__(self, *args: Any, provinces: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


class RoundStandardForm(forms.Form):
    standard_year = forms.TypedChoiceField(
        label=_("Apply the standards in force on 1 January of"),
        coerce=int,
        choices=(),
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text=_("Shown on the round's page and kept in the audit trail."),
    )

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard_year"].choices = years  # type: ignore[attr-defined]


class CommuneReviewFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("Commune name or code")}),
    )
    step = forms.TypedChoiceField(
        label=_("Step completed"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any step")), *Step.choices],
        widget=forms.Select(attrs=SELECT),
    )


class ReopenForm(forms.Form):
    to_step = forms.TypedChoiceField(
        label=_("Back to the end of step"), coerce=int, choices=(), widget=forms.Select(attrs=SELECT)
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text=_("Recorded in the audit trail and shown to the commune."),
    )

    def __init__(self, *args: Any, current_step: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lowest = Step.RECOGNITION if current_step >= Step.RECOGNITION else Step.NOT_STARTED
        self.fields["to_step"].choices = [  # type: ignore[attr-defined]
            (s.value, f"{s.value}. {s.label}") for s in Step if lowest <= s < current_step
        ]


# The commune's review ---------------------------------------------------------------------------------------


class AssessmentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("Household code or head's name")}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            *AssessmentStatus.choices,
            ("back_to_survey", _("Back to survey (below 50 %)")),
        ],
        widget=forms.Select(attrs=SELECT),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All")), *Source.choices],
        widget=forms.Select(attrs=SELECT),
    )


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a household"),
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("Household code, name or ID number")}),
    )


class RequestAddForm(forms.Form):
    household = forms.ModelChoiceField(queryset=Household.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, households: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]


class VersionedForm(VersionedFormMixin, forms.Form):
    """A form that edits a versioned row: the version it was opened at is required (decision 0009)."""

    version = VersionField()


class ScreeningForm(VersionedForm):
    passed = forms.TypedChoiceField(
        label=_("Form A result"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Eligible for the full survey (form B)")), ("0", _("Not eligible"))],
        widget=forms.RadioSelect,
    )


class SurveyForm(VersionedForm):
    income_per_capita = MoneyField(
        label=_("Income per person per month (đồng)"),
        help_text=_("Total income of the household over 12 months, divided by 12 and by its members."),
    )
    surveyed_on = DateField(label=_("Surveyed on"), initial=_today)


class MeetingForm(VersionedForm):
    attendance = forms.IntegerField(
        label=_("Attendance"), min_value=1, widget=forms.NumberInput(attrs=NUMBER)
    )
    votes_for = forms.IntegerField(
        label=_("Votes in favour"), min_value=0, widget=forms.NumberInput(attrs=NUMBER)
    )
    decided_category = forms.ChoiceField(
        label=_("Category decided by the meeting"),
        choices=Category.choices,
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(
        label=_("Reason (required when different from the standard's result)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        votes, attendance = data.get("votes_for"), data.get("attendance")
        if votes is not None and attendance is not None and votes > attendance:
            self.add_error("votes_for", _("Votes in favour cannot exceed the attendance."))
        return data


class VillageMeetingForm(VersionedForm):
    """The record of one village meeting (Decision 24/2021): date, place, chair, secretary, attendance."""

    held_on = DateField(label=_("Meeting date"))
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. the village cultural house")}),
    )
    chair = forms.CharField(
        label=_("Chaired by"),
        max_length=150,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
        help_text=_("Name and title, e.g. the head of the village."),
    )
    secretary = forms.CharField(
        label=_("Secretary"), required=False, max_length=150, widget=forms.TextInput(attrs=TEXT)
    )
    attendance = forms.IntegerField(
        label=_("Attendance"),
        min_value=1,
        widget=forms.NumberInput(attrs={**NUMBER, "inputmode": "numeric"}),
        help_text=_("Representatives of households present; each household's vote counts against it."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        """``editing``: the meeting is recorded already (its version is required); a new record has none."""
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]


class PostingCompleteForm(forms.Form):
    """The posting's dates; it is closed on or after its last day."""

    posting_from = DateField(label=_("Posted from"))
    posting_to = DateField(label=_("Posted until"))


class RecogniseForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": "123/QĐ-UBND"}),
    )
    decision_date = DateField(label=_("Decision date"))


class ComplaintForm(forms.Form):
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    received_on = DateField(label=_("Received on"), initial=_today)
    household_code = forms.CharField(
        label=_("Household concerned (code)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Optional: the code of the household the complaint is about."),
    )


class ComplaintResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    resolved_on = DateField(label=_("Resolved on"), initial=_today)


# Regular (in-year) requests --------------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("Household code or head's name")}),
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("pending", _("Pending")),
            ("overdue", _("Overdue")),
            ("decided", _("Decided")),
        ],
        widget=forms.Select(attrs=SELECT),
    )


class RequestFileForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Request"), choices=RequestKind.choices, widget=forms.Select(attrs=SELECT)
    )
    filed_on = DateField(label=_("Filed on"), initial=_today)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class RequestDecideForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        widget=forms.RadioSelect,
    )
    decided_on = DateField(label=_("Decided on"), initial=_today)
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": "45/QĐ-UBND"}),
        help_text=_("Required to approve."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
        help_text=_("For a refusal, the reason given to the household in writing."),
    )
