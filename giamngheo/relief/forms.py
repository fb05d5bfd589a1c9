from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import accept
from giamngheo.core.forms import NUMBER, SELECT, TEXT, DateField, MoneyField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import ATTACHMENT_KINDS, HouseDamage, IncidentKind, SupportKind, SupportSource

TEXTAREA = {"class": "form-control", "rows": 3}


def _count(label: Any, required: bool = True, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=10**9,
        help_text=help_text,
        widget=forms.NumberInput(attrs=NUMBER),
    )


class IncidentForm(VersionedFormMixin, forms.Form):
    province = forms.TypedChoiceField(label=_("Province"), coerce=int, widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(
        label=_("Type of incident"), choices=IncidentKind.choices, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. Lũ lụt tháng 10/2026")}),
    )
    start_date = DateField(label=_("Start date"))
    end_date = DateField(label=_("End date"), required=False)
    communes = forms.TypedMultipleChoiceField(
        label=_("Affected communes"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    attachment = forms.FileField(
        label=_("Decision or report (scan)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": accept(ATTACHMENT_KINDS)}),
    )
    version = VersionField(required=False)

    def __init__(
        self,
        *args: Any,
        provinces: Sequence[Any],
        communes: Sequence[Any],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["communes"].choices = [(c.pk, c.name) for c in communes]  # type: ignore[attr-defined]
        if editing:
            del self.fields["province"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]
            self.fields["province"].choices = [(p.pk, p.name) for p in provinces]  # type: ignore[attr-defined]
            if len(provinces) == 1:
                self.fields["province"].initial = provinces[0].pk


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a household (code, head's name, ID number)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={**TEXT, "type": "search"}),
    )


HOUSE_CHOICES = [("", _("Unknown")), *HouseDamage.choices]


class AffectedForm(VersionedFormMixin, forms.Form):
    dead = _count(_("People dead"))
    injured = _count(_("People injured"))
    house = forms.ChoiceField(
        label=_("House"), choices=HOUSE_CHOICES, required=False, widget=forms.Select(attrs=SELECT)
    )
    crops_m2 = _count(_("Crops lost (m²)"), required=False, help_text=_("Leave empty if not known."))
    livestock = _count(_("Livestock lost (head)"), required=False, help_text=_("Leave empty if not known."))
    estimated_loss = MoneyField(
        label=_("Estimated loss (đồng)"), required=False, help_text=_("Leave empty if not known.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    version = VersionField(required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class SupportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of support"), choices=SupportKind.choices, widget=forms.Select(attrs=SELECT)
    )
    amount = MoneyField(
        label=_("Amount (đồng)"), required=False, help_text=_("For cash, and for goods whose value is known.")
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. kg")}),
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=SupportSource.choices, widget=forms.Select(attrs=SELECT)
    )
    given_on = DateField(label=_("Date given"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class VersionForm(forms.Form):
    version = VersionField()
