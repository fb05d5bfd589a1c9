from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.core.forms import CHECK, SELECT, TEXT
from giamngheo.core.versioning import VersionedFormMixin, VersionField

from .models import EventType


class SubscriptionForm(VersionedFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the receiving system"),
        max_length=120,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. Kho dữ liệu của tỉnh")}),
    )
    url = forms.CharField(
        label=_("Target address (URL)"),
        max_length=500,
        help_text=_("The address that receives the events (POST, JSON); it must start with https://."),
        widget=forms.URLInput(attrs={**TEXT, "placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
        error_messages={"required": _("Choose at least one event from the list.")},
    )
    area = forms.TypedChoiceField(
        label=_("Scope"),
        coerce=int,
        help_text=_("Only the objects of this province or commune are sent."),
        widget=forms.Select(attrs=SELECT),
    )
    is_active = forms.BooleanField(label=_("Active (send events)"), required=False)
    version = VersionField()

    def __init__(self, *args: Any, areas: Sequence[Any], editing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            (a.pk, a.name if a.level == "province" else f"— {a.name}") for a in areas
        ]
        if not editing:
            del self.fields["is_active"]
            del self.fields["version"]


class VersionForm(VersionedFormMixin, forms.Form):
    version = VersionField()
