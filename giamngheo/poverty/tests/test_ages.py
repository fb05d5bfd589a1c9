import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from giamngheo.poverty.ages import age_on, ages_on, date_number

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


def test_age_counts_completed_years() -> None:
    assert age_on(dt.date(2000, 3, 15), dt.date(2026, 3, 14)) == 25
    assert age_on(dt.date(2000, 3, 15), dt.date(2026, 3, 15)) == 26
    assert age_on(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25
    assert age_on(dt.date(2000, 2, 29), dt.date(2026, 3, 1)) == 26


@given(st.lists(days, min_size=1, max_size=30), days)
def test_the_vector_rule_is_the_scalar_rule(births: list[dt.date], on: dt.date) -> None:
    vector = ages_on(np.array([date_number(b) for b in births], dtype=np.int64), on)
    assert vector.tolist() == [age_on(b, on) for b in births]
