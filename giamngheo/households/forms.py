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
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, DATE, SELECT, TEXT, DateField, DateInput, MoneyField
from giamngheo.core.versioning import VersionedFormMixin, VersionField
from giamngheo.core.views import parse_id
from giamngheo.geo.models import Area
from giamngheo.geo.selectors import current_year
from giamngheo.poverty.standard import Standard, StandardError, standard_for

from .facts import (
    BY_NAME,
    HOUSEHOLD_FACT_NAMES,
    HOUSEHOLD_FACTS,
    MEMBER_FACT_NAMES,
    MEMBER_FACTS,
    Fact,
    in_section,
)
from .models import Household, Member
from .reference import Category, Device, national_id_problem, poverty_causes
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

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 .-]{6,18}$", _("Enter a phone number: digits, optionally with spaces or dots.")
)


class TriStateSelect(forms.NullBooleanSelect):
    """Yes / No / Not known: a fact never asked stays "not known" (it is the first choice, so a new form
    does not guess)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", _("Not known")), ("true", _("Yes")), ("false", _("No"))]


def _null_boolean() -> forms.NullBooleanSelect:
    return TriStateSelect(attrs=SELECT)


def _fact_widgets(facts: Iterable[Fact]) -> dict[str, forms.Widget]:
    """The widget of each fact the model form builds (the others are declared fields of the form)."""
    widgets: dict[str, forms.Widget] = {}
    for fact in facts:
        if fact.kind == "tri_state":
            widgets[fact.name] = _null_boolean()
        elif fact.kind == "flag":
            widgets[fact.name] = forms.CheckboxInput(attrs=CHECK)
        elif fact.kind == "choice":
            widgets[fact.name] = forms.Select(attrs=SELECT)
        elif fact.kind == "decimal":
            widgets[fact.name] = forms.TextInput(attrs={**TEXT, "inputmode": "decimal"})
    return widgets


def _fact_labels(facts: Iterable[Fact]) -> dict[str, Any]:
    return {fact.name: capfirst(fact.label) for fact in facts}


def _fact_help_texts(facts: Iterable[Fact]) -> dict[str, Any]:
    return {fact.name: fact.help_text for fact in facts if fact.help_text}


YEAR_ONLY = re.compile(r"^\d{4}$")


class BirthDateField(forms.CharField):
    """A full date of birth (dd/mm/yyyy) or the year alone ("1975"), as the commune's lists give it.
    Cleans to ``(date, year_only)``: a year alone is 1 January of that year, marked as year only."""

    default_error_messages = {
        "invalid": _("Enter the date of birth as dd/mm/yyyy, or the year alone (e.g. 1975)."),
    }

    def to_python(self, value: Any) -> tuple[dt.date, bool] | None:  # type: ignore[override]
        if isinstance(value, dt.date):
            return value, False
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        if YEAR_ONLY.match(text):
            return dt.date(int(text), 1, 1), True
        try:
            born = DateField().to_python(text)
        except forms.ValidationError:
            born = None
        if born is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return born, False


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
            commune_id = parse_id(raw)
            return communes.filter(pk=commune_id).first() if commune_id is not None else None
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
        [
            "commune",
            "village",
            "code",
            "address",
            "head_name",
            "phone",
            "ethnic_group",
            *in_section("household", "household"),
            "is_active",
        ],
    ),
    (
        _("Living conditions"),
        # The "asked?" answer of the devices goes just before them.
        [
            name
            for fact in in_section("household", "living")
            for name in (["devices_state"] if fact == "devices" else []) + [fact]
        ],
    ),
    (_("Circumstances"), [*in_section("household", "circumstances"), "note"]),
]

# The three answers about information devices: never asked, asked and owns none, asked and owns some.
DEVICES_UNKNOWN, DEVICES_NONE, DEVICES_SOME = "unknown", "none", "some"


class HouseholdForm(VersionedFormMixin, SkipUniqueCheckMixin, HouseholdModelForm):
    """Create (with ``communes``) or edit (with ``instance``) a household.

    ``villages`` is every village the user may choose (scoped); the select lists those of the chosen
    commune. Whether the village belongs to the commune is checked by the service.
    """

    devices_state = forms.ChoiceField(
        label=_("Information devices: asked?"),
        choices=[
            (DEVICES_UNKNOWN, _("Not asked yet")),
            (DEVICES_NONE, _("Asked: owns none of these devices")),
            (DEVICES_SOME, _("Asked: owns the devices ticked below")),
        ],
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("“Not asked yet” keeps the indicator “not enough information”, never deprived."),
    )
    devices = forms.MultipleChoiceField(
        label=BY_NAME["devices"].label,
        choices=Device.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    poverty_causes = forms.MultipleChoiceField(
        label=BY_NAME["poverty_causes"].label,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
        help_text=BY_NAME["poverty_causes"].help_text,
    )
    declared_persons = forms.IntegerField(
        label=BY_NAME["declared_persons"].label,
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
        help_text=BY_NAME["declared_persons"].help_text,
    )
    income_per_capita = MoneyField(
        label=BY_NAME["income_per_capita"].label,
        required=False,
        help_text=BY_NAME["income_per_capita"].help_text,
    )
    # Not a model field of the form (the service takes it separately), so that the model's (commune, code)
    # constraint is left to the service and its message next to the code.
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Area.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    version = VersionField()  # required when editing (removed from a new record's form)

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
            *HOUSEHOLD_FACT_NAMES,
            "note",
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
            **_fact_widgets(HOUSEHOLD_FACTS),
            "note": forms.Textarea(attrs={**TEXT, "rows": 3}),
        }
        labels = _fact_labels(HOUSEHOLD_FACTS)
        help_texts = {
            "code": _("Unique within the commune."),
            "note": _("As written on the commune's list (“Ghi chú”), or anything worth knowing."),
            "head_name": _("Updated automatically from the member recorded as head of household."),
            **_fact_help_texts(HOUSEHOLD_FACTS),
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
        causes: forms.MultipleChoiceField = self.fields["poverty_causes"]  # type: ignore[assignment]
        causes.choices = poverty_causes()
        devices = self.instance.devices if editing else None
        self.initial.setdefault(
            "devices_state",
            DEVICES_UNKNOWN if devices is None else DEVICES_SOME if devices else DEVICES_NONE,
        )
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
            commune_id = parse_id(getattr(raw, "pk", raw))
            return communes.filter(pk=commune_id).first() if commune_id is not None else None
        return None

    def clean_code(self) -> str:
        return str(self.cleaned_data.get("code") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_devices(data)
        return data

    def _clean_devices(self, data: dict[str, Any]) -> None:
        """``devices``: None (never asked), [] (asked, owns none) or the devices ticked."""
        if "devices" not in data:
            return
        ticked = list(data.get("devices") or [])
        state = data.get("devices_state") or (DEVICES_SOME if ticked else DEVICES_UNKNOWN)
        if state == DEVICES_SOME and not ticked:
            self.add_error(
                "devices",
                _("Tick the devices the household owns, or choose “Asked: owns none of these devices”."),
            )
        elif state != DEVICES_SOME and ticked:
            self.add_error(
                "devices_state",
                _("Devices are ticked below: choose “Asked: owns the devices ticked below”, or untick them."),
            )
        else:
            data["devices"] = None if state == DEVICES_UNKNOWN else ticked

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the service takes (the commune and version are passed separately)."""
        return {
            k: v for k, v in self.cleaned_data.items() if k not in {"commune", "version", "devices_state"}
        }

    def sections(self) -> list[FormSection]:
        return _sections(self, HOUSEHOLD_LAYOUT)


