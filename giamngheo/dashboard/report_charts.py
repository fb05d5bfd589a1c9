"""The dashboard's charts drawn on the server (matplotlib, Agg), as PNG images for the PDF report.

Fed by the very dataclasses the page draws with ECharts (``selectors.CategoryChart``): the same series,
the same values, the same target lines. Numbers in the Vietnamese format (1.234,5) through Django's
``number_format`` in the active language. Matplotlib's own DejaVu Sans draws every Vietnamese letter, so
no system font is needed. The object API (``Figure``), never ``pyplot``: no global state, safe in threads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.template.defaultfilters import floatformat
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .selectors import CategoryChart

WIDTH = 7.2  # inches: the text width of an A4 page with 15 mm margins is about 7.1 in
DPI = 160
COLOURS = ["#1f6f43", "#e0a100", "#0d6efd", "#c0392b", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"]
OUT_COLOURS = ["#1f6f43", "#52a873", "#9ccfae"]
IN_COLOURS = ["#f0ad4e", "#c0392b", "#e74c3c", "#f5b7b1"]


def vn(value: float | int | Decimal | None, decimals: int = 2) -> str:
    """A number as the page writes it (``floatformat:"-2g"``): grouped, the language's separators, the
    decimals only when it has some (1.234; 12,35)."""
    if value is None:
        return "—"
    return str(floatformat(value, f"-{decimals}g"))


def _formatter(decimals: int = 2, unit: str = "") -> FuncFormatter:
    suffix = f" {unit}" if unit else ""
    return FuncFormatter(lambda value, _pos: f"{vn(value, decimals)}{suffix}")


def _figure(height: float) -> tuple[Figure, Any]:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _values(values: Sequence[float | int | None]) -> list[float]:
    return [float("nan") if v is None else float(v) for v in values]


def line_chart(chart: CategoryChart) -> bytes:
    """Rates over the rounds: one line per series, every point labelled, the plan's targets dashed."""
    figure, axes = _figure(3.2)
    x = list(range(len(chart.categories)))
    for i, series in enumerate(chart.series):
        values = _values(series.values)
        colour = COLOURS[i % len(COLOURS)]
        axes.plot(x, values, marker="o", color=colour, label=series.name, linewidth=2)
        for xi, value in zip(x, series.values, strict=False):
            if value is not None:
                axes.annotate(
                    vn(value),
                    (xi, float(value)),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=8,
                    color=colour,
                )
    for i, target in enumerate(chart.targets):
        axes.axhline(target.value, color=COLOURS[i % len(COLOURS)], linestyle="--", linewidth=1)
        axes.annotate(
            target.label,
            (0, target.value),
            xycoords=("axes fraction", "data"),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=7,
            color="#555555",
        )
    axes.set_xticks(x, chart.categories)
    axes.yaxis.set_major_formatter(_formatter(1, chart.unit))
    axes.set_ylim(bottom=0)
    if len(x) == 1:
        axes.set_xlim(-0.5, 0.5)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, fontsize=8, frameon=False)
    return _png(figure)


def stacked_chart(chart: CategoryChart) -> bytes:
    """Movements each round: out of poverty below zero, into poverty above, stacked by flow."""
    figure, axes = _figure(3.8)
    x = list(range(len(chart.categories)))
    bottoms = {"out": [0.0] * len(x), "in": [0.0] * len(x)}
    out_i = in_i = 0
    for series in chart.series:
        values = [float(v or 0) for v in series.values]
        if not any(values):
            continue
        stack = series.stack or "in"
        if stack == "out":
            colour = OUT_COLOURS[out_i % len(OUT_COLOURS)]
            out_i += 1
        else:
            colour = IN_COLOURS[in_i % len(IN_COLOURS)]
            in_i += 1
        axes.bar(x, values, bottom=bottoms[stack], color=colour, label=series.name, width=0.6)
        bottoms[stack] = [b + v for b, v in zip(bottoms[stack], values, strict=True)]
    for xi in x:
        for stack in ("out", "in"):
            total = bottoms[stack][xi]
            if total:
                axes.annotate(
                    vn(abs(total), 0),
                    (xi, total),
                    textcoords="offset points",
                    xytext=(0, -10 if total < 0 else 3),
                    ha="center",
                    fontsize=8,
                )
    axes.axhline(0, color="#333333", linewidth=0.8)
    axes.set_xticks(x, chart.categories)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: vn(abs(value), 0)))
    if len(x) == 1:
        axes.set_xlim(-0.8, 0.8)
    if out_i or in_i:
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, fontsize=7, frameon=False)
    return _png(figure)


def bar_chart(chart: CategoryChart, *, decimals: int = 2, limit: float | None = None) -> bytes:
    """Horizontal bars (coverage by area, contributions to M0, units ranked), the first at the top, each
    labelled with its value. The height grows with the number of bars (a ranking of 80 communes)."""
    series = chart.series[0]
    count = len(chart.categories)
    figure, axes = _figure(max(1.6, 0.6 + 0.24 * count))
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    y = list(range(count))
    values = [float(v) if v is not None else 0.0 for v in series.values]
    axes.barh(y, values, color=COLOURS[0], height=0.65)
    for yi, value in zip(y, series.values, strict=False):
        text = vn(value, decimals) + (f" {chart.unit}" if chart.unit and value is not None else "")
        axes.annotate(
            text,
            (float(value or 0), yi),
            textcoords="offset points",
            xytext=(3, 0),
            va="center",
            fontsize=7,
        )
    for i, target in enumerate(chart.targets):
        axes.axvline(target.value, color=COLOURS[(i + 3) % len(COLOURS)], linestyle="--", linewidth=1)
    axes.set_yticks(y, chart.categories, fontsize=7 if count > 15 else 8)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(_formatter(1, chart.unit))
    top = max([*values, 0.0])
    axes.set_xlim(0, limit if limit is not None and top <= limit else (top * 1.18 or 1))
    return _png(figure)
