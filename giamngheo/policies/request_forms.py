"""Forms of the requests on record for demand-driven policies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import Policy, RequestStatus


class RequestForm(forms.Form):
    """A household's request (from its card): one of the demand-driven policies it may get."""

    policy = forms.ModelChoiceField(
        label=_("Policy"),
        queryset=Policy.objects.none(),
        to_field_name="code",
        widget=forms.Select(attrs=SELECT),
    )
    requested_on = DateField(label=_("Date requested"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )

    def __init__(self, *args: Any, policies: list[Policy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Policy]", self.fields["policy"])
        field.queryset = Policy.objects.filter(pk__in=[p.pk for p in policies]).order_by("area", "code")
        self.fields["requested_on"].initial = timezone.localdate()


DECISION_CHOICES = [
    (RequestStatus.APPROVED.value, RequestStatus.APPROVED.label),
    (RequestStatus.REFUSED.value, RequestStatus.REFUSED.label),
    (RequestStatus.WITHDRAWN.value, _("Withdrawn by the household")),
]


class DecisionForm(VersionedFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.Select(attrs=SELECT)
    )
    decided_on = DateField(label=_("Date of the decision"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()


class RequestFilterForm(forms.Form):
    commune = forms.TypedChoiceField(
        label=_("Commune"), required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    policy = forms.ChoiceField(label=_("Policy"), required=False, widget=forms.Select(attrs=SELECT))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *RequestStatus.choices],
        widget=forms.Select(attrs=SELECT),
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )
    q = forms.CharField(
        label=_("Household code or head"), required=False, max_length=100, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, communes: Iterable[Any], policies: list[Policy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commune = cast(forms.TypedChoiceField, self.fields["commune"])
        commune.choices = [("", _("All communes")), *((c.pk, c.name) for c in communes)]
        policy = cast(forms.ChoiceField, self.fields["policy"])
        policy.choices = [("", _("All")), *((p.code, f"{p.code} · {p.name}") for p in policies)]
