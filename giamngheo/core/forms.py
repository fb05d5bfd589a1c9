"""Form fields and widgets every app uses the same way (decision 0020).

- A date is typed as dd/mm/yyyy in a text input (``DateField`` / ``DateInput``): no native picker, which
  shows the month first on many phones; ISO dates (yyyy-mm-dd, from a script or a browser) are read too.
- An amount of money is whole đồng, shown grouped ("1.200.000") and read back however it is typed
  (``MoneyField`` / ``MoneyInput``).
- A field with an error is marked (``is-invalid``, ``aria-invalid``) by the project's form renderer.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# Bootstrap classes of the widgets (the templates render fields as they are).
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
NUMBER = {"class": "form-control", "inputmode": "numeric"}
CHECK = {"class": "form-check-input"}
DATE = {"class": "form-control", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"}

# The formats a date is read in: the Vietnamese way first, then ISO.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_PATTERN = r"\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*"


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy in a text input (never the browser's picker, which shows the month first
    on many phones)."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            **DATE,
            "pattern": DATE_PATTERN,
            "maxlength": "10",
            "autocomplete": "off",
            "title": _("Day/month/year, e.g. 25/11/2026"),
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class DateField(forms.DateField):
    """A date read as dd/mm/yyyy (or yyyy-mm-dd), typed in ``DateInput``."""

    widget = DateInput
    input_formats = DATE_INPUT_FORMATS

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class MoneyInput(forms.TextInput):
    """An amount in đồng, shown grouped the Vietnamese way ("1.200.000", never "1200000")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "class": "form-control",
            "inputmode": "numeric",
            "placeholder": "1.500.000",
            "autocomplete": "off",
        }
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            return str(formats.number_format(int(value), force_grouping=True))
        if isinstance(value, str) and value.strip().isdigit():
            return str(formats.number_format(int(value), force_grouping=True))
        return super().format_value(value)  # type: ignore[no-any-return]


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
        kwargs.setdefault("widget", MoneyInput())
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


# Fields with errors -----------------------------------------------------------------------------------------


class FormRenderer(DjangoTemplates):
    """The project's form renderer (``FORM_RENDERER``): a field with an error gets the ``is-invalid`` class
    (Bootstrap's red border) and ``aria-invalid="true"``, in every form, however its template renders it."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and widget.get("attrs", {}).get("aria-invalid") == "true":
            attrs = widget["attrs"]
            classes = attrs.get("class", "")
            if "is-invalid" not in classes.split():
                attrs["class"] = f"{classes} is-invalid".strip()
        return super().render(template_name, context, request)
