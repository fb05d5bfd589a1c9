"""``field__any_of``: the rows ``field__in`` finds, with one parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from giamngheo.geo.models import Area


@pytest.mark.django_db
def test_any_of_finds_what_in_finds(commune_a, commune_b):  # type: ignore[no-untyped-def]
    codes = [commune_a.code, commune_b.code, "không có", None, commune_a.code]
    with CaptureQueriesContext(connection) as queries:
        found = set(Area.objects.filter(code__any_of=codes).values_list("pk", flat=True))
    assert found == {commune_a.pk, commune_b.pk}
    assert found == set(Area.objects.filter(code__in=codes).values_list("pk", flat=True))
    sql = queries.captured_queries[0]["sql"]
    assert ("= ANY(" in sql) == (connection.vendor == "postgresql")
    ids = [commune_a.pk, commune_b.pk]
    assert set(Area.objects.filter(pk__any_of=ids).values_list("pk", flat=True)) == set(ids)
    assert not Area.objects.filter(code__any_of=[]).exists()
    assert not Area.objects.filter(code__any_of=[None]).exists()
