"""Targets at risk: the daily scan (who is told, once per target, period and status), the job kind and the
command, the weekly digest's "targets" section; the priority provider of ``geo.priorities``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import client_for
from giamngheo.geo import priorities
from giamngheo.households.tests.factories import make_household
from giamngheo.jobs import registry as job_registry
from giamngheo.jobs.models import JobKind
from giamngheo.notices import services as notices
from giamngheo.notices.digest import Week
from giamngheo.notices.models import NoticeKind, Notification
from giamngheo.org.models import OrgUnit
from giamngheo.plans import alerts, selectors, services
from giamngheo.plans import indicators as ind
from giamngheo.policies import selectors as policy_selectors
from giamngheo.policies.models import CoverageSummary, Entitlement, Policy
from giamngheo.reviews.models import AreaSummary, ReviewRound

from .test_plans import YEAR, _summary

DAY = dt.date(YEAR, 12, 31)


@pytest.fixture
def world(province: Any, commune_a: Any, commune_b: Any) -> dict[str, Any]:
    review_round = ReviewRound.objects.create(
        province=province,
        year=YEAR,
        starts_on=dt.date(YEAR, 9, 1),
        ends_on=dt.date(YEAR, 12, 14),
        status="closed",
    )
    _summary(review_round, province, 1000, 30, escaped=12)
    _summary(review_round, commune_a, 400, 20, escaped=8)
    _summary(review_round, commune_b, 600, 10, escaped=4)
    plan = services.plan_create(
        province=province, year_from=YEAR, year_to=YEAR, title="KH thử", acting_user=None
    )
    division = OrgUnit.objects.get(area=province, short_name="PTNT-GN")
    escaped = services.target_create(
        plan=plan,
        name="Thoát nghèo",
        indicator_key="escaped_poverty",
        baseline_value=Decimal(0),
        target_value=Decimal(20),
        direction="up",
        deadline=DAY,
        responsible_unit=division,
        acting_user=None,
    )
    rate = services.target_create(
        plan=plan,
        name="Tỷ lệ hộ nghèo",
        indicator_key="poverty_rate",
        baseline_value=Decimal("3.30"),
        target_value=Decimal("3.15"),
        direction="down",
        deadline=DAY,
        responsible_unit=division,
        acting_user=None,
    )
    return {"plan": plan, "escaped": escaped, "rate": rate, "round": review_round}


def test_a_target_off_track_tells_its_unit_and_the_province_once(world: Any, users: Any) -> None:
    result = alerts.alerts_scan(on=DAY)
    assert result["targets"] == 1  # the escaped target (12 of 20); the rate is achieved
    key = f"target_risk:{world['escaped'].pk}:{YEAR}:{ind.Status.OFF_TRACK}"
    told = set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))
    assert told == {"truongphong", "vanphong", "chuyenvien", "lanhdao"}
    notice = Notification.objects.get(key=key, recipient=users["lanhdao"])
    assert notice.kind == NoticeKind.TARGET_AT_RISK and notice.title == "Chậm tiến độ: Thoát nghèo"
    assert "thực hiện 12 hộ" in notice.body and "chỉ tiêu 20 hộ" in notice.body and "31/12/" in notice.body
    assert notice.url == reverse("plans:plan-detail", args=[world["plan"].pk])
    # Read or not, the same target, period and status is not told again (the scan runs daily).
    notices.mark_all_read(user=users["lanhdao"])
    out = StringIO()
    call_command("plans_alerts", on=DAY.isoformat(), stdout=out)
    assert "1 target(s)" in out.getvalue() and "0 notification(s)" in out.getvalue()
    assert Notification.objects.filter(key=key).count() == 4
    assert not Notification.objects.filter(recipient__username__startswith="canbo.").exists()


def test_the_job_kind_is_registered() -> None:
    assert job_registry.is_registered(JobKind.PLAN_ALERTS)
    assert str(job_registry.label(JobKind.PLAN_ALERTS))


def test_the_digest_lists_the_targets_of_the_scope_with_actual_and_target(world: Any, users: Any) -> None:
    section = alerts.target_section(users["lanhdao"], Week.ending(DAY))
    assert section is not None and section.key == "targets"
    assert [row.label for row in section.rows] == ["Thoát nghèo · Đồng Nai (Chậm tiến độ)"]
    assert section.rows[0].note == "thực hiện 12 hộ gia đình (2023) / chỉ tiêu 20 hộ gia đình"
    # A commune officer: the province's count says nothing of the commune (no allocation): nothing listed.
    officer = alerts.target_section(users["canbo.tranbien"], Week.ending(DAY))
    assert officer is not None and not officer.rows
    assert alerts.target_section(users["truongphong"], Week.ending(DAY)) is None  # no VIEW_TABLES


def test_targets_needing_attention_are_scoped(world: Any, users: Any, commune_a: Any) -> None:
    services.allocation_save(
        target=world["escaped"],
        commune=commune_a,
        baseline_value=Decimal(0),
        target_value=Decimal(20),
        acting_user=None,
    )
    officer = selectors.targets_needing_attention(user=users["canbo.bugiamap"], year=YEAR)
    # Bù Gia Mập: 8 of its 20 households out of poverty, and a rate of 5 % against the province's 3,15 %.
    assert {(c.target.pk, c.area.pk, c.status) for c in officer} == {
        (world["escaped"].pk, commune_a.pk, ind.Status.OFF_TRACK),
        (world["rate"].pk, commune_a.pk, ind.Status.OFF_TRACK),
    }
    # Trấn Biên: 1,67 % is below the target rate, and no share of the escaped households was given to it.
    assert selectors.targets_needing_attention(user=users["canbo.tranbien"], year=YEAR) == []


# Priority areas as a filter of the lists of the apps below plans ----------------------------------------
def test_the_priority_provider_filters_coverage_and_gaps(
    world: Any, users: Any, commune_a: Any, commune_b: Any
) -> None:
    policy = Policy.objects.filter(is_active=True).order_by("pk").first()
    assert policy is not None
    for commune, eligible in ((commune_a, 10), (commune_b, 30)):
        CoverageSummary.objects.create(
            year=YEAR, policy=policy, commune=commune, eligible_households=eligible, eligible_units=eligible
        )
    specialist = users["chuyenvien"]
    assert priorities.priority_area_ids(YEAR) == set()  # the provider is registered: nothing marked
    assert not policy_selectors.priority_marked(year=YEAR)
    none = policy_selectors.coverage_by_policy(user=specialist, year=YEAR, priority=True)
    assert sum(r.tally.eligible_units for r in none) == 0  # nothing marked: nothing, not the province
    services.priority_mark(year=YEAR, area=commune_a, reason="cao nhất", acting_user=specialist)
    assert priorities.priority_area_ids(YEAR) == {commune_a.pk}
    rows = policy_selectors.coverage_by_policy(user=specialist, year=YEAR, priority=True)
    assert sum(r.tally.eligible_units for r in rows) == 10
    everyone = policy_selectors.coverage_by_policy(user=specialist, year=YEAR)
    assert sum(r.tally.eligible_units for r in everyone) == 40
    _areas, matrix = policy_selectors.coverage_matrix(user=specialist, year=YEAR, priority=True)
    assert [r.commune for r in matrix] == [commune_a]
    for commune in (commune_a, commune_b):
        household = make_household(commune)
        Entitlement.objects.create(
            year=YEAR,
            policy=policy,
            household=household,
            commune=commune,
            village=household.village,
            eligible=True,
            covered=False,
        )
    gaps = policy_selectors.gap_list(user=specialist, policy=policy, year=YEAR, priority=True)
    assert [e.commune_id for e in gaps] == [commune_a.pk]
    assert policy_selectors.gap_list(user=specialist, policy=policy, year=YEAR).count() == 2


def test_the_priority_box_on_the_pages(world: Any, users: Any, commune_a: Any) -> None:
    client = client_for(users["chuyenvien"])
    page = client.get(reverse("policies:coverage-matrix") + "?priority=1").content.decode()
    assert 'data-testid="priority-filter"' in page and "checked" in page
    year = policy_selectors.coverage_years()[0]
    if not policy_selectors.priority_marked(year=year):
        assert 'data-testid="priority-none"' in page and "Chưa có xã, thôn nào được đánh dấu ưu tiên" in page
    dashboard = client.get(reverse("dashboard:index") + f"?year={YEAR}&priority=1").content.decode()
    assert 'data-testid="priority-none"' in dashboard
    services.priority_mark(year=YEAR, area=commune_a, reason="cao nhất", acting_user=users["chuyenvien"])
    dashboard = client.get(reverse("dashboard:index") + f"?year={YEAR}&priority=1").content.decode()
    assert 'data-testid="priority-none"' not in dashboard
    assert AreaSummary.objects.filter(round=world["round"], area=commune_a).exists()
    links = dashboard[dashboard.index('data-testid="child-links"') :]
    assert "Xã Bù Gia Mập" in links and "Phường Trấn Biên" not in links[: links.index("</ul>")]
