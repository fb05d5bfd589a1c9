from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import accept, kinds_text
from giamngheo.core.forms import NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import Field, Level
from .services import ATTACHMENT_KINDS, Outcome

MAX_AUTHORS = 10


def _file_field(required: bool = False) -> forms.FileField:
    field = forms.FileField(
        label=_("Evidence (a document or photo)"),
        required=required,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": accept(ATTACHMENT_KINDS)}),
    )
    field.help_text = gettext("%(kinds)s; at most %(max)s.") % {
        "kinds": kinds_text(ATTACHMENT_KINDS),
        "max": filesizeformat(int(settings.UPLOAD_MAX_BYTES["attachment"])),
    }
    return field


class RefusedSizeMixin:
    """A file refused while the body arrived (past the view's upload limit) is told next to the field."""

    refused_size = 0

    def _refused(self) -> None:
        if self.refused_size and "file" in self.fields:  # type: ignore[attr-defined]
            self.add_error(  # type: ignore[attr-defined]
                "file",
                gettext("The file is %(size)s; the largest accepted is %(max)s.")
                % {
                    "size": filesizeformat(self.refused_size),
                    "max": filesizeformat(int(settings.UPLOAD_MAX_BYTES["attachment"])),
                },
            )


class InitiativeForm(RefusedSizeMixin, VersionedFormMixin, forms.Form):
    org_unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={**NUMBER, "placeholder": "2026"}),
        help_text=_("The emulation year the initiative is submitted for."),
    )
    title = forms.CharField(
        label=_("Title of the initiative"), max_length=300, widget=forms.TextInput(attrs=TEXT)
    )
    field = forms.ChoiceField(
        label=_("Field of application"), choices=Field.choices, widget=forms.Select(attrs=SELECT)
    )
    problem = forms.CharField(
        label=_("The problem it solves"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    solution = forms.CharField(
        label=_("The solution (what is new, how it is applied)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 5}),
    )
    benefit = forms.CharField(
        label=_("The benefit obtained"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    applied_on = DateField(label=_("First applied on"), required=False)

    def __init__(
        self,
        *args: Any,
        units: Sequence[Any],
        editing: bool = False,
        refused_size: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        self.fields["org_unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        if editing:
            self.fields["version"] = VersionField()
        else:
            self.fields["file"] = _file_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._refused()
        return data


PERCENT = re.compile(r"^\d{1,3}([.,]\d{1,2})?$")


class PercentField(forms.CharField):
    """A share in %, typed "50", "33,33" or "33.33" (a trailing "%" is allowed)."""

    default_error_messages = {"invalid": _("Enter a percentage, e.g. 50 or 33,33.")}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        cleaned = str(text).strip().removesuffix("%").strip()
        if not PERCENT.match(cleaned):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return Decimal(cleaned.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class AuthorForm(forms.Form):
    staff = forms.TypedChoiceField(
        label=_("Staff member of the department"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}),
    )
    name = forms.CharField(
        label=_("or name (outside the department)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    share = PercentField(
        label=_("Contribution (%)"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "inputmode": "decimal",
                "placeholder": "50",
                "maxlength": "8",
            }
        ),
    )

    def __init__(self, *args: Any, staff: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(s.pk, f"{s.full_name} ({s.org_unit.short_name or s.org_unit.name})") for s in staff],
        ]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("staff") or (data.get("name") or "").strip() or data.get("share") is not None)


AuthorFormSet = forms.formset_factory(AuthorForm, extra=0, max_num=MAX_AUTHORS, absolute_max=MAX_AUTHORS)


def author_formset(
    data: Any, *, staff: Sequence[Any], initial: list[dict[str, Any]] | None = None
) -> forms.BaseFormSet[AuthorForm]:
    """The authors' rows: the existing ones and empty rows up to at least four (at most ``MAX_AUTHORS``)."""
    rows = list(initial or [])
    rows += [{}] * max(0, max(4, len(rows) + 2) - len(rows))
    rows = rows[:MAX_AUTHORS]
    return AuthorFormSet(data, prefix="authors", initial=rows, form_kwargs={"staff": staff})


class EvaluationForm(VersionedFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("The council's decision"),
        choices=[
            (Outcome.RECOGNISE, _("Recognise the initiative")),
            (Outcome.REJECT, _("Do not recognise it")),
            (Outcome.RETURN, _("Return it to the unit to complete")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    evaluation = forms.CharField(
        label=_("The council's evaluation (novelty, benefit, applicability)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
    )
    level = forms.ChoiceField(
        label=_("Recognised at"),
        required=False,
        choices=[("", "—"), *Level.choices],
        widget=forms.Select(attrs=SELECT),
    )
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. 125/QĐ-SNNMT")}),
    )
    decision_date = DateField(label=_("Decision date"), required=False)
    decision_issuer = forms.CharField(
        label=_("Decision issued by"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={**TEXT, "placeholder": _("e.g. Giám đốc Sở Nông nghiệp và Môi trường")}
        ),
    )
    reason = forms.CharField(
        label=_("Reason (when not recognised or returned)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    version = VersionField()


class FileForm(RefusedSizeMixin, forms.Form):
    def __init__(self, *args: Any, refused_size: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        self.fields["file"] = _file_field(required=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._refused()
        return data


class VersionForm(VersionedFormMixin, forms.Form):
    version = VersionField()
