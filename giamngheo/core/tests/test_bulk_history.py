"""``copy_to_history``: a history row for each row asked, as it is now, whether the ids run in sequence or
not (SQLite's allocations do; PostgreSQL's, from several writing processes, need not)."""

import datetime as dt

import pytest
from django.utils import timezone

from giamngheo.core.bulk import copy_to_history
from giamngheo.households.models import Household
from giamngheo.households.tests.factories import make_household


@pytest.mark.django_db
@pytest.mark.parametrize("gap", [False, True])
def test_copy_to_history_copies_the_rows_asked(commune_a, users, gap):  # type: ignore[no-untyped-def]
    households = [make_household(commune_a, head=f"Chủ hộ {n}") for n in range(4)]
    wanted = [h.pk for h in households if not gap or h is not households[1]]
    when = timezone.now() + dt.timedelta(days=1)
    officer = users["canbo.bugiamap"]

    copy_to_history(Household, wanted, history_date=when, user_id=officer.pk, kind="~")

    copies = Household.history.filter(history_date=when)
    assert sorted(copies.values_list("id", flat=True)) == sorted(wanted)
    for copy in copies:
        live = Household.objects.get(pk=copy.id)
        assert (copy.history_type, copy.history_user_id) == ("~", officer.pk)
        assert (copy.code, copy.head_name, copy.village_id, copy.version) == (
            live.code,
            live.head_name,
            live.village_id,
            live.version,
        )
