from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import NUMBER, SELECT, TEXT, DateField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .choices import DocumentKind, TableKey


def _text(label: Any, *, required: bool = False, max_length: int = 255) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT)
    )


def _area(label: Any, rows: int, *, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={**TEXT, "rows": rows}),
    )


class DocumentCreateForm(forms.Form):
    org_unit = forms.TypedChoiceField(label=_("Issuing body"), coerce=int, widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(
        label=_("Kind of document"), choices=DocumentKind.choices, widget=forms.Select(attrs=SELECT)
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=NUMBER)
    )

    def __init__(self, *args: Any, departments: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["org_unit"]).choices = [(d.pk, d.name) for d in departments]


class DocumentForm(VersionedFormMixin, forms.Form):
    title = _area(_("Subject (trích yếu)"), 2, required=True)
    number = _text(_("Number (blank until the clerk registers it)"), max_length=20)
    symbol = _text(_("Symbol"), required=True, max_length=40)
    place = _text(_("Place of issue"), required=True, max_length=100)
    issued_on = DateField(label=_("Date (blank on a draft)"), required=False)
    parent_body = _text(_("Parent body"), max_length=200)
    issuer = _text(_("Issuing body"), required=True, max_length=200)
    recipients = _area(_("Recipients (Nơi nhận), one a line"), 5)
    signer_title = _area(_("Signer's authority and title, one a line"), 2, required=True)
    signer_name = _text(_("Signer's name"), max_length=150)
    version = VersionField()

    def clean_title(self) -> str:
        return " ".join(str(self.cleaned_data["title"]).split())[:400]


class SectionForm(forms.Form):
    heading = _text(_("Heading"), max_length=300)
    text = _area(_("Text"), 6, help_text=_("One paragraph a line."))
    tables = forms.MultipleChoiceField(
        label=_("Tables after the text"),
        required=False,
        choices=TableKey.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


SectionFormSet = forms.formset_factory(SectionForm, extra=1, max_num=40, validate_max=True)


class IssueForm(VersionedFormMixin, forms.Form):
    number = forms.CharField(label=_("Number"), max_length=20, widget=forms.TextInput(attrs=NUMBER))
    issued_on = DateField(label=_("Date of issue"))
    version = VersionField()


class ReopenForm(VersionedFormMixin, forms.Form):
    reason = _area(_("Reason for reopening"), 2, required=True)
    version = VersionField()
