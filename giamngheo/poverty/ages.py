"""The one age rule of the project: completed years on a day.

A birth known only by its year is stored as 1 January of that year, so its age counts from 1 January (a
provisional rule: the commune lists give only "Năm sinh"). ``age_on`` is the rule for one date;
``ages_on`` is the same rule for many dates of birth at once (YYYYMMDD integers, as the bulk path reads
them). Every age in the project (the engine's facts, the eligibility rules, the pages) comes from here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years on ``day`` of a person born on ``born``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def date_number(day: dt.date) -> int:
    """A date as the YYYYMMDD integer ``ages_on`` reads."""
    return day.year * 10_000 + day.month * 100 + day.day


def ages_on(born: IntArray, on: dt.date) -> IntArray:
    """``age_on`` for dates of birth given as YYYYMMDD integers."""
    not_yet = (born % 10_000) > (on.month * 100 + on.day)
    return (on.year - born // 10_000 - not_yet).astype(np.int64)
