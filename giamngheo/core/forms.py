"""Form fields every app uses the same way."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Bootstrap classes of the widgets (the templates render fields as they are).
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
NUMBER = {"class": "form-control", "inputmode": "numeric"}
CHECK = {"class": "form-check-input"}
DATE = {"class": "form-control", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"}

# Digits, optionally grouped by three with dots, commas or spaces ("1.500.000", "2,000,000", "1 500 000").
GROUPED_AMOUNT = re.compile(r"^(\d+|\d{1,3}([.,\s\u00a0]\d{3})+)$")


class MoneyField(forms.CharField):
    """An amount in whole đồng, typed the Vietnamese way: "1500000", "1.500.000", "1 500 000",
    "2,000,000", "1.500.000 đ". A negative amount is refused with its own message."""

    default_error_messages = {
        "invalid": _("Enter an amount in đồng, e.g. 1.500.000."),
        "negative": _("The amount cannot be negative."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"class": "form-control", "inputmode": "numeric", "placeholder": "1.500.000"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        cleaned = re.sub(r"(?i)(đồng|vnđ|vnd|đ|₫)$", "", str(text).strip()).strip()
        if cleaned.startswith("-") and GROUPED_AMOUNT.match(cleaned[1:].strip()):
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if not GROUPED_AMOUNT.match(cleaned):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"\D", "", cleaned))
