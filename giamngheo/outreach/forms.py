from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giamngheo.core.attachments import accept, kinds_text
from giamngheo.core.forms import NUMBER, SELECT, TEXT, DateField, MoneyField
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import ATTACHMENT_KINDS, ActivityKind, Funding, ModelField


def _count_field(label: Any, help_text: Any = "") -> forms.IntegerField:
    # min_value is left to the service (its message is the one shown for a negative number)
    return forms.IntegerField(
        label=label, required=False, help_text=help_text, widget=forms.NumberInput(attrs=NUMBER)
    )


def _file_field(label: Any, required: bool = False) -> forms.FileField:
    field = forms.FileField(
        label=label,
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
        if self.refused_size:
            self.add_error(  # type: ignore[attr-defined]
                "file",
                gettext("The file is %(size)s; the largest accepted is %(max)s.")
                % {
                    "size": filesizeformat(self.refused_size),
                    "max": filesizeformat(int(settings.UPLOAD_MAX_BYTES["attachment"])),
                },
            )


class ActivityForm(RefusedSizeMixin, VersionedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices, widget=forms.Select(attrs=SELECT))
    date = DateField(label=_("Date"))
    area = forms.TypedChoiceField(label=_("Place"), coerce=int, widget=forms.Select(attrs=SELECT))
    topic = forms.CharField(label=_("Topic"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    organiser_unit = forms.TypedChoiceField(
        label=_("Organising unit"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    organiser = forms.CharField(
        label=_("Organiser (if not a unit of the list)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. Ủy ban nhân dân xã")}),
    )
    audience = _count_field(_("People reached"), _("Leave empty when unknown."))
    funding = forms.ChoiceField(
        label=_("Funding"), choices=Funding.choices, widget=forms.Select(attrs=SELECT)
    )
    cost = MoneyField(label=_("Cost (đồng)"), required=False, help_text=_("Leave empty when unknown."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))

    def __init__(
        self,
        *args: Any,
        places: Sequence[Any],
        organisers: Sequence[Any],
        editing: bool = False,
        refused_size: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            (a.pk, a.name if a.level == "province" else f"— {a.name}") for a in places
        ]
        self.fields["organiser_unit"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(u.pk, u.name) for u in organisers],
        ]
        if editing:
            self.fields["version"] = VersionField()
        else:
            self.fields["file"] = _file_field(_("Photo or document"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._refused()
        return data


class GoodModelForm(RefusedSizeMixin, VersionedFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    field = forms.ChoiceField(label=_("Field"), choices=ModelField.choices, widget=forms.Select(attrs=SELECT))
    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int, widget=forms.Select(attrs=SELECT))
    village = forms.TypedChoiceField(
        label=_("Village"), coerce=int, required=False, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    started_on = DateField(label=_("From"), required=False)
    ended_on = DateField(label=_("To"), required=False, help_text=_("Leave empty while it goes on."))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={**TEXT, "rows": 5}))
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    households_joined = _count_field(_("Households taking part"), _("Leave empty when unknown."))
    households_escaped = _count_field(_("Households escaping poverty"), _("Leave empty when unknown."))

    def __init__(
        self,
        *args: Any,
        communes: Sequence[Any],
        villages: Sequence[Any],
        editing: bool = False,
        refused_size: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        self.fields["commune"].choices = [(c.pk, c.name) for c in communes]  # type: ignore[attr-defined]
        if villages:
            self.fields["village"].choices = [  # type: ignore[attr-defined]
                ("", "—"),
                *[(v.pk, v.name) for v in villages],
            ]
        else:
            del self.fields["village"]
        if editing:
            self.fields["version"] = VersionField()
        else:
            self.fields["file"] = _file_field(_("Photo or document"))
            self.fields["caption"] = forms.CharField(
                label=_("Caption of the photo"),
                max_length=255,
                required=False,
                widget=forms.TextInput(attrs=TEXT),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._refused()
        return data


class FileForm(RefusedSizeMixin, forms.Form):
    file = _file_field(_("Photo or document"), required=True)
    caption = forms.CharField(
        label=_("Caption of the photo"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, refused_size: int = 0, captions: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused_size = refused_size
        self.fields["file"] = _file_field(_("Photo or document"), required=True)
        if not captions:
            del self.fields["caption"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._refused()
        return data


class ReplicationForm(forms.Form):
    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(
        label=_("Year"), widget=forms.NumberInput(attrs={**NUMBER, "placeholder": "2026"})
    )
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, communes: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.pk, c.name) for c in communes]  # type: ignore[attr-defined]


class VersionForm(VersionedFormMixin, forms.Form):
    version = VersionField()
