from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.geo.selectors import communes_to_pick
from giamngheo.poverty.classify import CATEGORY_EN, CATEGORY_VI, classify_flags
from giamngheo.poverty.standard import StandardError, all_standards, get_standard

from .adapters import area_type, province_code, standards_in_force
from .forms import CalculatorForm
from .params import param_lines


def _vi() -> bool:
    return (get_language() or "vi").startswith("vi")


def standard_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "standards/standard_list.html",
        {
            "standards": all_standards(),
            "vi": _vi(),
            "breadcrumbs": [(_("Poverty standards"), None)],
        },
    )


def standard_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    try:
        standard = get_standard(code)
    except StandardError:
        raise Http404 from None
    vi = _vi()
    dimensions = [
        (
            d,
            [
                (i, i.provisional_notes(vi), param_lines(i.params))
                for i in standard.indicators
                if i.dimension == d.key
            ],
        )
        for d in standard.dimensions
    ]
    return render(
        request,
        "standards/standard_detail.html",
        {
            "standard": standard,
            "dimensions": dimensions,
            "provisional": standard.provisional_notes(vi),
            "vi": vi,
            "breadcrumbs": [
                (_("Poverty standards"), reverse("standards:standard-list")),
                (standard.code, None),
            ],
        },
    )


def calculator(request: AuthenticatedRequest) -> HttpResponse:
    communes = communes_to_pick(user=request.user)
    form = CalculatorForm(request.GET or None, communes=communes)
    results: list[dict[str, Any]] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        commune = data["commune"]
        area = area_type(commune) if commune else data["area"]
        province = province_code(commune)
        for standard in standards_in_force(year=data["year"], province=province).values():
            result = classify_flags(area, data["income_per_capita"], set(data["deprived"]), standard)
            labels = CATEGORY_VI if _vi() else CATEGORY_EN
            results.append(
                {
                    "standard": standard,
                    "result": result,
                    # Every indicator is given: the result is always determined here.
                    "label": labels[result.category] if result.category is not None else "",
                    "reasons": result.reasons_vi if _vi() else result.reasons_en,
                }
            )
    context = {
        "form": form,
        "results": results,
        "submitted": form.is_bound,
        "breadcrumbs": [
            (_("Poverty standards"), reverse("standards:standard-list")),
            (_("Calculator"), None),
        ],
    }
    template = "standards/_calculator_results.html" if request.htmx else "standards/calculator.html"  # type: ignore[attr-defined]
    return render(request, template, context)
