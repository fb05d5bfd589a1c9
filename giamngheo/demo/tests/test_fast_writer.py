"""The benchmarks' writer (raw inserts through ``core.bulk.write_rows``) stores what the generator made."""

from __future__ import annotations

import pytest

from giamngheo.demo.households import fast_insert, generate_households, village_slots
from giamngheo.households.models import Household, Member


@pytest.mark.django_db
def test_fast_insert_writes_the_generated_households(province) -> None:
    generated = list(generate_households(village_slots(province), count=30, seed=7, province_code=75))
    before = Household.objects.count(), Member.objects.count()
    counts = fast_insert(generated, batch_size=10)
    assert (counts.households, counts.members) == (30, sum(len(g.members) for g in generated))
    assert (Household.objects.count(), Member.objects.count()) == (before[0] + 30, before[1] + counts.members)
    first = generated[0]
    stored = Household.objects.get(commune_id=first.slot.commune_id, code=first.code)
    assert stored.head_name == first.head_name and stored.devices == list(first.devices)
    assert stored.members.count() == len(first.members)
