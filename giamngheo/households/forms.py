"""Forms of the registry. They parse and present input; the services decide what may be saved.

Uniqueness (household code per commune, national ID) and the commune/village rule are checked by the
services, whose ``ValidationFailed`` errors ``core.views.submit`` puts next to the field: the model forms
below therefore skip Django's own uniqueness checks (``validate_unique``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.forms import BoundField
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, DATE, SELECT, TEXT
from giamngheo.geo.models import Area
from giamngheo.geo.selectors import current_year
from giamngheo.poverty.standard import Standard, StandardError, standard_for

from .models import Household, Member
from .reference import Category, Device, national_id_problem
from .selectors import HouseholdFilters

if TYPE_CHECKING:
    HouseholdModelForm = forms.ModelForm[Household]
    MemberModelForm = forms.ModelForm[Member]
else:
    HouseholdModelForm = forms.ModelForm
    MemberModelForm = forms.ModelForm

# The 2022–2026 standard (Decree 07/2021) is the one whose indicator keys the registry stores.
LAST_YEAR_OF_CURRENT_STANDARD = 2026


def indicator_standard() -> Standard:
    """The national standard of this year, or the 2022–2026 one when none governs it."""
    try:
        return standard_for(current_year())
    except StandardError:
        return standard_for(LAST_YEAR_OF_CURRENT_STANDARD)


def indicator_names() -> dict[str, str]:
    """Indicator key -> its name in the interface language."""
    vi = (get_language() or "vi").startswith("vi")
    return {i.key: i.name_vi if vi else i.name_en for i in indicator_standard().indicators}


# --- Field groups -----------------------------------------------------------------------------------


@dataclass
class FormSection:
    """Some fields of a form, shaped like a form for ``includes/form.html`` (one card per section)."""

    title: Any
    fields: list[BoundField]
    errors: list[Any] = field(default_factory=list)
    hidden: list[BoundField] = field(default_factory=list)

    def non_field_errors(self) -> list[Any]:
        return self.errors

    def hidden_fields(self) -> list[BoundField]:
        return self.hidden

    def visible_fields(self) -> list[BoundField]:
        return self.fields


def _sections(form: forms.BaseForm, layout: Sequence[tuple[Any, Iterable[str]]]) -> list[FormSection]:
    """The form's fields in titled groups; the form-wide errors and hidden fields go with the first."""
    sections: list[FormSection] = []
    for title, names in layout:
        bound = [form[name] for name in names if name in form.fields]
        if not bound:
            continue
        first = not sections
        sections.append(
            FormSection(
                title=title,
                fields=bound,
                errors=list(form.non_field_errors()) if first else [],
                hidden=list(form.hidden_fields()) if first else [],
            )
        )
    return sections


# --- Fields -----------------------------------------------------------------------------------------

GROUPED_NUMBER = re.compile(r"^\d{1,3}(?:[., ]\d{3})+$")


class MoneyField(forms.IntegerField):
    """Integer đồng; accepts "1.500.000", "1,500,000" or "1500000" (and a trailing "đ")."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip().removesuffix("đ").removesuffix("VND").strip()
            if GROUPED_NUMBER.match(value):
                value = re.sub(r"[., ]", "", value)
        return super().to_python(value)


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 .-]{6,18}$", _("Enter a phone number: digits, optionally with spaces or dots.")
)


def _null_boolean() -> forms.NullBooleanSelect:
    return forms.NullBooleanSelect(attrs=SELECT)


class SkipUniqueCheckMixin:
    """The services check uniqueness (with clear messages next to the field): the model form must not
    answer first with Django's generic one."""

    def validate_unique(self) -> None:
        return None


