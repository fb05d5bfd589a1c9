from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import credentials


class ConnectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    commune: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Commune"), queryset=None)
    base_url = forms.URLField(
        label=_("ODK Central address"),
        max_length=300,
        assume_scheme="https",
        help_text=_("For example https://odk.example.gov.vn"),
    )
    project_id = forms.IntegerField(label=_("Project number"), min_value=1, max_value=2_000_000_000)
    form_id = forms.CharField(
        label=_("Form ID"), max_length=255, help_text=_("The form's xmlFormId, as ODK Central shows it.")
    )
    email = forms.EmailField(label=_("Account e-mail"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Kept encrypted and never shown again. Leave empty to keep the stored password."),
    )
    password_env = forms.CharField(
        label=_("Or: environment variable holding the password"),
        required=False,
        max_length=100,
        help_text=format_lazy(
            _("A variable of the server whose name starts with {prefix}."), prefix=credentials.ENV_PREFIX
        ),
    )

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name == "commune" else "form-control")
        if communes.count() == 1:
            self.fields["commune"].empty_label = None  # type: ignore[attr-defined]
            self.fields["commune"].initial = communes.first()

    def clean_password_env(self) -> str:
        name = str(self.cleaned_data.get("password_env") or "").strip()
        if name and not credentials.valid_env_name(name):
            raise forms.ValidationError(
                _("Its name must start with %(prefix)s and hold only capital letters, digits and _.")
                % {"prefix": credentials.ENV_PREFIX}
            )
        return name

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "commune_id": data["commune"].pk,
            "base_url": data["base_url"],
            "project_id": data["project_id"],
            "form_id": data["form_id"],
            "email": data["email"],
            "password_env": data["password_env"],
        }
