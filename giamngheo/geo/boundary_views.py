"""Pages of the commune boundaries drawn on the dashboard's map: the upload (with its match report) and
the scoped GeoJSON the map reads. The work is ``services.boundaries_load``; reads are ``selectors``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.uploads import refused_upload_size, upload_limit
from giamngheo.core.views import get_or_404, submit

from . import selectors, services
from .models import AreaLevel


class BoundaryUploadForm(forms.Form):
    province: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Province"),
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    match_property = forms.CharField(
        label=gettext_lazy("Property holding the commune's code or name"),
        max_length=60,
        initial="ma_xa",
        help_text=gettext_lazy(
            "The name of the property of each feature that holds the commune's code (e.g. 25195) or its "
            "name (e.g. Xã Bù Gia Mập; without diacritics works too)."
        ),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        help_text=gettext_lazy("A FeatureCollection of Polygon or MultiPolygon features in WGS 84."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".geojson,.json"}),
    )

    def __init__(self, *args: Any, provinces: Any, refused_size: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]
        self.refused_size = refused_size
        if refused_size:
            self.fields["file"].required = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES["boundaries"]
        size = self.refused_size or (upload.size if upload else 0)
        if size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; a boundary file may be at most %(max)s. Simplify the "
                    "boundaries first."
                )
                % {"size": filesizeformat(size), "max": filesizeformat(limit)}
            )
        if upload is None or upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


@upload_limit("boundaries")
@capability_required(Capability.MANAGE_GEOGRAPHY)
@require_http_methods(["GET", "POST"])
def boundaries_upload(request: AuthenticatedRequest) -> HttpResponse:
    provinces = selectors.boundary_provinces(user=request.user)
    refused = refused_upload_size(request)
    form = BoundaryUploadForm(
        request.POST or None, request.FILES or None, provinces=provinces, refused_size=refused
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = submit(
            form,
            lambda: services.boundaries_load(
                user=request.user,
                province=form.cleaned_data["province"],
                geojson_bytes=upload.read(),
                match_property=form.cleaned_data["match_property"],
                source=upload.name or "",
            ),
        )
    status = [
        (p, selectors.boundary_count(user=request.user, province=p), selectors.boundary_loaded_at(province=p))
        for p in provinces
    ]
    return render(
        request,
        "geo/boundaries_upload.html",
        {
            "form": form,
            "report": report,
            "status": status,
            "max_size": settings.UPLOAD_MAX_BYTES["boundaries"],
            "breadcrumbs": [
                (_("Administrative units"), reverse("geo:commune-list")),
                (_("Commune boundaries"), None),
            ],
        },
    )


@require_safe
@capability_required(Capability.VIEW_TABLES)
def boundaries_geojson(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The boundaries of the communes of a province the user sees (a FeatureCollection)."""
    province = get_or_404(selectors.access_area_by_id, user=request.user, area_id=pk)
    if province.level != AreaLevel.PROVINCE:
        return JsonResponse({"type": "FeatureCollection", "features": []})
    return JsonResponse(selectors.boundaries_geojson(user=request.user, province=province))
