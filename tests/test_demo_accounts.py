"""Every demo account has something real to do: what README's "Demo accounts — what each one sees" promises
is checked here by signing in as the account and opening the pages it names.

The session's database has the demo without households; this test seeds the households, the three review
rounds, the support and the plans inside its own transaction (rolled back afterwards).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.demo.seed import seed_demo
from giamngheo.geo.models import Area
from giamngheo.plans.indicators import indicator
from giamngheo.plans.models import Plan, PriorityArea, Target
from giamngheo.plans.selectors import area_inputs
from giamngheo.reviews.models import AreaSummary, CommuneReview, ReviewRound

HOUSEHOLDS = 600


def _page(user: User, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200, (user.username, url, response.status_code)
    return response.content.decode()


def _section(page: str, testid: str) -> str:
    """The HTML of the element ``data-testid=testid`` up to the next section (enough to look inside)."""
    start = page.index(f'data-testid="{testid}"')
    return page[start : start + 6000]


@pytest.fixture
def demo(province: Area) -> dict[str, Any]:
    Plan.objects.filter(province=province).delete()  # the session's plans were seeded without rounds
    PriorityArea.objects.all().delete()
    seed_demo(province_code=75, households=HOUSEHOLDS, seed=1)
    users = {u.username: u for u in User.objects.all()}
    return {"users": users, "province": province}


@pytest.mark.django_db
def test_each_demo_account_sees_what_the_readme_promises(demo: dict[str, Any], province: Area) -> None:
    users = demo["users"]
    current = Plan.objects.filter(province=province).order_by("-year_to").first()
    assert current is not None and current.year_to == 2026
    trained = Target.objects.get(plan=current, indicator_key="programme_disbursement")

    # The programme's activities feed their indicators: each computed target has a value this year.
    inputs = area_inputs(user=users["chuyenvien"], area=province, year=2026)
    for key in ("officers_trained", "trainees_employed", "fund_staff_share", "fund_raised"):
        value = indicator(key).value(inputs)
        assert value is not None and value > 0, key
    assert indicator("relief_coverage").value(inputs) is not None

    # Three closed/open rounds: the dashboard's rate series has a point a year and movements each year.
    years = list(ReviewRound.objects.filter(province=province).order_by("year").values_list("year", "status"))
    assert years == [(2024, "closed"), (2025, "closed"), (2026, "open")]
    for year in (2024, 2025):
        total = AreaSummary.objects.get(round__year=year, area=province)
        assert total.escaped_poverty > 0 and total.newly_poor + total.re_poor > 0

    # chuyenvien: the province's dashboard with its alerts, the trend over three rounds, the priority filter.
    page = _page(users["chuyenvien"], reverse("dashboard:index"))
    charts = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert len(charts["rates"]["categories"]) >= 3
    assert "Chậm tiến độ" in _section(page, "alert-targets")
    assert "Xã Bù Gia Mập" in _section(page, "alert-overdue-requests")
    coverage = _page(users["chuyenvien"], reverse("policies:coverage") + "?year=2026&priority=1")
    assert 'data-testid="coverage-table"' in coverage and 'data-testid="priority-none"' not in coverage
    # No priority area marked for 2024: the filtered dashboard says so instead of showing the province.
    filtered = _page(users["chuyenvien"], reverse("dashboard:index") + "?year=2024&priority=1")
    assert 'data-testid="priority-none"' in filtered and 'data-testid="child-links"' not in filtered
    marked = _page(users["chuyenvien"], reverse("dashboard:index") + "?year=2026&priority=1")
    links = _section(marked, "child-links")
    assert links.count("<li") == PriorityArea.objects.filter(year=2026, area__level="commune").count() > 0

    # vanphong: the target reports to collect (communes that have not reported the quarter).
    reports = _page(users["vanphong"], reverse("plans:reports", args=[trained.pk]))
    missing = _section(reports, "not-reported")
    assert "Xã Bù Gia Mập" in missing and "Phường Trấn Biên" in missing
    assert "Đồng Nai" in missing  # the province's own value of the quarter is not in yet
    assert 'data-testid="to-report"' in _page(users["vanphong"], reverse("plans:plan-list"))

    # truongphong: the targets of the unit to report (the province's quarter), and the notification.
    plans = _page(users["truongphong"], reverse("plans:plan-list"))
    to_report = _section(plans, "to-report")
    assert trained.name in to_report and "Đồng Nai" in to_report
    notices = _page(users["truongphong"], reverse("notices:list"))
    assert "Chậm tiến độ" in notices

    # lanhdao: off-track targets on the dashboard, the plan and the weekly digest.
    page = _page(users["lanhdao"], reverse("dashboard:index"))
    assert "Chậm tiến độ" in _section(page, "alert-targets")
    assert 'data-status="off_track"' in _page(
        users["lanhdao"], reverse("plans:plan-detail", args=[current.pk])
    )
    digest = _page(users["lanhdao"], reverse("notices:digest"))
    assert "Chậm tiến độ" in _section(digest, "digest-targets")

    # The commune officers: poor households, the open review, the gaps in policies, overdue requests.
    for username, commune_name in (
        ("canbo.bugiamap", "Xã Bù Gia Mập"),
        ("canbo.tranbien", "Phường Trấn Biên"),
    ):
        officer = users[username]
        households = _page(officer, reverse("households:household-list") + "?category=poor")
        poor = set(re.findall(r'href="/households/(\d+)/"', households))
        assert len(poor) >= 2, (username, len(poor))
        review = CommuneReview.objects.get(round__year=2026, commune__name=commune_name)
        page = _page(officer, reverse("reviews:commune-review", args=[review.pk]))
        assert 'data-testid="next-action"' in page
        coverage = _page(officer, reverse("policies:coverage") + "?year=2026")
        assert 'data-testid="gap-link"' in coverage
        requests = _page(officer, reverse("reviews:request-list") + "?state=overdue")
        assert re.search(r'data-testid="count-overdue">\s*1\s*<', requests)
        page = _page(officer, reverse("dashboard:index"))
        assert commune_name in _section(page, "alert-overdue-requests")

    _emulation_work(demo)


def _emulation_work(demo: dict[str, Any]) -> None:
    """README's promises of issue 16: the office, the unit head, the council and the leader each find the
    movement's work waiting for them (part of the test above: one seed of the demo for both)."""
    from giamngheo.emulation.models import MovementPlan, Registration
    from giamngheo.initiatives.models import Initiative
    from giamngheo.officedocs.models import OfficialDocument
    from giamngheo.org.models import OrgUnit
    from giamngheo.scoring.models import ScoreSheet
    from giamngheo.unitreports.models import UnitReport

    users = demo["users"]
    plan = MovementPlan.objects.filter(year=2026).order_by("pk").first()
    assert plan is not None
    division = OrgUnit.objects.get(short_name="PTNT-GN")

    # The office: the 2026 plan's registrations in every state, one unit not registered.
    states = set(Registration.objects.filter(plan=plan).values_list("status", flat=True))
    assert {"approved", "sent", "returned"} <= states
    page = _page(users["vanphong"], reverse("emulation:plan-detail", args=[plan.pk]))
    assert "Chờ duyệt" in _section(page, "counts") and "Bị trả lại" in _section(page, "counts")
    assert "<li>" in _section(page, "not-registered")
    page = _page(users["vanphong"], reverse("unitreports:index"))
    assert 'data-testid="requests"' in page
    assert OfficialDocument.objects.filter(year=2025).exists()
    _page(users["vanphong"], reverse("officedocs:document-list"))

    # The unit head: the unit's registration approved, the quarter's report and the self-assessment to do.
    assert Registration.objects.get(plan=plan, org_unit=division).status == "approved"
    assert UnitReport.objects.filter(org_unit=division, status="draft").exists()
    page = _page(users["truongphong"], reverse("unitreports:index"))
    assert "<a" in _section(page, "to-do")
    sheet = ScoreSheet.objects.get(org_unit=division, criteria_set__plan=plan)
    assert sheet.status == "draft"
    page = _page(users["truongphong"], reverse("scoring:set-list"))
    assert reverse("scoring:sheet-detail", args=[sheet.pk]) in _section(page, "my-sheets")

    # The council: sheets sent and waiting, an initiative to evaluate.
    assert ScoreSheet.objects.filter(criteria_set__plan=plan, status="self_submitted").exists()
    assert Initiative.objects.filter(status="submitted").exists()
    page = _page(users["hoidong"], reverse("initiatives:initiative-list") + "?status=submitted")
    submitted = Initiative.objects.filter(status="submitted").first()
    assert submitted is not None and submitted.title in page
    _page(users["hoidong"], reverse("commendation:index"))

    # The leader: reports the office approved, waiting for the leader.
    assert UnitReport.objects.filter(status="office_approved").exists()
    page = _page(users["lanhdao"], reverse("unitreports:index"))
    assert "<li" in _section(page, "awaiting-leader")
