"""The parameters of a standard's indicators in words (the standards page never shows their keys).

A parameter whose values are codes of a household fact (water sources, latrines, devices, waste handling)
shows their labels: the households app, which owns those choices, registers them here in its ``ready()``
(``register_value_labels``), so that the labels have one source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PARAM_LABELS: dict[str, Promise] = {
    "min_age": _("From age"),
    "max_age": _("Up to age"),
    "max_age_male": _("Up to age (men)"),
    "max_age_female": _("Up to age (women)"),
    "share": _("Share of the members"),
    "child_max_age": _("Children up to age"),
    "elderly_min_age": _("Elderly people from age"),
    "upper_secondary_from_age": _("Upper secondary school expected from age"),
    "min_non_durable_parts": _("Main parts not durable, at least"),
    "min_m2_per_person": _("Floor area per person below (m²)"),
    "clean_sources": _("Clean water sources"),
    "hygienic_types": _("Hygienic latrines"),
    "devices": _("Devices that count"),
    "handled": _("Waste handled by"),
}
PERCENT_PARAMS = {"share"}

_VALUE_LABELS: dict[str, dict[str, Any]] = {}


def register_value_labels(param: str, choices: Iterable[tuple[str, Any]]) -> None:
    """Label the codes a parameter lists (called by the app owning the choices)."""
    _VALUE_LABELS[param] = dict(choices)


def _value(param: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        labels = _VALUE_LABELS.get(param, {})
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if param in PERCENT_PARAMS and isinstance(value, int | float):
        return f"{formats.number_format(value * 100, decimal_pos=0)} %"
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True)
    return str(value)


def param_lines(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of each parameter, values in words and Vietnamese number formats."""
    return [
        (str(PARAM_LABELS.get(key, _("Other parameter"))), _value(key, value))
        for key, value in params.items()
    ]
