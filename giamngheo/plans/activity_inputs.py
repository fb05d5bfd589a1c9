"""The counts of the programme's activities for an area and a year, for the indicators of
``plans.indicators`` (officers trained, trainees placed, staff who gave, affected households supported).

Each activity app (``training``, ``vocation``, ``fund``, ``relief``, ``outreach``: below ``plans``) offers a
scoped selector ``indicator_inputs(*, user, area, year) -> dict[str, int]`` returning its input keys; a
count the app does not know (nothing recorded for that area and year) is absent, never 0.
``plans.selectors.area_inputs`` merges them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from giamngheo.accounts.models import User
    from giamngheo.geo.models import Area


def activity_inputs(*, user: User | None, area: Area, year: int) -> dict[str, int]:
    inputs: dict[str, int] = {}
    # One line per activity app, e.g.:
    # from giamngheo.training.selectors import indicator_inputs as training_inputs
    # inputs.update(training_inputs(user=user, area=area, year=year))
    from giamngheo.relief.selectors import indicator_inputs as relief_inputs

    inputs.update(relief_inputs(user=user, area=area, year=year))
    return inputs
