from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import SELECT, TEXT, DateField, DateInput
from giamngheo.geo.models import Area

from .models import OrgUnit, OrgUnitKind, Staff, StaffType

if TYPE_CHECKING:
    StaffModelForm = forms.ModelForm[Staff]
else:
    StaffModelForm = forms.ModelForm


class OrgUnitForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("The official name, e.g. Sở Nông nghiệp và Môi trường tỉnh Đồng Nai."),
    )
    short_name = forms.CharField(
        label=_("Short name"), max_length=80, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnitKind.choices, widget=forms.Select(attrs=SELECT))
    parent = forms.ModelChoiceField(
        label=_("Belongs to"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    area = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("Only for a department; other units take the province of their parent."),
    )
    legal_source = forms.CharField(
        label=_("Legal source"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    valid_from = DateField(label=_("Valid from"), required=False)
    valid_to = DateField(label=_("Valid to"), required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    address = forms.CharField(
        label=_("Address"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs=TEXT))

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], provinces: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units  # type: ignore[attr-defined]
        self.fields["area"].queryset = provinces  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == OrgUnitKind.DEPARTMENT and not data.get("parent") and not data.get("area"):
            self.add_error("area", _("Choose the province of the department."))
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date cannot be before the start date."))
        return data


class StaffForm(StaffModelForm):
    class Meta:
        model = Staff
        fields = [
            "full_name",
            "org_unit",
            "position",
            "staff_type",
            "sex",
            "date_of_birth",
            "email",
            "phone",
            "is_active",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs=TEXT),
            "org_unit": forms.Select(attrs=SELECT),
            "position": forms.TextInput(
                attrs={**TEXT, "placeholder": _("e.g. Chuyên viên, Phó Trưởng phòng")}
            ),
            "staff_type": forms.Select(attrs=SELECT),
            "sex": forms.Select(attrs=SELECT),
            "date_of_birth": DateInput(),
            "email": forms.EmailInput(attrs=TEXT),
            "phone": forms.TextInput(attrs=TEXT),
            "is_active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class StaffFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("Name, email or phone")}),
    )
    org_unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All units"),
        widget=forms.Select(attrs=SELECT),
    )
    staff_type = forms.ChoiceField(
        label=_("Staff type"),
        required=False,
        choices=[("", _("All types")), *StaffType.choices],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
