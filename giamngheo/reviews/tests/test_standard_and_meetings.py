"""Issue 11, items 6–7: the standard a round applies (and its what-if), village meetings per village,
empty lists that pass the meeting and the posting as not held, and the posting's end date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from giamngheo.core.errors import ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.households.models import Household
from giamngheo.households.services import StaleVersion
from giamngheo.households.tests.factories import make_household
from giamngheo.reviews import selectors, services
from giamngheo.reviews.models import Assessment, CommuneReview, ReviewRound, Step, StepEvent
from giamngheo.reviews.tests.meetings import hold_village_meetings
from giamngheo.reviews.whatif import round_whatif


@pytest.fixture
def review_round(province, users) -> ReviewRound:  # type: ignore[no-untyped-def]
    return services.round_open(province=province, year=2026, acting_user=users["chuyenvien"])


@pytest.fixture
def review(review_round, commune_a) -> CommuneReview:  # type: ignore[no-untyped-def]
    return CommuneReview.objects.get(round=review_round, commune=commune_a)


def _surveyed(review: CommuneReview, *households: Household) -> list[Assessment]:
    services.listing_complete(review=review, acting_user=None)
    found = []
    for household in households:
        assessment = Assessment.objects.get(round=review.round, household=household)
        found.append(
            services.survey_record(
                assessment=assessment,
                income_per_capita=household.income_per_capita or 900_000,
                version=ANY_VERSION,
                acting_user=None,
                surveyed_on=dt.date(2026, 10, 5),
            )
        )
    services.survey_complete(review=review, acting_user=None)
    review.refresh_from_db()
    return found


# The standard a round applies ----------------------------------------------------------------------------


def test_a_round_applies_the_standard_of_the_year_its_lists_take_effect(province, review_round) -> None:
    # The 2026 review decides the lists of 2027: Decree 351/2025's standard.
    assert (review_round.standard_year, review_round.standard_code) == (2027, "ND351-2025")
    closed = ReviewRound.objects.filter(province=province, year=2025).first() or services.round_open(
        province=province, year=2025, acting_user=None
    )
    assert (closed.standard_year, closed.standard_code) == (2026, "ND07-2021")
    label = selectors.round_standard_label(review_round=review_round)
    assert "351/2025" in label and "2027" in label
    with pytest.raises(ValidationFailed, match="2031"):  # no standard governs 2031 yet
        services.round_open(province=province, year=2030, acting_user=None)


def test_the_standard_changes_with_a_reason_before_the_survey_only(review, commune_a, users) -> None:
    review_round = review.round
    specialist = users["chuyenvien"]
    with pytest.raises(ValidationFailed):  # a reason is required
        services.round_standard_change(
            review_round=review_round, standard_year=2026, reason=" ", acting_user=specialist
        )
    with pytest.raises(ValidationFailed):  # no standard governs 2035
        services.round_standard_change(
            review_round=review_round, standard_year=2035, reason="x", acting_user=specialist
        )
    changed = services.round_standard_change(
        review_round=review_round, standard_year=2026, reason="Công văn của tỉnh", acting_user=specialist
    )
    assert (changed.standard_year, changed.standard_code, changed.standard_reason) == (
        2026,
        "ND07-2021",
        "Công văn của tỉnh",
    )
    record = AuditRecord.objects.get(action="reviews.round.standard")
    assert record.note == "Công văn của tỉnh"
    # classify_assessment uses the round's standard.
    household = make_household(commune_a, category="poor", income_per_capita=1_200_000)
    review.round.refresh_from_db()
    (assessment,) = _surveyed(review, household)
    assert assessment.standard == "ND07-2021"
    with pytest.raises(ValidationFailed):  # the survey started: the standard is fixed
        services.round_standard_change(
            review_round=review_round, standard_year=2027, reason="Trở lại", acting_user=specialist
        )


def test_the_default_round_classifies_by_the_next_years_standard(review, commune_a) -> None:
    household = make_household(commune_a, category="near_poor", income_per_capita=1_800_000)
    (assessment,) = _surveyed(review, household)
    # 1.8 million đồng: near-poor under the 2027 line (2.2 million), above the 2026 line (1.5 million).
    assert (assessment.standard, assessment.proposed_category) == ("ND351-2025", "near_poor")


def test_the_round_page_shows_its_standard_and_the_specialist_changes_it(review_round, users) -> None:
    specialist = client_for(users["chuyenvien"])
    page = specialist.get(reverse("reviews:round-detail", args=[review_round.pk])).content.decode()
    assert 'data-testid="round-standard"' in page
    assert "Nghị định 351/2025/NĐ-CP" in page and "01/01/2027" in page
    assert "tạm thời" in page.lower()
    url = reverse("reviews:round-standard", args=[review_round.pk])
    refused = specialist.post(url, {"standard_year": "2026", "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    specialist.post(url, {"standard_year": "2026", "reason": "Theo văn bản của UBND tỉnh"})
    review_round.refresh_from_db()
    assert review_round.standard_code == "ND07-2021"
    page = specialist.get(reverse("reviews:round-detail", args=[review_round.pk])).content.decode()
    assert "Theo văn bản của UBND tỉnh" in page
    officer = client_for(users["canbo.bugiamap"])
    assert officer.post(url, {"standard_year": "2027", "reason": "x"}).status_code in (403, 404)


# What-if ----------------------------------------------------------------------------------------------------


@pytest.fixture
def small_world(db) -> tuple[ReviewRound, Area]:  # type: ignore[no-untyped-def]
    """A province of its own with one rural commune and five households of known facts."""
    province = Area.objects.create(code="98", name="Tỉnh Thử", level=AreaLevel.PROVINCE, division_type="tinh")
    commune = Area.objects.create(
        code="98001", name="Xã Thử", level=AreaLevel.COMMUNE, division_type="xa", parent=province
    )
    Area.objects.create(
        code="98001-01", name="Thôn Một", level=AreaLevel.VILLAGE, division_type="thon", parent=commune
    )
    make_household(commune, income_per_capita=1_000_000)  # near-poor under both
    make_household(commune, income_per_capita=1_800_000)  # near-poor in 2027 only
    make_household(commune, income_per_capita=3_000_000)  # neither
    make_household(commune, income_per_capita=None)  # not determined under both
    make_household(  # poor under both: three indicators lacking in either standard
        commune,
        income_per_capita=1_000_000,
        water_source="surface",
        latrine="none",
        devices=[],
        waste_handling="dumped",
    )
    return services.round_open(province=province, year=2026, acting_user=None), commune


def test_whatif_counts_per_commune_under_both_standards(small_world) -> None:  # type: ignore[no-untyped-def]
    review_round, commune = small_world
    result = round_whatif(review_round=review_round, now_year=2026, chunk_size=2)
    assert (result["round_standard"], result["now_standard"]) == ("ND351-2025", "ND07-2021")
    (row,) = result["rows"]
    assert row["commune_id"] == commune.pk and row["households"] == 5
    assert (row["a_poor"], row["a_near_poor"], row["a_unknown"]) == (1, 2, 1)
    assert (row["b_poor"], row["b_near_poor"], row["b_unknown"]) == (1, 1, 1)
    assert row["changed"] == 1


def test_whatif_page_runs_a_job_and_shows_the_table(review_round, users) -> None:
    specialist = client_for(users["chuyenvien"])
    url = reverse("dataio:round-whatif", args=[review_round.pk])
    assert "Chưa tính" in specialist.get(url).content.decode()
    specialist.post(url)
    page = specialist.get(url)
    assert page.status_code == 200 and page.context["rows"], page.content.decode()[:2000]
    assert 'data-testid="whatif-table"' in page.content.decode()
    # Both lines name their standard, B the one in force in the year the what-if was computed for.
    from giamngheo.reviews.selectors import national_standard_name

    now_name = national_standard_name(year=page.context["result"]["now_year"])
    assert now_name and page.context["now_standard_name"] == now_name
    assert now_name in page.content.decode()
    totals = page.context["totals"]
    assert totals["households"] == sum(r["households"] for r in page.context["rows"])
    leader = client_for(users["lanhdao"])  # a viewer of the province sees the result, cannot start a job
    seen = leader.get(url)
    assert seen.status_code == 200 and seen.context["rows"] == page.context["rows"]
    assert 'data-testid="whatif-run"' not in seen.content.decode()
    assert leader.post(url).status_code == 403
    officer = client_for(users["canbo.bugiamap"])  # sees only a commune: not the province's what-if
    assert officer.get(url).status_code == 404
    assert officer.post(url).status_code in (403, 404)


# Village meetings -------------------------------------------------------------------------------------------


def test_meetings_are_held_per_village(review, commune_a, commune_b, users) -> None:
    villages = list(commune_a.children.filter(level=AreaLevel.VILLAGE).order_by("code")[:2])
    first = make_household(commune_a, category="poor", village=villages[0], income_per_capita=900_000)
    second = make_household(commune_a, category="poor", village=villages[1], income_per_capita=900_000)
    a1, a2 = _surveyed(review, first, second)
    with pytest.raises(ValidationFailed):  # the village's meeting first
        services.meeting_record(
            version=ANY_VERSION,
            assessment=a1,
            votes_for=10,
            decided_category=a1.proposed_category,
            acting_user=None,
        )
    foreign = commune_b.children.filter(level=AreaLevel.VILLAGE).first()
    with pytest.raises(ValidationFailed):  # a village of another commune
        services.village_meeting_record(
            review=review,
            village=foreign,
            held_on=dt.date(2026, 10, 20),
            chair="X",
            attendance=5,
            acting_user=None,
        )
    empty_village = (
        commune_a.children.filter(level=AreaLevel.VILLAGE).exclude(pk__in=[v.pk for v in villages]).first()
    )
    if empty_village is not None:
        with pytest.raises(ValidationFailed):  # no household of that village on the list
            services.village_meeting_record(
                review=review,
                village=empty_village,
                held_on=dt.date(2026, 10, 20),
                chair="X",
                attendance=5,
                acting_user=None,
            )
    with pytest.raises(ValidationFailed):  # not in the future
        services.village_meeting_record(
            review=review,
            village=villages[0],
            held_on=timezone.localdate() + dt.timedelta(days=1),
            chair="X",
            attendance=5,
            acting_user=None,
        )
    meeting = services.village_meeting_record(
        review=review,
        village=villages[0],
        held_on=dt.date(2026, 10, 18),
        chair="Trưởng thôn",
        attendance=30,
        acting_user=None,
    )
    with pytest.raises(ValidationFailed):  # one meeting per village
        services.village_meeting_record(
            review=review,
            village=villages[0],
            held_on=dt.date(2026, 10, 19),
            chair="Y",
            attendance=3,
            acting_user=None,
        )
    with pytest.raises(ValidationFailed):  # more votes than attendees
        services.meeting_record(
            version=ANY_VERSION,
            assessment=a1,
            votes_for=31,
            decided_category=a1.proposed_category,
            acting_user=None,
        )
    voted = services.meeting_record(
        version=ANY_VERSION,
        assessment=a1,
        votes_for=25,
        decided_category=a1.proposed_category,
        acting_user=None,
    )
    assert voted.meeting_attendance == 30  # the village meeting's attendance by default
    with pytest.raises(ValidationFailed):  # the second village has not met
        services.meeting_complete(review=review, acting_user=None)
    with pytest.raises(StaleVersion):
        services.village_meeting_update(
            meeting=meeting,
            version=meeting.version + 1,
            held_on=meeting.held_on,
            chair="Z",
            attendance=30,
            acting_user=None,
        )
    with pytest.raises(ValidationFailed):  # 30 people already voted
        services.village_meeting_update(
            meeting=meeting,
            version=meeting.version,
            held_on=meeting.held_on,
            chair="Z",
            attendance=20,
            acting_user=None,
        )
    services.village_meeting_update(
        meeting=meeting,
        version=meeting.version,
        held_on=meeting.held_on,
        chair="Bà Lan",
        attendance=35,
        acting_user=None,
    )
    services.village_meeting_record(
        review=review,
        village=villages[1],
        held_on=dt.date(2026, 10, 21),
        chair="Ông Ba",
        attendance=12,
        acting_user=None,
    )
    services.meeting_record(
        version=ANY_VERSION,
        assessment=a2,
        votes_for=12,
        decided_category=a2.proposed_category,
        acting_user=None,
    )
    services.meeting_complete(review=review, acting_user=None)
    review.refresh_from_db()
    assert review.step == Step.MEETING
    assert (review.meeting_date, review.meeting_attendance) == (dt.date(2026, 10, 21), 35 + 12)
    assert AuditRecord.objects.filter(action="reviews.village_meeting.update").exists()


def test_an_empty_list_passes_meeting_and_posting_as_not_held(review, users) -> None:
    officer = client_for(users["canbo.bugiamap"])
    services.listing_complete(review=review, acting_user=None)
    services.survey_complete(review=review, acting_user=None)
    page = officer.get(reverse("reviews:commune-review", args=[review.pk])).content.decode()
    assert 'data-testid="empty-list-meeting"' in page
    officer.post(reverse("reviews:step-action", args=[review.pk]), {"action": "meeting_complete"})
    review.refresh_from_db()
    assert review.step == Step.MEETING and review.meeting_date is None and review.meeting_attendance is None
    event = StepEvent.objects.filter(commune_review=review, step=Step.MEETING).latest("pk")
    assert event.data == {"held": False, "reason": services.NOT_HELD_EMPTY_LIST}
    with pytest.raises(ValidationFailed):  # never with a date
        services.posting_complete(
            review=review,
            posting_from=dt.date(2026, 10, 1),
            posting_to=dt.date(2026, 10, 8),
            acting_user=None,
        )
    officer.post(reverse("reviews:step-action", args=[review.pk]), {"action": "posting_not_held"})
    review.refresh_from_db()
    assert review.step == Step.POSTING and review.posting_from is None and review.posting_to is None
    page = officer.get(reverse("reviews:commune-review", args=[review.pk])).content.decode()
    assert (
        f'data-testid="not-held-{Step.MEETING}"' in page and f'data-testid="not-held-{Step.POSTING}"' in page
    )
    assert "Không tổ chức: danh sách không có hộ nào" in page


def test_the_posting_closes_on_its_last_day_or_later(review, commune_a) -> None:
    household = make_household(commune_a, category="poor", income_per_capita=900_000)
    (assessment,) = _surveyed(review, household)
    hold_village_meetings(review, on=dt.date(2026, 10, 20), attendance=20)
    services.meeting_record(
        version=ANY_VERSION,
        assessment=assessment,
        votes_for=15,
        decided_category=assessment.proposed_category,
        acting_user=None,
    )
    services.meeting_complete(review=review, acting_user=None)
    review.refresh_from_db()
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match=(today + dt.timedelta(days=1)).strftime("%d/%m/%Y")):
        services.posting_complete(
            review=review,
            posting_from=dt.date(2026, 10, 21),
            posting_to=today + dt.timedelta(days=1),
            acting_user=None,
        )
    with pytest.raises(ValidationFailed):  # the posting follows the meetings
        services.posting_complete(
            review=review, posting_from=dt.date(2026, 10, 19), posting_to=today, acting_user=None
        )
    services.posting_complete(
        review=review, posting_from=dt.date(2026, 10, 21), posting_to=today, acting_user=None
    )
    review.refresh_from_db()
    assert review.step == Step.POSTING and review.posting_to == today


def test_the_commune_page_lists_villages_and_records_a_meeting(review, commune_a, users) -> None:
    household = make_household(commune_a, category="poor", income_per_capita=900_000)
    _surveyed(review, household)
    officer = client_for(users["canbo.bugiamap"])
    village = household.village
    url = reverse("reviews:village-meeting", args=[review.pk, village.pk])
    officer.post(url, {"held_on": "2026-10-20", "chair": "Ông A", "attendance": "25", "version": ""})
    meeting = review.meetings.get(village=village)
    # Someone else edits it; the stale form keeps what was typed and is refused.
    services.village_meeting_update(
        meeting=meeting,
        version=meeting.version,
        held_on=meeting.held_on,
        chair="Bà B",
        attendance=26,
        acting_user=None,
    )
    stale = officer.post(
        url, {"held_on": "2026-10-20", "chair": "Ông C", "attendance": "27", "version": str(meeting.version)}
    )
    assert stale.status_code == 200 and 'value="Ông C"' in stale.content.decode()
    meeting.refresh_from_db()
    assert meeting.chair == "Bà B"
    page = officer.get(reverse("reviews:commune-review", args=[review.pk])).content.decode()
    assert 'data-testid="village-meetings"' in page and "Bà B" in page
    assert "1 hộ trong danh sách" in page and "26 người dự họp" in page
