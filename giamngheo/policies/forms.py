"""The policy form: the catalogue fields, and the eligibility rule as structured fields (not raw JSON).

The form builds the rule's data (``rule()``) and fills itself from a policy's rule; ``services`` decide
what may be saved. Their errors name parts of the rule (``newly_escaped.months`` …): ``field_for`` says
which field of this form shows them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField
from giamngheo.households.forms import FormSection

from . import services
from .events import DISASTER_AFFECTED, HOUSE_DAMAGED
from .models import Frequency, Policy, PolicyArea, PolicyLevel

PROJECT_DATALIST = "policy-projects"
# Projects and sub-projects of the national target programme (QĐ 90/QĐ-TTg; shared/domain/legal-facts.md
# §4.2), offered as suggestions: the province may type another (e.g. a component of the 2026–2030 one).
PROGRAMME_PROJECTS = (
    "Dự án 1",
    "Dự án 1 – Tiểu dự án 1",
    "Dự án 1 – Tiểu dự án 2",
    "Dự án 2",
    "Dự án 3",
    "Dự án 3 – Tiểu dự án 1",
    "Dự án 3 – Tiểu dự án 2",
    "Dự án 4",
    "Dự án 4 – Tiểu dự án 1",
    "Dự án 4 – Tiểu dự án 2",
    "Dự án 4 – Tiểu dự án 3",
    "Dự án 5",
    "Dự án 6",
    "Dự án 6 – Tiểu dự án 1",
    "Dự án 6 – Tiểu dự án 2",
    "Dự án 7",
    "Dự án 7 – Tiểu dự án 1",
    "Dự án 7 – Tiểu dự án 2",
)

CATEGORY_CHOICES = [
    ("poor", _("Poor households")),
    ("near_poor", _("Near-poor households")),
    ("middle", _("Middle-living households")),
]
ESCAPED_CHOICES = [("poor", _("Escaped poverty")), ("near_poor", _("Escaped near-poverty"))]
PLACE_CHOICES = [
    ("difficult_commune", _("Especially difficult communes")),
    ("difficult_village", _("Especially difficult villages")),
    ("poor_commune", _("Poor communes")),
    ("rural", _("Rural areas")),
]
EVENT_CHOICES = [
    ("", _("No event needed")),
    (HOUSE_DAMAGED, _("House damaged by a disaster or a fire")),
    (DISASTER_AFFECTED, _("Affected by a disaster or an epidemic")),
]
ANY, YES, NO = "", "yes", "no"
TRI_STATE = [(ANY, _("Not considered")), (YES, _("Yes")), (NO, _("No"))]
FLAGS = services.RULE_FLAGS
# The rule's keys this form edits; any other key of a policy's rule is kept as it is.
RULE_KEYS = {
    "level",
    "categories",
    "newly_escaped",
    "difficult_area",
    "places",
    "needs_event",
    "needs_request",
    "age",
    "working_age",
    *FLAGS,
}
POLICY_FIELDS = tuple(name for name in services.POLICY_FIELDS if name != "rule")  # the rule: below
LAYOUT = (
    ("policy", _("Policy"), ("code", "name", "area", "legal_basis", "project", "benefit")),
    ("period", _("Period and frequency"), ("frequency", "valid_from", "valid_to", "is_active")),
    (
        "household",
        _("Who is entitled"),
        ("level", "categories", "escaped_from", "escaped_months", "difficult_area"),
    ),
    ("limits", _("Places, events and requests"), ("places", "needs_event", "needs_request")),
    (
        "member",
        _("Conditions on each member"),
        ("age_min", "age_max", "working_age", "in_education", "disabled", "ethnic_minority"),
    ),
    ("notes", _("Sources"), ("source_note",)),
)
# A service error on a part of the rule -> the field that shows it (None: above the form).
SERVICE_FIELDS: dict[str, str | None] = {
    "newly_escaped.from": "escaped_from",
    "newly_escaped.months": "escaped_months",
    "age": "age_min",
    "places": "places",
    "needs_event": "needs_event",
    "needs_request": "needs_request",
    "rule": None,
}


def _age_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=services.MAX_AGE,
        widget=forms.NumberInput(attrs=NUMBER),
    )


def _flag_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=TRI_STATE, widget=forms.Select(attrs=SELECT)
    )


def rule_initial(rule: dict[str, Any]) -> dict[str, Any]:
    """The structured fields' values for a rule's data."""
    escaped = rule.get("newly_escaped") or {}
    age = rule.get("age") or [None, None]
    initial: dict[str, Any] = {
        "categories": list(rule.get("categories", [])),
        "escaped_from": list(escaped.get("from", [])),
        "escaped_months": escaped.get("months"),
        "difficult_area": bool(rule.get("difficult_area")),
        "places": list(rule.get("places") or []),
        "needs_event": rule.get("needs_event") or "",
        "needs_request": bool(rule.get("needs_request")),
        "age_min": age[0],
        "age_max": age[1],
        "working_age": bool(rule.get("working_age")),
    }
    for name in FLAGS:
        initial[name] = ANY if name not in rule else YES if rule[name] else NO
    return initial


class PolicyForm(VersionedFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("Short and unique, e.g. H10. It cannot be changed later."),
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=_("Name"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    area = forms.ChoiceField(
        label=_("Policy area"), choices=PolicyArea.choices, widget=forms.Select(attrs=SELECT)
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        help_text=_("The documents and articles that set the policy."),
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )
    project = forms.CharField(
        label=_("Programme project"),
        required=False,
        max_length=255,
        help_text=_("The project or sub-project of the national target programme, if any."),
        widget=forms.TextInput(attrs={**TEXT, "list": PROJECT_DATALIST, "autocomplete": "off"}),
    )
    benefit = forms.CharField(
        label=_("Benefit"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    frequency = forms.ChoiceField(
        label=_("Given"), choices=Frequency.choices, widget=forms.Select(attrs=SELECT)
    )
    valid_from = DateField(label=_("Valid from"))
    valid_to = DateField(
        label=_("Valid to"),
        required=False,
        help_text=_("Leave empty while the policy is in force with no end date."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive policy is no longer counted or recorded."),
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    level = forms.ChoiceField(
        label=_("Given to"),
        choices=PolicyLevel.choices,
        help_text=_("Whole households, or some of their members (conditions on each member below)."),
        widget=forms.Select(attrs=SELECT),
    )
    categories = forms.MultipleChoiceField(
        label=_("Households in the category"),
        required=False,
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    escaped_from = forms.MultipleChoiceField(
        label=_("Or households that recently"),
        required=False,
        choices=ESCAPED_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    escaped_months = forms.IntegerField(
        label=_("Within (months)"),
        required=False,
        min_value=1,
        max_value=services.MAX_ESCAPED_MONTHS,
        help_text=_("How long after escaping a household stays entitled, e.g. 36."),
        widget=forms.NumberInput(attrs=NUMBER),
    )
    difficult_area = forms.BooleanField(
        label=_("Only in especially difficult communes or villages"),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    places = forms.MultipleChoiceField(
        label=_("Only in these places (any of them)"),
        required=False,
        choices=PLACE_CHOICES,
        help_text=_("Leave empty when the policy applies everywhere."),
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    needs_event = forms.ChoiceField(
        label=_("Only after an event on record"),
        required=False,
        choices=EVENT_CHOICES,
        help_text=_("E.g. housing support after a disaster: only households with the event recorded count."),
        widget=forms.Select(attrs=SELECT),
    )
    needs_request = forms.BooleanField(
        label=_("Only on request"),
        required=False,
        help_text=_(
            "Loans and other demand-driven support: only households whose request is recorded count."
        ),
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    age_min = _age_field(_("Age from"))
    age_max = _age_field(_("Age up to (inclusive)"))
    working_age = forms.BooleanField(
        label=_("Of working age"),
        required=False,
        help_text=_("From 15 to under 55 for women and under 60 for men (TT 152/2016/TT-BTC)."),
        widget=forms.CheckboxInput(attrs=CHECK),
    )
    in_education = _flag_field(_("In education"))
    disabled = _flag_field(_("Has a disability"))
    ethnic_minority = _flag_field(_("Ethnic minority"))
    source_note = forms.CharField(
        label=_("Sources and what is unconfirmed"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )

    project_datalist = PROJECT_DATALIST
    project_suggestions = PROGRAMME_PROJECTS

    version = VersionField()  # the version edited (removed from a new policy's form)

    def __init__(self, *args: Any, policy: Policy | None = None, **kwargs: Any) -> None:
        """``policy``: the policy being edited (its values fill the form; its code stays)."""
        self.policy = policy
        self.original_rule: dict[str, Any] = dict(policy.rule) if policy is not None else {}
        if policy is not None:
            kwargs["initial"] = {
                **{name: getattr(policy, name) for name in POLICY_FIELDS},
                **rule_initial(policy.rule),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if policy is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = policy.version
            code = self.fields["code"]
            code.disabled = True
            code.help_text = _("The code cannot be changed: support records refer to it.")

    def rule(self) -> dict[str, Any]:
        """The eligibility rule's data from the cleaned fields (keeping keys this form does not edit, and
        the bounds of a custom working age)."""
        data = self.cleaned_data
        rule: dict[str, Any] = {k: v for k, v in self.original_rule.items() if k not in RULE_KEYS}
        rule["level"] = data["level"]
        rule["categories"] = list(data["categories"])
        if data["escaped_from"] or data["escaped_months"] is not None:
            rule["newly_escaped"] = {"from": list(data["escaped_from"]), "months": data["escaped_months"]}
        if data["difficult_area"]:
            rule["difficult_area"] = True
        if data["places"]:
            rule["places"] = list(data["places"])
        if data["needs_event"]:
            rule["needs_event"] = data["needs_event"]
        if data["needs_request"]:
            rule["needs_request"] = True
        if data["age_min"] is not None or data["age_max"] is not None:
            rule["age"] = [data["age_min"], data["age_max"]]
        if data["working_age"]:
            custom = self.original_rule.get("working_age")
            rule["working_age"] = custom if isinstance(custom, dict) else True
        for name in FLAGS:
            if data[name] != ANY:
                rule[name] = data[name] == YES
        return rule

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in POLICY_FIELDS}
        if self.policy is not None:
            del data["code"]
        return {**data, "rule": self.rule()}

    def field_for(self, service_field: str | None) -> str | None:
        """The field that shows a service error about ``service_field`` (None: above the form)."""
        if service_field is None:
            return None
        name = SERVICE_FIELDS.get(service_field, service_field)
        return name if name in self.fields else None

    @property
    def sections(self) -> list[tuple[str, FormSection]]:
        """(key, fields) of each group, for the template; the form-wide errors go with the first."""
        return [
            (
                key,
                FormSection(
                    title=title,
                    fields=[self[name] for name in names],
                    errors=list(self.non_field_errors()) if key == "policy" else [],
                ),
            )
            for key, title, names in LAYOUT
        ]
