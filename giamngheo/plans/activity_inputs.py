"""The counts of the programme's activities for an area and a year, for the indicators of
``plans.indicators`` (officers trained, trainees placed, staff who gave, affected households supported).

Each activity app with an indicator (``training``, ``vocation``, ``fund``, ``relief``: below ``plans``)
offers a scoped selector ``indicator_inputs(*, user, area, year) -> dict[str, int]`` returning its input
keys; a count the app does not know (nothing recorded for that area and year) is absent, never 0.
``plans.selectors.area_inputs`` merges them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from giamngheo.fund.selectors import indicator_inputs as fund_inputs
from giamngheo.relief.selectors import indicator_inputs as relief_inputs
from giamngheo.training.selectors import indicator_inputs as training_inputs
from giamngheo.vocation.selectors import indicator_inputs as vocation_inputs

if TYPE_CHECKING:
    from giamngheo.accounts.models import User
    from giamngheo.geo.models import Area


def activity_inputs(*, user: User | None, area: Area, year: int) -> dict[str, int]:
    inputs: dict[str, int] = {}
    for provider in (training_inputs, vocation_inputs, fund_inputs, relief_inputs):
        inputs.update(provider(user=user, area=area, year=year))
    return inputs