# --- Household list filters -------------------------------------------------------------------------


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={**TEXT, "placeholder": _("Name, household code or ID number"), "type": "search"}
        ),
        help_text=_("Without diacritics works too: “nguyen van a” finds “Nguyễn Văn A”."),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("All communes"),
        widget=forms.Select(attrs=SELECT),
    )
    village = forms.ModelChoiceField(
        label=_("Village"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("All villages"),
        widget=forms.Select(attrs=SELECT),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), ("none", _("Not classified")), *Category.choices],
        widget=forms.Select(attrs=SELECT),
    )
    ethnic_minority = forms.ChoiceField(
        label=_("Ethnic minority"),
        required=False,
        choices=[("", _("All")), ("yes", _("Ethnic minority households")), ("no", _("Other households"))],
        widget=forms.Select(attrs=SELECT),
    )
    deprived = forms.ChoiceField(
        label=_("Lacks the indicator"), required=False, widget=forms.Select(attrs=SELECT)
    )
    difficult_village = forms.BooleanField(
        label=_("Especially difficult villages only"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )
    include_inactive = forms.BooleanField(
        label=_("Include inactive households"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )

    def __init__(
        self,
        *args: Any,
        communes: QuerySet[Area],
        villages_of: Callable[[Area], QuerySet[Area]],
        **kwargs: Any,
    ) -> None:
        """``communes``: the communes in the user's scope; ``villages_of(commune)``: its villages (scoped)."""
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        self.fields["commune"].widget.attrs.update(
            {
                "hx-get": reverse("households:village-options"),
                "hx-vals": '{"purpose": "filter"}',
                "hx-target": "#id_village",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["deprived"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *indicator_names().items(),
        ]
        # Villages are offered for the commune chosen (or the only commune in scope), never for a whole
        # province at once; a village of another commune is simply ignored.
        commune = self._chosen_commune(communes)
        self.fields["village"].queryset = (  # type: ignore[attr-defined]
            villages_of(commune) if commune is not None else Area.objects.none()
        )

    def _chosen_commune(self, communes: QuerySet[Area]) -> Area | None:
        raw = self.data.get("commune") if self.is_bound else None
        if raw:
            try:
                return communes.filter(pk=int(raw)).first()
            except (TypeError, ValueError):
                return None
        only = list(communes[:2])
        return only[0] if len(only) == 1 else None

    def filters(self) -> HouseholdFilters:
        """The filters of the valid fields (an invalid field is ignored rather than emptying the list)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        minority = data.get("ethnic_minority") or ""
        return HouseholdFilters(
            q=(data.get("q") or "").strip(),
            commune_id=data["commune"].pk if data.get("commune") else None,
            village_id=data["village"].pk if data.get("village") else None,
            category=data.get("category") or "",
            ethnic_minority={"yes": True, "no": False}.get(minority),
            deprived=data.get("deprived") or "",
            difficult_village=bool(data.get("difficult_village")),
            include_inactive=bool(data.get("include_inactive")),
        )


# --- Household create / edit ------------------------------------------------------------------------

HOUSEHOLD_LAYOUT: list[tuple[Promise, list[str]]] = [
    (
        _("Household"),
        ["commune", "village", "code", "address", "head_name", "phone", "ethnic_group", "is_active"],
    ),
    (
        _("Living conditions"),
        [
            "walls_durable",
            "columns_durable",
            "roof_durable",
            "floor_area_m2",
            "water_source",
            "latrine",
            "devices",
            "waste_handling",
            "income_per_capita",
            "no_working_capacity",
        ],
    ),
]


class HouseholdForm(SkipUniqueCheckMixin, HouseholdModelForm):
    """Create (with ``communes``) or edit (with ``instance``) a household.

    ``villages`` is every village the user may choose (scoped); the select lists those of the chosen
    commune. Whether the village belongs to the commune is checked by the service.
    """

    devices = forms.MultipleChoiceField(
        label=_("Information devices"),
        choices=Device.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    income_per_capita = MoneyField(
        label=_("Income per person per month (VND)"),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
        help_text=_("In đồng, e.g. 1.500.000."),
    )
    # Not a model field of the form (the service takes it separately), so that the model's (commune, code)
    # constraint is left to the service and its message next to the code.
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Area.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Household
        fields = [
            "village",
            "code",
            "address",
            "head_name",
            "phone",
            "ethnic_group",
            "is_active",
            "walls_durable",
            "columns_durable",
            "roof_durable",
            "floor_area_m2",
            "water_source",
            "latrine",
            "devices",
            "waste_handling",
            "income_per_capita",
            "no_working_capacity",
        ]
        localized_fields = ["floor_area_m2"]
        widgets = {
            "village": forms.Select(attrs=SELECT),
            "code": forms.TextInput(attrs=TEXT),
            "address": forms.TextInput(attrs=TEXT),
            "head_name": forms.TextInput(attrs=TEXT),
            "phone": forms.TextInput(attrs={**TEXT, "inputmode": "tel"}),
            "ethnic_group": forms.Select(attrs=SELECT),
            "is_active": forms.CheckboxInput(attrs=CHECK),
            "walls_durable": _null_boolean(),
            "columns_durable": _null_boolean(),
            "roof_durable": _null_boolean(),
            "floor_area_m2": forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
            "water_source": forms.Select(attrs=SELECT),
            "latrine": forms.Select(attrs=SELECT),
            "waste_handling": forms.Select(attrs=SELECT),
            "no_working_capacity": forms.CheckboxInput(attrs=CHECK),
        }
        help_texts = {
            "code": _("Unique within the commune."),
            "head_name": _("Updated automatically from the member recorded as head of household."),
            "floor_area_m2": _("Total floor area of the dwelling, e.g. 45,5."),
        }

    def __init__(
        self,
        *args: Any,
        villages: QuerySet[Area],
        communes: QuerySet[Area] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["phone"].validators.append(phone_validator)
        village_field: forms.ModelChoiceField[Area] = self.fields["village"]  # type: ignore[assignment]
        village_field.queryset = villages
        if editing:
            del self.fields["commune"]
            self.initial["version"] = self.instance.version
            commune: Area | None = self.instance.commune
        else:
            del self.fields["is_active"], self.fields["version"]
            assert communes is not None  # noqa: S101 - a programming error, not input
            commune_field: forms.ModelChoiceField[Area] = self.fields["commune"]  # type: ignore[assignment]
            commune_field.queryset = communes
            commune_field.widget.attrs.update(
                {
                    "hx-get": reverse("households:village-options"),
                    "hx-target": "#id_village",
                    "hx-swap": "innerHTML",
                }
            )
            commune = self._chosen_commune(communes)
        # The select lists the villages of the commune only; any village in scope validates, and the
        # service says clearly when it is not in the commune.
        shown = villages.filter(parent=commune) if commune is not None else villages.none()
        village_field.widget.choices = [
            ("", village_field.empty_label or ""),
            *((v.pk, v.name) for v in shown),
        ]

    def _chosen_commune(self, communes: QuerySet[Area]) -> Area | None:
        raw: Any = self.data.get("commune") if self.is_bound else self.initial.get("commune")
        if raw:
            try:
                return communes.filter(pk=int(getattr(raw, "pk", raw))).first()
            except (TypeError, ValueError):
                return None
        return None

    def clean_code(self) -> str:
        return str(self.cleaned_data.get("code") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "version" in self.fields and data.get("version") is None:
            raise forms.ValidationError(
                _("The form is incomplete: reload the page and enter your changes again.")
            )
        return data

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the service takes (the commune and version are passed separately)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in {"commune", "version"}}

    def sections(self) -> list[FormSection]:
        return _sections(self, HOUSEHOLD_LAYOUT)


# --- Member add / edit ------------------------------------------------------------------------------

MEMBER_LAYOUT: list[tuple[Promise, list[str]]] = [
    (
        _("Person"),
        ["full_name", "sex", "date_of_birth", "relationship", "national_id", "ethnic_group", "is_active"],
    ),
    (
        _("Health, schooling and work"),
        [
            "has_health_insurance",
            "in_education",
            "attending_appropriate_level",
            "education",
            "employment",
            "uses_internet",
        ],
    ),
    (_("Social protection"), ["disabled", "monthly_social_allowance"]),
    (_("Children under 16"), ["stunted", "underweight"]),
]


class MemberForm(SkipUniqueCheckMixin, MemberModelForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Member
        fields = [
            "full_name",
            "sex",
            "date_of_birth",
            "relationship",
            "national_id",
            "ethnic_group",
            "is_active",
            "has_health_insurance",
            "in_education",
            "attending_appropriate_level",
            "education",
            "employment",
            "disabled",
            "monthly_social_allowance",
            "stunted",
            "underweight",
            "uses_internet",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs=TEXT),
            "sex": forms.Select(attrs=SELECT),
            "date_of_birth": forms.DateInput(attrs=DATE),
            "relationship": forms.Select(attrs=SELECT),
            "national_id": forms.TextInput(attrs={**TEXT, "inputmode": "numeric", "autocomplete": "off"}),
            "ethnic_group": forms.Select(attrs=SELECT),
            "is_active": forms.CheckboxInput(attrs=CHECK),
            "has_health_insurance": _null_boolean(),
            "in_education": _null_boolean(),
            "attending_appropriate_level": _null_boolean(),
            "education": forms.Select(attrs=SELECT),
            "employment": forms.Select(attrs=SELECT),
            "disabled": forms.CheckboxInput(attrs=CHECK),
            "monthly_social_allowance": forms.CheckboxInput(attrs=CHECK),
            "stunted": _null_boolean(),
            "underweight": _null_boolean(),
            "uses_internet": _null_boolean(),
        }
        labels = {"national_id": _("National ID number (CCCD)")}
        help_texts = {
            "date_of_birth": _("dd/mm/yyyy"),
            "national_id": _("12 digits. Leave empty if the person has none yet."),
            "attending_appropriate_level": _("For children of school age."),
            "employment": _("Wage work: say whether there is a labour contract."),
            "stunted": _("Only for children under 16."),
            "underweight": _("Only for children under 16."),
            "is_active": _("Untick when the person has left the household or died."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version
        else:
            del self.fields["is_active"], self.fields["version"]
        self.fields["national_id"].max_length = None  # type: ignore[attr-defined]
        self.fields["national_id"].validators = []  # the service explains what is wrong with a number

    def clean_national_id(self) -> str | None:
        number = "".join(str(self.cleaned_data.get("national_id") or "").split())
        if not number:
            return None
        # The form of the number here; whether it fits the date of birth and sex, and whether it is
        # already recorded, the service checks.
        problem = national_id_problem(number)
        if problem:
            raise forms.ValidationError(problem)
        return number

    def clean_date_of_birth(self) -> dt.date | None:
        born: dt.date | None = self.cleaned_data.get("date_of_birth")
        if born is not None and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born is not None and born.year < 1900:
            raise forms.ValidationError(_("Check the year of birth."))
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "version" in self.fields and data.get("version") is None:
            raise forms.ValidationError(
                _("The form is incomplete: reload the page and enter your changes again.")
            )
        return data

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def sections(self) -> list[FormSection]:
        return _sections(self, MEMBER_LAYOUT)
