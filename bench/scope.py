"""Scope filtering at national scale: 34 provinces, 3,321 commune-level units, ~66,000 villages.

Prints the time of the scoped reads every page does (visible areas, commune list, home page) for a
commune officer, a provincial specialist and an administrator.
"""

from __future__ import annotations

import statistics
import time

from _django import setup

setup("scope")

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from giamngheo.accounts.models import User  # noqa: E402
from giamngheo.accounts.roles import Role  # noqa: E402
from giamngheo.accounts.scoping import area_q  # noqa: E402
from giamngheo.geo import selectors, sources  # noqa: E402
from giamngheo.geo.models import Area, AreaLevel  # noqa: E402
from giamngheo.geo.services import geo_load_province  # noqa: E402

VILLAGES_PER_UNIT = 20


def timed(fn, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


started = time.perf_counter()
for code in sources.province_codes():
    geo_load_province(province_code=code)
communes = list(Area.objects.filter(level=AreaLevel.COMMUNE, is_active=True))
villages = []
for commune in communes:
    for i in range(1, VILLAGES_PER_UNIT + 1):
        code = f"{commune.code}-{i:03d}"
        villages.append(
            Area(
                code=code,
                name=f"Ấp {i}",
                name_folded=f"ap {i}",
                level=AreaLevel.VILLAGE,
                division_type="ap",
                parent=commune,
                path=f"{commune.path}{code}/",
            )
        )
Area.objects.bulk_create(villages, batch_size=5000)
print(
    f"   loaded {Area.objects.filter(level=AreaLevel.PROVINCE, is_active=True).count()} provinces, "
    f"{len(communes)} commune-level units, {len(villages)} villages in {time.perf_counter() - started:.1f} s"
)

dong_nai = Area.objects.get(code="75")
officer = User.objects.create(username="officer", role=Role.COMMUNE_OFFICER)
officer.scope_areas.set([Area.objects.get(name="Phường Trấn Biên")])
specialist = User.objects.create(username="specialist", role=Role.PROVINCIAL_SPECIALIST)
specialist.scope_areas.set([dong_nai])
admin = User.objects.create(username="admin", role=Role.SYSTEM_ADMIN)
settings.ALLOWED_HOSTS = ["*"]
settings.DEBUG = False

print(
    f"   {'user':<12} {'visible areas':>14} {'count ms':>9} {'communes ms':>12} {'/geo/ ms':>9} {'/ ms':>7} "
    f"{'queries /geo/':>14}"
)
for user in (officer, specialist, admin):
    fresh = User.objects.get(pk=user.pk)
    visible = Area.objects.filter(area_q(fresh)).count()
    count_ms = timed(lambda u=fresh: Area.objects.filter(area_q(u)).count())
    list_ms = timed(lambda u=fresh: list(selectors.commune_list(user=u)[:50]))
    client = Client()
    client.force_login(fresh)
    page_ms = timed(lambda c=client: c.get("/geo/"))
    home_ms = timed(lambda c=client: c.get("/"))
    settings.DEBUG = True
    reset_queries()
    client.get("/geo/")
    queries = len(connection.queries)
    settings.DEBUG = False
    print(
        f"   {fresh.username:<12} {visible:>14,} {count_ms:>9.1f} {list_ms:>12.1f} "
        f"{page_ms:>9.1f} {home_ms:>7.1f} {queries:>14}"
    )
