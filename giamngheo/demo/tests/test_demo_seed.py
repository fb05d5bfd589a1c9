from __future__ import annotations

import random

from django.core.management import call_command

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Role
from giamngheo.demo import names
from giamngheo.demo.seed import seed_demo
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.org.models import Staff


def test_demo_has_an_account_for_every_role_and_two_commune_officers(db) -> None:
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    officers = User.objects.filter(role=Role.COMMUNE_OFFICER)
    communes = {a.pk for o in officers for a in o.scope_areas.all()}
    assert officers.count() == 2 and len(communes) == 2


def test_every_unit_has_villages_with_realistic_names(db) -> None:
    communes = Area.objects.filter(level=AreaLevel.COMMUNE, is_active=True)
    assert not communes.filter(children__isnull=True).exists()
    ward_villages = Area.objects.filter(level=AreaLevel.VILLAGE, parent__division_type="phuong")
    assert set(ward_villages.values_list("division_type", flat=True)) == {"khu_pho"}
    former = Area.objects.filter(
        level=AreaLevel.VILLAGE,
        parent__predecessor_links__predecessor__code="L70",
        parent__division_type="xa",
    )
    assert {"thon", "ap"} <= set(former.values_list("division_type", flat=True))


def test_running_again_changes_nothing(db, capsys) -> None:
    counts = (Area.objects.count(), Staff.objects.count(), User.objects.count())
    call_command("demo_seed", "--province", "75", "--seed", "1")
    assert (Area.objects.count(), Staff.objects.count(), User.objects.count()) == counts
    out = capsys.readouterr().out
    assert "canbo.bugiamap" in out and "GiamNgheo@2026" in out


def test_same_seed_same_people() -> None:
    def draw(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [names.kinh_name(rng, "F"), names.minority_name(rng, "M", "S'tiêng"), names.ethnic_group(rng)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)
    rng = random.Random(1)
    family_names = [names.kinh_name(rng, "M").split()[0] for _ in range(2000)]
    assert 0.3 < family_names.count("Nguyễn") / len(family_names) < 0.46


def test_another_province_gets_demo_accounts_too(db) -> None:
    report = seed_demo(province_code=96, seed=3)  # Cà Mau
    usernames = [a.username for a in report.accounts]
    assert len([u for u in usernames if u.startswith("canbo.")]) == 2
