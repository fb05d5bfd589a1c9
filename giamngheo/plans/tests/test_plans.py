"""Plans, targets, allocations, reported values, thresholds and priorities against a small fixed world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION, StaleVersion
from giamngheo.plans import indicators as ind
from giamngheo.plans import selectors, services
from giamngheo.plans.models import Plan, TargetAllocation
from giamngheo.plans.sorting import vi_key
from giamngheo.reviews import figures as F
from giamngheo.reviews.models import AreaSummary, ReviewRound

YEAR = 2023  # no demo round that year: the world below is the only one


def _summary(review_round: ReviewRound, area: Any, households: int, poor: int, **extra: int) -> AreaSummary:
    figures = {
        F.all_key(F.HH): households,
        F.category_key(F.POOR, F.END): poor,
        F.category_key(F.NEAR_POOR, F.END): extra.get("near_poor", 0),
        F.flow_key(F.POOR, F.POOR_TO_NEAR_POOR): extra.get("escaped", 0),
    }
    return AreaSummary.objects.create(
        round=review_round,
        area=area,
        households=households,
        end_poor=poor,
        figures={k: v for k, v in figures.items() if v},
    )


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
    rate = services.target_create(
        plan=plan,
        name="Tỷ lệ hộ nghèo",
        indicator_key="poverty_rate",
        baseline_value=Decimal("3.30"),
        target_value=Decimal("3.15"),
        direction="down",
        deadline=dt.date(YEAR, 12, 31),
        acting_user=None,
    )
    escaped = services.target_create(
        plan=plan,
        name="Thoát nghèo",
        indicator_key="escaped_poverty",
        baseline_value=Decimal(0),
        target_value=Decimal(20),
        direction="up",
        deadline=dt.date(YEAR, 12, 31),
        acting_user=None,
    )
    trained = services.target_create(
        plan=plan,
        name="Tập huấn",
        indicator_key="programme_disbursement",
        baseline_value=Decimal(0),
        target_value=Decimal(100),
        direction="up",
        deadline=dt.date(YEAR, 12, 31),
        acting_user=None,
    )
    return {"round": review_round, "plan": plan, "rate": rate, "escaped": escaped, "trained": trained}


# area_inputs -----------------------------------------------------------------------------------------------
def test_the_rate_is_poor_over_households_of_the_frozen_summary(
    world: Any, users: Any, province: Any
) -> None:
    inputs = selectors.area_inputs(user=users["chuyenvien"], area=province, year=YEAR)
    assert inputs[ind.POOR] == 30 and inputs[ind.HOUSEHOLDS] == 1000
    assert ind.indicator("poverty_rate").value(inputs) == Decimal("3.00")
    summary = AreaSummary.objects.get(round=world["round"], area=province)
    official = summary.figures[F.category_key(F.POOR, F.END)] * 100 / summary.figures[F.all_key(F.HH)]
    assert ind.indicator("poverty_rate").value(inputs) == Decimal(official).quantize(Decimal("0.01"))
    assert inputs[ind.ESCAPED_POVERTY] == 12
    assert inputs[ind.NEAR_POOR] == 0  # the summary exists: a count missing from figures is a zero


def test_unknown_stays_unknown(world: Any, users: Any, province: Any, commune_a: Any) -> None:
    specialist = users["chuyenvien"]
    assert selectors.area_inputs(user=specialist, area=province, year=YEAR - 1) == {}  # no round
    assert (
        ind.indicator("poverty_rate").value(selectors.area_inputs(user=specialist, area=province, year=2019))
        is None
    )
    village = commune_a.children.first()
    if village is not None:  # no summary of the village
        assert ind.POOR not in selectors.area_inputs(user=specialist, area=village, year=YEAR)
    inputs = selectors.area_inputs(user=specialist, area=province, year=YEAR)
    assert ind.COVERAGE_ELIGIBLE not in inputs  # no coverage counted in 2023
    assert ind.indicator("policy_coverage").value(inputs) is None
    assert selectors.series(
        user=specialist, area=province, indicator_key="poverty_rate", years=[YEAR - 1, YEAR]
    ) == [
        (YEAR - 1, None),
        (YEAR, Decimal("3.00")),
    ]


def test_an_officer_reads_no_counts_of_another_commune(world: Any, users: Any, commune_a: Any) -> None:
    assert selectors.area_inputs(user=users["canbo.tranbien"], area=commune_a, year=YEAR) == {}
    assert selectors.area_inputs(user=users["canbo.bugiamap"], area=commune_a, year=YEAR)[ind.POOR] == 20


# Target cards -----------------------------------------------------------------------------------------------
def test_target_cards_statuses(world: Any, users: Any, province: Any) -> None:
    cards = {c.target.pk: c for c in selectors.target_cards(user=users["lanhdao"], area=province, year=YEAR)}
    rate = cards[world["rate"].pk]
    assert rate.actual == Decimal("3.00") and rate.measured_year == YEAR
    assert rate.status == ind.Status.ACHIEVED and rate.status_label == "Đã đạt"
    escaped = cards[world["escaped"].pk]
    assert escaped.actual == Decimal(12) and escaped.status == ind.Status.OFF_TRACK  # 60 % at the year's end
    assert cards[world["trained"].pk].status == ind.Status.NO_DATA
    services.threshold_set(
        province=province,
        indicator_key="escaped_poverty",
        on_track=60,
        at_risk=50,
        version=ANY_VERSION,
        acting_user=None,
    )
    again = selectors.target_card(user=users["lanhdao"], target=world["escaped"], area=province, year=YEAR)
    assert again.status == ind.Status.ON_TRACK and "60" in again.rule


# Services ---------------------------------------------------------------------------------------------------
def test_plan_validation_audit_version_and_permission(world: Any, users: Any, province: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.plan_create(province=province, year_from=2026, year_to=2025, title="X", acting_user=None)
    assert error.value.extra["field"] == "year_to"
    plan = services.plan_create(
        province=province, year_from=2026, year_to=2027, title="KH", acting_user=users["chuyenvien"]
    )
    assert AuditRecord.objects.filter(action="plans.plan.create", target_id=str(plan.pk)).exists()
    services.plan_update(plan=plan, data={"title": "KH mới"}, version=1, acting_user=users["chuyenvien"])
    with pytest.raises(StaleVersion):
        services.plan_update(plan=plan, data={"title": "KH cũ"}, version=1, acting_user=users["chuyenvien"])
    assert Plan.objects.get(pk=plan.pk).title == "KH mới"
    for username in ("lanhdao", "canbo.bugiamap"):
        with pytest.raises(PermissionDenied):
            services.plan_create(
                province=province, year_from=2026, year_to=2026, title="X", acting_user=users[username]
            )
    # The department office sees the province through its org unit: it may manage the plans.
    services.plan_update(plan=plan, data={"note": "ghi chú"}, version=2, acting_user=users["vanphong"])


def test_target_validation(world: Any) -> None:
    plan = world["plan"]
    with pytest.raises(ValidationFailed) as error:
        services.target_create(
            plan=plan,
            name="X",
            indicator_key="no_such",
            target_value=Decimal(1),
            direction="up",
            deadline=dt.date(YEAR, 12, 31),
            acting_user=None,
        )
    assert error.value.extra["field"] == "indicator_key"
    with pytest.raises(ValidationFailed) as error:
        services.target_create(
            plan=plan,
            name="X",
            indicator_key="poverty_rate",
            target_value=Decimal(1),
            direction="down",
            deadline=dt.date(YEAR + 3, 12, 31),
            acting_user=None,
        )
    assert error.value.extra["field"] == "deadline" and "trong" in str(error.value.message)


def test_allocation_sum_of_a_count(world: Any, commune_a: Any, commune_b: Any) -> None:
    target = world["escaped"]
    services.allocation_save(target=target, commune=commune_a, target_value=Decimal(12), acting_user=None)
    check = services.allocation_check(target=target)
    assert check.method == "sum" and check.total == 12 and check.difference == -8 and not check.ok
    services.allocation_save(target=target, commune=commune_b, target_value=Decimal(8), acting_user=None)
    assert services.allocation_check(target=target).ok


def test_allocation_weighted_mean_of_a_rate(world: Any, commune_a: Any, commune_b: Any) -> None:
    target = world["rate"]  # province target 3.15 %; commune A has 400 households, B 600
    services.allocation_save(target=target, commune=commune_a, target_value=Decimal("4.50"), acting_user=None)
    services.allocation_save(target=target, commune=commune_b, target_value=Decimal("2.00"), acting_user=None)
    check = services.allocation_check(target=target)
    assert check.method == "weighted_mean" and check.total == Decimal("3.00")  # (4.5×400 + 2×600) / 1000
    assert check.difference == Decimal("-0.15") and check.ok
    allocation = TargetAllocation.objects.get(target=target, commune=commune_b)
    with pytest.raises(StaleVersion):
        services.allocation_save(
            target=target, commune=commune_b, target_value=Decimal("3.00"), version=5, acting_user=None
        )
    assert TargetAllocation.objects.get(pk=allocation.pk).target_value == Decimal("2.00")


# Reports, evidence, scoping ----------------------------------------------------------------------
def _pdf(name: str = "bao-cao.pdf", content: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_reports_are_scoped_and_evidence_download_is_404_for_another_commune(
    world: Any, users: Any, commune_a: Any, commune_b: Any
) -> None:
    target = world["trained"]
    report_a = services.report_create(
        target=target,
        area=commune_a,
        year=YEAR,
        value=Decimal(80),
        evidence=_pdf(),
        acting_user=users["canbo.bugiamap"],
    )
    assert AuditRecord.objects.filter(action="plans.report.create", target_id=str(report_a.pk)).exists()
    with pytest.raises(PermissionDenied):  # not their commune
        services.report_create(
            target=target, area=commune_a, year=YEAR, value=Decimal(1), acting_user=users["canbo.tranbien"]
        )
    report_b = services.report_create(
        target=target, area=commune_b, year=YEAR, value=Decimal(90), acting_user=users["canbo.tranbien"]
    )
    seen = set(
        selectors.report_list(user=users["canbo.tranbien"], target=target).values_list("pk", flat=True)
    )
    assert report_b.pk in seen and report_a.pk not in seen
    assert {report_a.pk, report_b.pk} <= set(
        selectors.report_list(user=users["vanphong"], target=target).values_list("pk", flat=True)
    )
    url = reverse("plans:report-evidence", kwargs={"pk": report_a.pk})
    assert client_for(users["canbo.tranbien"]).get(url).status_code == 404
    own = client_for(users["canbo.bugiamap"]).get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"%PDF-1.4 test"


def test_an_officer_sees_only_their_communes_allocation(
    world: Any, users: Any, commune_a: Any, commune_b: Any
) -> None:
    target = world["escaped"]
    services.allocation_save(target=target, commune=commune_a, target_value=Decimal(12), acting_user=None)
    services.allocation_save(target=target, commune=commune_b, target_value=Decimal(8), acting_user=None)
    assert [a.commune for a in selectors.allocation_list(user=users["canbo.tranbien"], target=target)] == [
        commune_b
    ]
    card = selectors.target_card(user=users["canbo.tranbien"], target=target, area=commune_b, year=YEAR)
    assert card.allocation is not None and card.target_value == 8 and card.actual == 4
    assert selectors.allocation_of(user=users["canbo.tranbien"], target=target, commune=commune_a) is None


def test_evidence_kind_and_size_are_refused(world: Any, users: Any, commune_a: Any) -> None:
    target = world["trained"]
    with pytest.raises(ValidationFailed) as error:
        services.report_create(
            target=target,
            area=commune_a,
            year=YEAR,
            value=Decimal(1),
            evidence=_pdf("virus.exe"),
            acting_user=None,
        )
    assert error.value.extra["field"] == "evidence"
    with pytest.raises(ValidationFailed):  # a computed target takes no entered value
        services.report_create(
            target=world["rate"], area=commune_a, year=YEAR, value=Decimal(1), acting_user=None
        )
    client = client_for(users["canbo.bugiamap"])
    url = reverse("plans:reports", kwargs={"pk": target.pk})
    data = {"area": commune_a.pk, "year": YEAR, "value": "50", "evidence": _pdf("anh.gif", b"GIF89a")}
    page = client.post(url, data)
    assert page.status_code == 200 and "PDF, Word (docx)" in page.content.decode()
    limits = {**__import__("django.conf").conf.settings.UPLOAD_MAX_BYTES, "plan_evidence": 100}
    with override_settings(UPLOAD_MAX_BYTES=limits):
        data["evidence"] = _pdf("lon.pdf", b"%PDF" + b"x" * 5000)
        page = client.post(url, data)
    assert page.status_code == 200 and "lớn nhất" in page.content.decode()
    assert not target.reports.exists()


# Pages ------------------------------------------------------------------------------------------------
def test_pages_render_in_vietnamese(world: Any, users: Any) -> None:
    client = client_for(users["chuyenvien"])
    pages = {
        reverse("plans:plan-list"): ["Kế hoạch và chỉ tiêu", "Kế hoạch mới"],
        reverse("plans:plan-detail", kwargs={"pk": world["plan"].pk}): ["Chỉ tiêu mới", "Đã đạt"],
        reverse("plans:target-create", kwargs={"pk": world["plan"].pk}): [
            "Tính từ số liệu",
            "Tỷ lệ hộ nghèo đa chiều",
        ],
        reverse("plans:allocations", kwargs={"pk": world["escaped"].pk}): [
            "Phân bổ cho các xã",
            "Xã Bù Gia Mập",
        ],
        reverse("plans:reports", kwargs={"pk": world["trained"].pk}): ["Giá trị đã báo cáo"],
        reverse("plans:thresholds"): ["Ngưỡng đánh giá"],
        reverse("plans:priorities") + f"?year={YEAR}": ["Địa bàn ưu tiên", "Xã Bù Gia Mập"],
    }
    for url, expected in pages.items():
        body = client.get(url).content.decode()
        for text in expected:
            assert text in body, f"{url}: {text}"
        for english in (
            "Plans and targets",
            "New target",
            "Target value",
            "Priority areas",
            "Thresholds",
            "No data yet",
        ):
            assert english not in body, f"{url}: {english}"


def test_allocation_page_lists_communes_in_vietnamese_order_and_saves(
    world: Any, users: Any, commune_a: Any
) -> None:
    client = client_for(users["chuyenvien"])
    url = reverse("plans:allocations", kwargs={"pk": world["escaped"].pk})
    body = client.get(url).content.decode()
    names = [c.name for c in selectors.allocation_communes(user=users["chuyenvien"], target=world["escaped"])]
    assert names == sorted(names, key=vi_key)
    positions = [body.index(n) for n in names[:5]]
    assert positions == sorted(positions)
    response = client.post(url, {f"value_{commune_a.pk}": "20"})
    assert response.status_code == 302
    assert services.allocation_check(target=world["escaped"]).ok


def test_vietnamese_order() -> None:
    names = ["Xã Đak Nhau", "Xã Bình Phước", "Xã Bảo Vinh", "Phường Dĩ An", "Xã Ea"]
    assert sorted(names, key=vi_key) == [
        "Xã Bảo Vinh",
        "Xã Bình Phước",
        "Phường Dĩ An",
        "Xã Đak Nhau",
        "Xã Ea",
    ]


def test_priorities_ranking_and_filter(world: Any, users: Any, commune_a: Any) -> None:
    rows = selectors.ranking(user=users["chuyenvien"], year=YEAR)
    assert [r.area for r in rows[:2]] == [commune_a, rows[1].area] and rows[0].poverty_rate == Decimal("5.00")
    mark = services.priority_mark(
        year=YEAR, area=commune_a, reason="cao nhất", acting_user=users["chuyenvien"]
    )
    with pytest.raises(ValidationFailed):
        services.priority_mark(year=YEAR, area=commune_a, reason="lần hai", acting_user=users["chuyenvien"])
    assert selectors.priority_paths(user=users["chuyenvien"], year=YEAR) == [commune_a.path]
    assert selectors.priority_paths(user=users["canbo.tranbien"], year=YEAR) == []
    page = client_for(users["chuyenvien"]).get(reverse("plans:priorities") + f"?year={YEAR}&priority=1")
    assert "cao nhất" in page.content.decode() and "Phường Trấn Biên" not in page.content.decode()
    services.priority_unmark(priority=mark, acting_user=users["chuyenvien"])
    assert not selectors.priority_areas(user=users["chuyenvien"], year=YEAR).exists()


def test_demo_plan_is_seeded(province: Any, users: Any) -> None:
    plan = Plan.objects.filter(province=province, year_from=2024).first()
    assert plan is not None and "Vì người nghèo – Không để ai bị bỏ lại phía sau" in plan.title
    assert "666/QĐ-TTg" in plan.note and "CHƯA XÁC NHẬN" in plan.note
    keys = set(plan.targets.values_list("indicator_key", flat=True))
    assert keys == {
        "poverty_rate",
        "escaped_poverty",
        "policy_coverage",
        "programme_disbursement",
        "officers_trained",
        "trainees_employed",
        "fund_staff_share",
        "fund_raised",
        "relief_coverage",
    }
    trained = plan.targets.get(indicator_key="programme_disbursement")
    assert trained.reports.filter(evidence__endswith=".pdf").exists()
    assert selectors.thresholds_for(province_id=province.pk, indicator_key="poverty_rate").at_risk == 80


def test_the_cards_of_a_page_count_an_area_and_a_year_once(
    world: Any, users: Any, province: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard's cards share one count of the area and year (it was some twenty queries per computed
    target: 348 queries on the province's dashboard of the load test), and find the same values."""
    calls: list[tuple[int, int]] = []
    counted = selectors.area_inputs

    def spy(*, user: User, area: Any, year: int) -> Any:
        calls.append((area.pk, year))
        return counted(user=user, area=area, year=year)

    monkeypatch.setattr(selectors, "area_inputs", spy)
    cards = {c.target.pk: c for c in selectors.target_cards(user=users["lanhdao"], area=province, year=YEAR)}
    assert calls == [(province.pk, YEAR)]
    assert cards[world["rate"].pk].actual == Decimal("3.00")
    assert cards[world["escaped"].pk].actual == Decimal(12)
    calls.clear()
    alone = selectors.target_card(user=users["lanhdao"], target=world["escaped"], area=province, year=YEAR)
    assert alone.actual == Decimal(12) and calls == [(province.pk, YEAR)]
