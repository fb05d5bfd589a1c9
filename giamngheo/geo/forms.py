from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import VILLAGE_DIVISION_TYPES, DifficultyKind, DivisionType

VILLAGE_TYPE_CHOICES = [(t.value, t.label) for t in DivisionType if t in VILLAGE_DIVISION_TYPES]


class CommuneFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Name or code")}),
    )
    division_type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("All types")),
            ("xa", _("Commune")),
            ("phuong", _("Ward")),
            ("dac_khu", _("Special zone")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    difficult = forms.BooleanField(
        label=_("Especially difficult only"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    former_province = forms.ChoiceField(
        label=_("Formerly in"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(
        self, *args: object, former_choices: list[tuple[str, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["former_province"].choices = [("", _("Any"))] + (former_choices or [])  # type: ignore[attr-defined]


class VillageForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("For example: Ấp 3, Thôn Bù Tam, Khu phố 5."),
    )
    division_type = forms.ChoiceField(
        label=_("Type"), choices=VILLAGE_TYPE_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class DifficultyPeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Designation"),
        choices=DifficultyKind.choices,
        initial=DifficultyKind.ESPECIALLY_DIFFICULT,
        required=False,  # not sent (an older page): especially difficult, the only kind there was
        help_text=_("A poor commune (xã nghèo) is a commune only, never a village."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    from_year = forms.IntegerField(
        label=_("From year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    to_year = forms.IntegerField(
        label=_("To year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Leave empty if the period has no end yet."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    legal_source = forms.CharField(
        label=_("Legal source"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("e.g. Decision 861/QĐ-TTg")}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, village: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if village:  # a village is only ever especially difficult: no choice to offer
            only = DifficultyKind.ESPECIALLY_DIFFICULT
            self.fields["kind"].choices = [(only.value, only.label)]  # type: ignore[attr-defined]
            self.fields["kind"].help_text = ""

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or DifficultyKind.ESPECIALLY_DIFFICULT
        start, end = data.get("from_year"), data.get("to_year")
        if start and end and end < start:
            self.add_error("to_year", _("The end year cannot be before the start year."))
        return data


class UrbanOverrideForm(forms.Form):
    urban = forms.ChoiceField(
        label=_("Area type for the income line"),
        choices=[("", _("Follow the unit type")), ("urban", _("Urban")), ("rural", _("Rural"))],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


VILLAGE_IMPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls", ".ods")


class VillageImportForm(forms.Form):
    """The upload of a list of villages. Only the size and the name are checked here: the file is read and
    checked by a background job, never in the request."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Our template (xlsx), or a CSV or spreadsheet with the columns Mã xã, Tên thôn and "
            "(optional) Loại, Mã thôn."
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ",".join(VILLAGE_IMPORT_SUFFIXES) + ",text/csv"}
        ),
    )

    def __init__(self, *args: Any, refused_size: int = 0, **kwargs: Any) -> None:
        """``refused_size``: the upload was stopped past the limit while it was received (the view's upload
        handler), so there is no file, only its size to report."""
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        if refused_size:
            self.fields["file"].required = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES["village_import"]
        size = self.refused_size or upload.size
        if size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; a list of villages may be at most %(max)s (a commune has a few "
                    "hundred villages at most). Check that this is the right file."
                )
                % {"size": filesizeformat(size), "max": filesizeformat(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if not (upload.name or "").lower().endswith(VILLAGE_IMPORT_SUFFIXES):
            raise forms.ValidationError(_("Upload a CSV file or a spreadsheet (xlsx, xls, ods)."))
        return upload
