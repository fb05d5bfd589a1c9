"""Parts shared by the pages of the review (``round_views``, ``commune_views``, ``assessment_views``,
``request_views``): breadcrumbs, links into a commune's review, form errors as messages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.types import AuthenticatedRequest

from .models import (
    CommuneReview,
    ReviewRound,
)


def is_htmx(request: AuthenticatedRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Review rounds"), reverse("reviews:round-list")), *tail]


def round_crumb(review_round: ReviewRound) -> tuple[str, str | None]:
    return str(review_round), reverse("reviews:round-detail", args=[review_round.pk])


def review_crumbs(review: CommuneReview, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return crumbs(
        round_crumb(review.round),
        (review.commune.name, reverse("reviews:commune-review", args=[review.pk])),
        *tail,
    )


def review_url(review: CommuneReview, anchor: str = "") -> str:
    url = reverse("reviews:commune-review", args=[review.pk])
    return f"{url}#{anchor}" if anchor else url


def form_errors_to_messages(request: AuthenticatedRequest, form: forms.BaseForm) -> None:
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            messages.error(request, f"{field.label}: {error}" if field and field.label else str(error))


# Rounds -----------------------------------------------------------------------------------------------------
