from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import DateField, DateInput

from .fields import FIELDS

MB = 1024 * 1024


def upload_limit(kind: str) -> int:
    """The largest file accepted by an upload of this kind (bytes)."""
    return int(settings.UPLOAD_MAX_BYTES[kind])


SOURCES = [
    ("table", _("Our template or the commune's own spreadsheet (xlsx, xls, ods, csv)")),
    ("kobo", _("Survey results exported from KoboToolbox or ODK Central (xlsx, csv, zip)")),
]


class ImportStartForm(forms.Form):
    upload_kind = "household_import"  # its size limit: settings.UPLOAD_MAX_BYTES[upload_kind]
    file = forms.FileField(label=_("File"))
    commune: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=None,
        required=False,
        empty_label=_("The whole province (the file has a commune column)"),
    )
    source = forms.ChoiceField(
        label=_("Kind of file"), choices=SOURCES, initial="table", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        for name in ("file", "commune"):
            self.fields[name].widget.attrs["class"] = "form-control" if name == "file" else "form-select"
        if communes.count() == 1:
            self.fields["commune"].required = True
            self.fields["commune"].empty_label = None  # type: ignore[attr-defined]
            self.fields["commune"].initial = communes.first()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = upload_limit(self.upload_kind)
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; the largest accepted here is %(max)s MB. Split it into several "
                    "files."
                )
                % {"size": filesizeformat(upload.size), "max": f"{limit / MB:g}"}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def field_choices() -> list[tuple[str, str]]:
    choices = [("", str(_("— not imported —")))]
    for f in FIELDS:
        level = {
            "location": _("commune"),
            "row": _("row"),
            "household": _("household"),
            "member": _("member"),
            "both": _("member"),
        }[f.level]
        choices.append((f.key, f"{f.header} ({level})"))
    return choices


class MappingForm(forms.Form):
    valid_rows_only = forms.BooleanField(
        label=_("Import the valid households even if some rows are rejected"), required=False
    )
    decision_number = forms.CharField(
        label=_("Recognition decision number"),
        required=False,
        max_length=60,
        help_text=_("Leave empty to read it from the list's title (“Kèm theo Quyết định số … ngày …”)."),
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    decision_date = DateField(
        label=_("Recognition decision date"),
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: Any, headers: list[str], mapping: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = field_choices()
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(column without a header)"),
                choices=choices,
                required=False,
                initial=mapping[index] if index < len(mapping) else "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}", "") or "" for i in range(len(self.headers))]

    def columns(self) -> list[tuple[str, forms.BoundField]]:
        return [(header, self[f"col_{i}"]) for i, header in enumerate(self.headers)]


class ImportRunForm(forms.Form):
    valid_rows_only = forms.BooleanField(
        label=_("Import the valid households even if some rows are rejected"), required=False
    )
    create_villages = forms.MultipleChoiceField(
        label=_("Create these villages"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, proposals: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        self.fields["create_villages"].choices = [  # type: ignore[attr-defined]
            (p["key"], f"{p['village']} — {p['commune']} ({p['rows']})") for p in proposals
        ]
        # A name close to existing villages ("Thôn 3" beside "Ấp 3"): the user may say it is one of them.
        for index, p in enumerate(proposals):
            if p.get("near"):
                self.fields[f"same_{index}"] = forms.TypedChoiceField(
                    label=_("“%(name)s” is the existing village") % {"name": p["village"]},
                    choices=[("", _("— no, another village —"))] + [(v["id"], v["name"]) for v in p["near"]],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )

    def same_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("same_")]

    def village_aliases(self) -> dict[str, int]:
        """Proposed names the user mapped to an existing village (remembered as its other name)."""
        chosen: dict[str, int] = {}
        for index, p in enumerate(self.proposals):
            village_id = self.cleaned_data.get(f"same_{index}")
            if village_id and village_id in {v["id"] for v in p.get("near", [])}:
                chosen[p["key"]] = village_id
        return chosen
