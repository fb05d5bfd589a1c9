from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.roles import Role
from giamngheo.core.forms import SELECT, TEXT, DateField
from giamngheo.core.models import ExportKind
from giamngheo.geo.models import Area
from giamngheo.org.models import OrgUnit


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[a-z0-9._-]+$",
        error_messages={
            "invalid": _("Use lower-case letters without diacritics, digits, dots, hyphens or underscores.")
        },
        widget=forms.TextInput(attrs={**TEXT, "autocapitalize": "none"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs=TEXT))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.Select(attrs=SELECT))
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs=TEXT))
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    scope_areas = forms.ModelMultipleChoiceField(
        label=_("Areas in scope"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 8}),
        help_text=_("The user sees these units and everything below them. Hold Ctrl to choose several."),
    )
    scope_org_units = forms.ModelMultipleChoiceField(
        label=_("Org units in scope"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters, letters and digits. When editing, leave empty to keep the password."
        ),
    )

    def __init__(
        self, *args: Any, areas: QuerySet[Any], org_units: QuerySet[Any], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope_areas"].queryset = areas  # type: ignore[attr-defined]
        self.fields["scope_org_units"].queryset = org_units  # type: ignore[attr-defined]
        self.editing = editing
        if editing:
            self.fields["username"].disabled = True
        else:
            self.fields["password"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role == Role.COMMUNE_OFFICER and not data.get("scope_areas"):
            self.add_error("scope_areas", _("A commune officer must have at least one commune in scope."))
        return data


class ActionField(forms.ChoiceField):
    """The actions offered by their labels; a code prefix from a link ("households.") is accepted too."""

    def valid_value(self, value: str) -> bool:
        return super().valid_value(value) or bool(re.fullmatch(r"[a-z_]+(\.[a-z_]*)*", value))


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("Object, user or action")}),
    )
    action = ActionField(label=_("Action"), required=False, choices=(), widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .audit_labels import action_choices

        self.fields["action"].choices = [("", _("All actions")), *action_choices()]  # type: ignore[attr-defined]

    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)


EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "Excel (xlsx)"), ("docx", "Word (docx)"), ("pdf", "PDF")]


class _DateRange(forms.Form):
    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)


class ExportLogFilterForm(_DateRange):
    username = forms.CharField(
        label=_("Username"), required=False, max_length=150, widget=forms.TextInput(attrs=TEXT)
    )
    kind = forms.ChoiceField(
        label=_("Data"),
        required=False,
        choices=[("", _("All kinds of data")), *ExportKind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    fmt = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats")), *EXPORT_FORMATS],
        widget=forms.Select(attrs=SELECT),
    )
    field_order = ["username", "kind", "fmt", "date_from", "date_to"]


class SigninFailureFilterForm(_DateRange):
    username = forms.CharField(
        label=_("Username tried"), required=False, max_length=150, widget=forms.TextInput(attrs=TEXT)
    )
    field_order = ["username", "date_from", "date_to"]
