"""Initiatives: the authors' shares add up to exactly 100 % (nothing written otherwise), the council's
evaluation (a recognition needs its decision; a refusal or a return its reason; all audited), one use as a
commendation ground (a second use refused, the release frees it), scope (another unit's head gets a 404 and
never sees them in lists), and the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.accounts.services import user_create
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.initiatives import selectors, services
from giamngheo.initiatives.models import (
    Initiative,
    InitiativeAuthor,
    InitiativeFile,
    InitiativeStatus,
    InitiativeUse,
)
from giamngheo.initiatives.rates import recognised_counts
from giamngheo.initiatives.services import AuthorInput, Outcome
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff
from giamngheo.org.services import staff_create

TITLE = "Ứng dụng bản đồ số theo dõi hộ nghèo cấp xã"
PDF = b"%PDF-1.4 minh chung"


@pytest.fixture(autouse=True)
def _no_demo_initiatives(db: None) -> None:
    """The session's demo has initiatives; these tests count their own."""
    from giamngheo.initiatives.models import Initiative, InitiativeUse

    InitiativeUse.objects.all().delete()
    Initiative.objects.all().delete()


@pytest.fixture
def world(province: Any, users: dict[str, User]) -> dict[str, Any]:
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    poverty = department.children.get(short_name="PTNT-GN")
    other = department.children.exclude(pk=poverty.pk).order_by("path").first()
    assert other is not None
    staff = [
        staff_create(
            full_name=f"Tác Giả Thử {i}", org_unit=poverty, staff_type="civil_servant", acting_user=None
        )
        for i in range(2)
    ]
    other_staff = staff_create(
        full_name="Cán Bộ Phòng Khác", org_unit=other, staff_type="civil_servant", acting_user=None
    )
    other_head = user_create(
        username="truongphong.khac",
        password="Matkhau12345",
        full_name="Trưởng phòng khác",
        role="unit_head",
        scope_org_units=[other],
        acting_user=None,
    )
    return {
        "department": department,
        "poverty": poverty,
        "other": other,
        "staff": staff,
        "other_staff": other_staff,
        "head": users["truongphong"],
        "other_head": other_head,
        "office": users["vanphong"],
        "council": users["hoidong"],
        "leader": users["lanhdao"],
    }


def _authors(w: dict[str, Any], shares: tuple[str, ...] = ("60", "40")) -> list[AuthorInput]:
    people: list[AuthorInput] = [AuthorInput(share=Decimal(shares[0]), staff=w["staff"][0])]
    if len(shares) > 1:
        people.append(AuthorInput(share=Decimal(shares[1]), name="Nguyễn Văn Ngoài Sở"))
    return people


def _create(w: dict[str, Any], **extra: Any) -> Initiative:
    kwargs: dict[str, Any] = {
        "org_unit": w["poverty"],
        "year": 2026,
        "title": TITLE,
        "field": "poverty",
        "problem": "Theo dõi hộ nghèo bằng sổ giấy, chậm và sai sót.",
        "solution": "Bản đồ số cấp xã cập nhật hằng tháng.",
        "benefit": "Rút ngắn thời gian rà soát một nửa.",
        "applied_on": dt.date(2026, 3, 1),
        "authors": _authors(w),
        "acting_user": w["head"],
    } | extra
    return services.initiative_create(**kwargs)


def _submitted(w: dict[str, Any]) -> Initiative:
    initiative = _create(w)
    return services.initiative_submit(
        initiative=initiative, version=initiative.version, acting_user=w["head"]
    )


def _recognised(w: dict[str, Any]) -> Initiative:
    initiative = _submitted(w)
    return services.initiative_evaluate(
        initiative=initiative,
        outcome=Outcome.RECOGNISE,
        evaluation="Mới, hiệu quả, áp dụng được ở các xã.",
        level="grassroots",
        decision_number="15/QĐ-SNNMT",
        decision_date=dt.date(2026, 11, 20),
        decision_issuer="Giám đốc Sở",
        version=initiative.version,
        acting_user=w["council"],
    )