# --- Member add / edit ------------------------------------------------------------------------------

MEMBER_LAYOUT: list[tuple[Promise, list[str]]] = [
    (
        _("Person"),
        ["full_name", "sex", "date_of_birth", "relationship", "national_id", "ethnic_group", "is_active"],
    ),
    (_("Health, schooling and work"), in_section("member", "health")),
    (_("Social protection"), in_section("member", "social")),
    (_("Children under 16"), in_section("member", "children")),
]


class MemberForm(VersionedFormMixin, SkipUniqueCheckMixin, MemberModelForm):
    version = VersionField()  # required when editing (removed from a new record's form)
    date_of_birth = BirthDateField(
        label=_("Date of birth"),
        widget=forms.TextInput(attrs={**DATE, "placeholder": "dd/mm/yyyy", "maxlength": "10"}),
        help_text=_("dd/mm/yyyy, or the year alone (e.g. 1975) when only the year is known."),
        error_messages={"required": _("Enter the date of birth, or the year of birth.")},
    )

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
            *MEMBER_FACT_NAMES,
        ]
        widgets = {
            "full_name": forms.TextInput(attrs=TEXT),
            "sex": forms.Select(attrs=SELECT),
            "date_of_birth": DateInput(),
            "relationship": forms.Select(attrs=SELECT),
            "national_id": forms.TextInput(attrs={**TEXT, "inputmode": "numeric", "autocomplete": "off"}),
            "ethnic_group": forms.Select(attrs=SELECT),
            "is_active": forms.CheckboxInput(attrs=CHECK),
            **_fact_widgets(MEMBER_FACTS),
        }
        labels = {"national_id": _("National ID number (CCCD)"), **_fact_labels(MEMBER_FACTS)}
        help_texts = {
            "national_id": _("12 digits. Leave empty if the person has none yet."),
            "is_active": _("Untick when the person has left the household or died."),
            **_fact_help_texts(MEMBER_FACTS),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version
            born = self.instance.date_of_birth
            self.initial["date_of_birth"] = (
                str(born.year) if self.instance.birth_year_only else born.strftime("%d/%m/%Y")
            )
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
        value: tuple[dt.date, bool] | None = self.cleaned_data.get("date_of_birth")
        born, year_only = value if value is not None else (None, False)
        self.cleaned_data["birth_year_only"] = year_only
        if born is not None and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born is not None and born.year < 1900:
            raise forms.ValidationError(_("Check the year of birth."))
        return born

    def clean(self) -> dict[str, Any]:
        return super().clean() or {}

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def sections(self) -> list[FormSection]:
        return _sections(self, MEMBER_LAYOUT)
