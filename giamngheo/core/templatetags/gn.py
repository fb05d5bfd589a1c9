from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return str(query.urlencode())


@register.filter
def vn_number(value: Any) -> str:
    """1234567 -> "1.234.567" in Vietnamese, "1,234,567" in English."""
    if value in (None, ""):
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def vnd(value: Any) -> str:
    """Money in integer đồng: 1500000 -> "1.500.000 đ"."""
    if value in (None, ""):
        return ""
    return f"{number_format(int(value), force_grouping=True)} đ"