# Authors' shares --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shares",
    [("60", "30"), ("60", "50"), ("100.01",), ("0", "100"), ("50.005", "49.995")],
)
def test_shares_not_adding_up_to_100_are_refused_and_nothing_is_written(
    world: dict[str, Any], shares: tuple[str, ...]
) -> None:
    before = (Initiative.objects.count(), InitiativeAuthor.objects.count(), AuditRecord.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        _create(world, authors=_authors(world, shares))
    assert caught.value.extra["field"] == "authors"
    assert (
        Initiative.objects.count(),
        InitiativeAuthor.objects.count(),
        AuditRecord.objects.count(),
    ) == before


def test_the_message_says_what_the_shares_add_up_to(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _create(world, authors=_authors(world, ("60", "30")))
    assert "90" in str(caught.value.message) and "100" in str(caught.value.message)


def test_shares_of_exactly_100_are_kept_with_the_staff_members_name(world: dict[str, Any]) -> None:
    initiative = _create(world, authors=_authors(world, ("66.67", "33.33")))
    rows = list(initiative.authors.order_by("-share"))
    assert [r.share for r in rows] == [Decimal("66.67"), Decimal("33.33")]
    assert rows[0].staff == world["staff"][0] and rows[0].name == "Tác Giả Thử 0"
    assert rows[1].staff is None and rows[1].name == "Nguyễn Văn Ngoài Sở"
    assert initiative.status == InitiativeStatus.DRAFT


def test_an_author_twice_or_nameless_is_refused(world: dict[str, Any]) -> None:
    twice = [AuthorInput(share=Decimal(50), staff=world["staff"][0])] * 2
    with pytest.raises(ValidationFailed):
        _create(world, authors=twice)
    with pytest.raises(ValidationFailed):
        _create(world, authors=[AuthorInput(share=Decimal(100))])
    with pytest.raises(ValidationFailed):
        _create(world, authors=[])
    assert not Initiative.objects.filter(title=TITLE).exists()


def test_a_staff_member_of_another_department_is_no_author(world: dict[str, Any], province: Any) -> None:
    elsewhere = OrgUnit.objects.create(
        name="Sở Khác", code="so-khac-thu", kind=OrgUnitKind.DEPARTMENT, area=province
    )
    stranger = Staff.objects.create(full_name="Người Sở Khác", org_unit=elsewhere, staff_type="civil_servant")
    with pytest.raises(ValidationFailed):
        _create(world, authors=[AuthorInput(share=Decimal(100), staff=stranger)])
    # a co-author of another division of the same department is fine
    initiative = _create(world, authors=[AuthorInput(share=Decimal(100), staff=world["other_staff"])])
    assert initiative.authors.get().staff == world["other_staff"]


def test_the_database_refuses_a_share_above_100(world: dict[str, Any]) -> None:
    initiative = _create(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeAuthor.objects.create(initiative=initiative, name="X", share=Decimal(101))


# Flow and the council ---------------------------------------------------------------------------------------
def test_submit_then_recognise_with_a_decision_all_audited(world: dict[str, Any]) -> None:
    initiative = _recognised(world)
    assert initiative.status == InitiativeStatus.RECOGNISED
    assert initiative.decision_number == "15/QĐ-SNNMT" and initiative.level == "grassroots"
    actions = list(
        AuditRecord.objects.filter(target_type="initiatives.initiative", target_id=str(initiative.pk))
        .order_by("pk")
        .values_list("action", "actor_id", "note")
    )
    assert [a for a, _, _ in actions] == [
        "initiatives.initiative.create",
        "initiatives.initiative.submit",
        "initiatives.initiative.recognise",
    ]
    assert actions[2][1] == world["council"].pk and "15/QĐ-SNNMT" in actions[2][2]
    assert recognised_counts(year=2026, unit_ids=[world["poverty"].pk]) == {world["poverty"].pk: 1}


@pytest.mark.parametrize(
    "missing",
    ["evaluation", "level", "decision_number", "decision_date", "decision_issuer"],
)
def test_recognition_requires_its_decision(world: dict[str, Any], missing: str) -> None:
    initiative = _submitted(world)
    data: dict[str, Any] = {
        "evaluation": "Tốt",
        "level": "grassroots",
        "decision_number": "15/QĐ-SNNMT",
        "decision_date": dt.date(2026, 11, 20),
        "decision_issuer": "Giám đốc Sở",
    }
    data[missing] = None if missing == "decision_date" else ""
    with pytest.raises(ValidationFailed) as caught:
        services.initiative_evaluate(
            initiative=initiative,
            outcome=Outcome.RECOGNISE,
            version=initiative.version,
            acting_user=world["council"],
            **data,
        )
    assert caught.value.extra["field"] == missing
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED


def test_the_database_refuses_a_recognition_without_decision(world: dict[str, Any]) -> None:
    initiative = _submitted(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(status=InitiativeStatus.RECOGNISED)


def test_not_recognised_and_returned_need_a_reason(world: dict[str, Any]) -> None:
    initiative = _submitted(world)
    for outcome in (Outcome.REJECT, Outcome.RETURN):
        with pytest.raises(ValidationFailed) as caught:
            services.initiative_evaluate(
                initiative=initiative,
                outcome=outcome,
                evaluation="Chưa mới",
                version=initiative.version,
                acting_user=world["council"],
            )
        assert caught.value.extra["field"] == "reason"
    returned = services.initiative_evaluate(
        initiative=initiative,
        outcome=Outcome.RETURN,
        reason="Bổ sung số liệu hiệu quả",
        version=initiative.version,
        acting_user=world["council"],
    )
    assert returned.status == InitiativeStatus.RETURNED
    record = AuditRecord.objects.filter(action="initiatives.initiative.return").latest("pk")
    assert record.note == "Bổ sung số liệu hiệu quả" and record.actor_id == world["council"].pk
    # the unit edits and sends it again; the council refuses it with a reason
    edited = services.initiative_update(
        initiative=returned,
        data={"benefit": "Rút ngắn 50 % thời gian, 12 xã áp dụng."},
        version=returned.version,
        acting_user=world["head"],
    )
    sent = services.initiative_submit(initiative=edited, version=edited.version, acting_user=world["head"])
    refused = services.initiative_evaluate(
        initiative=sent,
        outcome=Outcome.REJECT,
        evaluation="Đã có giải pháp tương tự",
        reason="Không có tính mới",
        version=sent.version,
        acting_user=world["council"],
    )
    assert refused.status == InitiativeStatus.NOT_RECOGNISED and refused.reason == "Không có tính mới"


def test_only_the_council_evaluates_and_only_the_unit_submits(world: dict[str, Any]) -> None:
    initiative = _create(world)
    with pytest.raises(PermissionDenied):
        services.initiative_submit(
            initiative=initiative, version=initiative.version, acting_user=world["other_head"]
        )
    with pytest.raises(PermissionDenied):
        _create(world, acting_user=world["other_head"])
    sent = services.initiative_submit(
        initiative=initiative, version=initiative.version, acting_user=world["head"]
    )
    for user in (world["head"], world["office"], world["leader"]):
        with pytest.raises(PermissionDenied):
            services.initiative_evaluate(
                initiative=sent, outcome=Outcome.RETURN, reason="x", version=sent.version, acting_user=user
            )
    with pytest.raises(ValidationFailed):  # not editable once sent
        services.initiative_update(
            initiative=sent, data={"title": "Khác"}, version=sent.version, acting_user=world["head"]
        )


def test_a_submission_needs_the_facts_the_council_reads(world: dict[str, Any]) -> None:
    initiative = _create(world, applied_on=None, benefit="")
    with pytest.raises(ValidationFailed) as caught:
        services.initiative_submit(
            initiative=initiative, version=initiative.version, acting_user=world["head"]
        )
    assert caught.value.extra["field"] in ("benefit", "applied_on")
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.DRAFT


def test_a_stale_version_is_refused(world: dict[str, Any]) -> None:
    initiative = _create(world)
    services.initiative_update(
        initiative=initiative,
        data={"title": "Tên mới"},
        version=initiative.version,
        acting_user=world["head"],
    )
    with pytest.raises(Exception, match=r"reload|tải lại|Someone|Người khác"):
        services.initiative_submit(
            initiative=initiative, version=initiative.version, acting_user=world["head"]
        )


# One use ----------------------------------------------------------------------------------------------------
def test_an_initiative_is_used_once(world: dict[str, Any]) -> None:
    initiative = _recognised(world)
    use = services.initiative_use(
        initiative=initiative,
        used_for="Chiến sĩ thi đua cơ sở năm 2026 — Tác Giả Thử 0",
        user_kind="commendation.proposal",
        user_id=11,
        acting_user=world["office"],
    )
    assert use.initiative == initiative
    # the same proposal again: nothing changes
    again = services.initiative_use(
        initiative=initiative, used_for="x", user_kind="commendation.proposal", user_id=11, acting_user=None
    )
    assert again.pk == use.pk
    with pytest.raises(ValidationFailed) as caught:
        services.initiative_use(
            initiative=initiative,
            used_for="Bằng khen của UBND tỉnh",
            user_kind="commendation.proposal",
            user_id=12,
            acting_user=world["office"],
        )
    assert "Chiến sĩ thi đua cơ sở năm 2026" in str(caught.value.message)
    assert InitiativeUse.objects.filter(initiative=initiative).count() == 1
    found = selectors.recognised_for_staff(staff_id=world["staff"][0].pk, year=2026)
    assert [(r.initiative.pk, r.used, r.share) for r in found] == [(initiative.pk, True, Decimal(60))]
    # the proposal is withdrawn: the initiative is free again, for another proposal
    assert services.initiative_release(user_kind="commendation.proposal", user_id=11, acting_user=None) == 1
    assert not selectors.recognised_for_staff(staff_id=world["staff"][0].pk)[0].used
    services.initiative_use(
        initiative=initiative,
        used_for="Bằng khen của UBND tỉnh",
        user_kind="commendation.proposal",
        user_id=12,
        acting_user=world["office"],
    )
    assert AuditRecord.objects.filter(action="initiatives.use.release", target_id=str(initiative.pk)).exists()


def test_the_database_backs_one_use(world: dict[str, Any]) -> None:
    initiative = _recognised(world)
    InitiativeUse.objects.create(initiative=initiative, used_for="a", user_kind="k", user_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeUse.objects.create(initiative=initiative, used_for="b", user_kind="k", user_id=2)


def test_an_unrecognised_initiative_cannot_be_used(world: dict[str, Any]) -> None:
    initiative = _submitted(world)
    with pytest.raises(ValidationFailed):
        services.initiative_use(
            initiative=initiative,
            used_for="x",
            user_kind="commendation.proposal",
            user_id=1,
            acting_user=None,
        )
    assert selectors.recognised_for_staff(staff_id=world["staff"][0].pk) == []
    with pytest.raises(PermissionDenied):
        services.initiative_use(
            initiative=initiative, used_for="x", user_kind="k", user_id=1, acting_user=world["council"]
        )


# Evidence ---------------------------------------------------------------------------------------------------
def test_evidence_is_checked_and_served_after_the_scope(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        _create(world, uploads=[SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")])
    assert not Initiative.objects.filter(title=TITLE).exists()
    initiative = _create(world, uploads=[SimpleUploadedFile("minh-chung.pdf", PDF)])
    stored = InitiativeFile.objects.get(initiative=initiative)
    assert stored.name == "minh-chung.pdf" and stored.file.name.startswith("initiatives/")
    url = reverse("initiatives:initiative-file", args=[stored.pk])
    response = client_for(world["head"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(world["other_head"]).get(url).status_code == 404


# Scope ------------------------------------------------------------------------------------------------------
def test_another_units_head_gets_404_and_never_sees_them(world: dict[str, Any]) -> None:
    initiative = _create(world, uploads=[SimpleUploadedFile("minh-chung.pdf", PDF)])
    stored = InitiativeFile.objects.get(initiative=initiative)
    client = client_for(world["other_head"])
    for name, pk in [
        ("initiatives:initiative-detail", initiative.pk),
        ("initiatives:initiative-update", initiative.pk),
        ("initiatives:initiative-evaluate", initiative.pk),
        ("initiatives:initiative-file", stored.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code in (403, 404), name
    for name, pk in [
        ("initiatives:initiative-submit", initiative.pk),
        ("initiatives:initiative-delete", initiative.pk),
        ("initiatives:initiative-file-delete", stored.pk),
    ]:
        assert client.post(reverse(name, args=[pk]), {"confirmed": "1"}).status_code == 404, name
    assert client.get(reverse("initiatives:initiative-detail", args=[initiative.pk])).status_code == 404
    listed = client.get(reverse("initiatives:initiative-list")).content.decode()
    assert TITLE not in listed
    assert TITLE not in client.get(reverse("initiatives:initiative-list"), {"q": "bản đồ"}).content.decode()
    assert list(selectors.initiative_list(user=world["other_head"])) == []
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.DRAFT and initiative.files.count() == 1
    # the office, the council and the leader see it
    for who in ("office", "council", "leader", "head"):
        assert TITLE in client_for(world[who]).get(reverse("initiatives:initiative-list")).content.decode()


def test_users_without_the_emulation_see_nothing(world: dict[str, Any], users: dict[str, User]) -> None:
    _create(world)
    specialist = users["chuyenvien"]  # provincial scope, but no VIEW_EMULATION
    assert list(selectors.initiative_list(user=specialist)) == []
    assert client_for(specialist).get(reverse("initiatives:initiative-list")).status_code == 403


# Pages ------------------------------------------------------------------------------------------------------
def test_pages_answer_for_each_role(world: dict[str, Any]) -> None:
    recognised = _recognised(world)
    services.initiative_use(
        initiative=recognised,
        used_for="Chiến sĩ thi đua cơ sở năm 2026",
        user_kind="commendation.proposal",
        user_id=5,
        acting_user=None,
    )
    sent = _submitted(world)
    draft = _create(world, title="Sổ tay điện tử cán bộ giảm nghèo")
    head, council = client_for(world["head"]), client_for(world["council"])
    for client in (head, council, client_for(world["office"]), client_for(world["leader"])):
        page = client.get(reverse("initiatives:initiative-list"), {"year": 2026, "status": "recognised"})
        assert page.status_code == 200 and TITLE in page.content.decode()
        detail = client.get(reverse("initiatives:initiative-detail", args=[recognised.pk])).content.decode()
        assert "15/QĐ-SNNMT" in detail and "Chiến sĩ thi đua cơ sở năm 2026" in detail and "60" in detail
    assert head.get(reverse("initiatives:initiative-create")).status_code == 200
    assert head.get(reverse("initiatives:initiative-update", args=[draft.pk])).status_code == 200
    assert head.get(reverse("initiatives:initiative-update", args=[sent.pk])).status_code == 403
    assert council.get(reverse("initiatives:initiative-evaluate", args=[sent.pk])).status_code == 200
    assert council.get(reverse("initiatives:initiative-create")).status_code == 403
    assert head.get(reverse("initiatives:initiative-evaluate", args=[sent.pk])).status_code == 403


def test_the_form_creates_an_initiative_with_its_authors(world: dict[str, Any]) -> None:
    client = client_for(world["head"])
    data = {
        "org_unit": world["poverty"].pk,
        "year": 2026,
        "title": "Phần mềm quản lý hồ sơ thoát nghèo",
        "field": "administration",
        "problem": "Hồ sơ giấy",
        "solution": "Phần mềm",
        "benefit": "Nhanh hơn",
        "applied_on": "01/02/2026",
        "authors-TOTAL_FORMS": "4",
        "authors-INITIAL_FORMS": "0",
        "authors-0-staff": world["staff"][0].pk,
        "authors-0-share": "70",
        "authors-1-name": "Trần Thị Cộng Tác",
        "authors-1-share": "20",
    }
    page = client.post(reverse("initiatives:initiative-create"), data)
    assert page.status_code == 200 and "90" in page.content.decode()
    assert not Initiative.objects.filter(title=data["title"]).exists()
    data["authors-1-share"] = "30,0"
    response = client.post(reverse("initiatives:initiative-create"), data)
    initiative = Initiative.objects.get(title=data["title"])
    assert response.status_code == 302
    assert sorted(initiative.authors.values_list("share", flat=True)) == [Decimal(30), Decimal(70)]
    # sent from the page, then evaluated by the council from its form
    client.post(
        reverse("initiatives:initiative-submit", args=[initiative.pk]),
        {"version": initiative.version, "confirmed": "1"},
    )
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED
    council = client_for(world["council"])
    form = {"version": initiative.version, "outcome": "recognise", "evaluation": "Tốt", "level": "grassroots"}
    page = council.post(reverse("initiatives:initiative-evaluate", args=[initiative.pk]), form)
    assert page.status_code == 200
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED
    form |= {"decision_number": "9/QĐ-SNNMT", "decision_date": "20/11/2026", "decision_issuer": "Giám đốc Sở"}
    assert (
        council.post(reverse("initiatives:initiative-evaluate", args=[initiative.pk]), form).status_code
        == 302
    )
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.RECOGNISED


def test_a_draft_can_be_deleted_not_a_sent_one(world: dict[str, Any]) -> None:
    draft = _create(world)
    services.initiative_delete(initiative=draft, version=ANY_VERSION, acting_user=world["head"])
    assert not Initiative.objects.filter(pk=draft.pk).exists()
    sent = _submitted(world)
    with pytest.raises(ValidationFailed):
        services.initiative_delete(initiative=sent, version=ANY_VERSION, acting_user=world["head"])


def test_the_list_filters_and_searches(world: dict[str, Any]) -> None:
    mapped = _create(world)
    other = _create(
        world, title="Sổ tay điện tử", field="administration", year=2025, applied_on=dt.date(2025, 5, 1)
    )
    office = world["office"]

    def titles(**filters: Any) -> set[str]:
        return {i.title for i in selectors.initiative_list(user=office, **filters)}

    assert {mapped.title, other.title} <= titles()
    assert other.title not in titles(q="BẢN ĐỒ") and mapped.title in titles(q="bản đồ số")
    assert mapped.title not in titles(field="administration") and other.title in titles(
        field="administration"
    )
    assert mapped.title not in titles(year=2025) and other.title in titles(year=2025)
    assert titles(status="recognised").isdisjoint({mapped.title, other.title})
    assert {2025, 2026} <= set(selectors.initiative_years(user=office))
    counts = selectors.status_counts(user=office, year=2026)
    assert counts["draft"] >= 1 and set(counts) == set(InitiativeStatus.values)
