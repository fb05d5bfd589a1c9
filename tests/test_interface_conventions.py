"""The interface conventions of decision 0020: dates typed dd/mm/yyyy (no native picker), amounts shown
"1.200.000" and read however typed, fields with errors marked, years never grouped."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms

from giamngheo.core.forms import DateField, DateInput, MoneyField, MoneyInput

ROOT = Path(__file__).resolve().parent.parent / "giamngheo"


def _form_modules() -> list[str]:
    names = []
    for path in sorted(ROOT.glob("*/*forms.py")):
        names.append(f"giamngheo.{path.parent.name}.{path.stem}")
    return names


def _forms() -> list[type[forms.BaseForm]]:
    found = []
    for name in _form_modules():
        module = importlib.import_module(name)
        for _n, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == name:
                found.append(obj)
    return found


def test_every_date_field_is_typed_day_first() -> None:
    """Every date of every form is a text input read as dd/mm/yyyy: no browser picker showing the month
    first."""
    checked, wrong = 0, []
    for form in _forms():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField):
                checked += 1
                if not isinstance(field.widget, DateInput) or field.input_formats[0] != "%d/%m/%Y":
                    wrong.append(f"{form.__module__}.{form.__name__}.{name}")
    assert checked >= 20 and not wrong, wrong


def test_no_native_date_picker_anywhere() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if path.suffix in {".py", ".html", ".js"}
        and "tests" not in path.parts
        and re.search(r"""type["']?\s*[:=]\s*["']date["']""", path.read_text(encoding="utf-8"))
        and "xlsform" not in path.name
        and path.name != "template.py"  # the Excel template's data validation, not a web input
    ]
    assert offenders == []


def test_the_date_input() -> None:
    html = DateField().widget.render("d", dt.date(2026, 11, 25))
    assert 'type="text"' in html and 'value="25/11/2026"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert "pattern=" in html
    field = DateField()
    assert field.clean("25/11/2026") == field.clean("2026-11-25") == dt.date(2026, 11, 25)
    with pytest.raises(forms.ValidationError):
        field.clean("11/25/2026")  # month first is not a date here


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1.200.000", 1_200_000), ("1200000", 1_200_000), ("1 200 000", 1_200_000), ("1.200.000 đ", 1_200_000)],
)
def test_money_is_read_however_typed(typed: str, value: int) -> None:
    assert MoneyField().clean(typed) == value


def test_money_is_shown_grouped() -> None:
    assert 'value="1.200.000"' in MoneyInput().render("m", 1_200_000)
    assert 'value="1.200.000"' in MoneyInput().render("m", "1200000")
    from giamngheo.households.forms import HouseholdForm

    assert isinstance(HouseholdForm.base_fields["income_per_capita"], MoneyField)


def test_a_field_with_an_error_is_marked() -> None:
    class Sample(forms.Form):
        day = DateField()
        name = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control"}))

    form = Sample(data={"day": "31/02/2026", "name": "x"})
    assert not form.is_valid()
    day, name = str(form["day"]), str(form["name"])
    assert 'aria-invalid="true"' in day and re.search(r'class="[^"]*\bis-invalid\b', day)
    assert "is-invalid" not in name and "aria-invalid" not in name


def test_the_import_preview_shows_whole_numbers_as_integers() -> None:
    from giamngheo.dataio.import_jobs import _shown

    assert _shown(1300000.0) == 1300000 and _shown(2.5) == 2.5 and _shown("0123") == "0123"


# Contrast (WCAG AA: 4.5:1 for text) of the colours the project's CSS sets ---------------------------------

CSS = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")


def _variable(name: str) -> str:
    match = re.search(rf"--{name}:\s*([^;]+);", CSS)
    assert match, name
    return match.group(1).strip()


def _rgb(colour: str, background: tuple[float, ...] = (255, 255, 255)) -> tuple[float, ...]:
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    parts = [float(p) for p in re.findall(r"[\d.]+", colour)]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(parts[:3], background, strict=True))


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_of_the_menu_links_and_step_labels() -> None:
    green = _rgb(_variable("gn-primary"))
    assert contrast(_rgb(_variable("gn-nav-link"), green), green) >= 4.5  # inactive menu links
    assert contrast((255, 255, 255), _rgb(_variable("gn-step-bg"))) >= 4.5  # "3/7" on a step bar
    assert contrast(_rgb(_variable("gn-muted-on-tint")), _rgb("#cff4fc")) >= 4.5  # muted text, current step
    assert "--bs-navbar-color: var(--gn-nav-link)" in CSS and "var(--gn-step-bg)" in CSS


def test_the_contrast_check_sees_a_pale_link() -> None:
    green = _rgb("#1f6f43")
    assert contrast(_rgb("rgba(255, 255, 255, .55)", green), green) < 4.5  # Bootstrap's default: ≈3:1
    assert contrast((255, 255, 255), _rgb("#0dcaf0")) < 4.5  # white on bg-info: ≈2:1
