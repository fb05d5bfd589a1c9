from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.accounts.models import User
from giamngheo.core.forms import DateField


class TokenForm(forms.Form):
    """A new token: its name, an optional expiry, and the user's password (a token is a credential: it is
    only issued to the person at the keyboard)."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “province data warehouse”."),
    )
    expires_on = DateField(label=_("Expires on"), required=False, help_text=_("Leave empty: no expiry."))
    password = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
