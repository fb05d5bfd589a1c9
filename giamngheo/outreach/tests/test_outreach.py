"""Communication activities and good models: bad input refused with nothing written, scope, attachments
stored under a random name and served only in scope, the summary's totals, the catalogue for everyone."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from giamngheo.accounts.models import User
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord
from giamngheo.core.versioning import StaleVersion
from giamngheo.geo.models import Area
from giamngheo.outreach import selectors, services
from giamngheo.outreach.models import Activity, ActivityFile, GoodModel, GoodModelFile, Replication

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def _stored_files() -> set[str]:
    root = settings.MEDIA_ROOT / "outreach"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _activity(area: Area, user: User, **extra: Any) -> Activity:
    data: dict[str, Any] = {
        "area": area,
        "kind": "conference",
        "date": dt.date(2026, 5, 4),
        "topic": "Hội nghị tuyên truyền giảm nghèo",
        "funding": "project_6",
        "organiser": "UBND xã",
        "audience": 120,
        "cost": 5_000_000,
        "acting_user": user,
    }
    data.update(extra)
    return services.activity_create(**data)


def _model(commune: Area, user: User, **extra: Any) -> GoodModel:
    data: dict[str, Any] = {
        "commune": commune,
        "title": "Mô hình nuôi dê sinh sản",
        "field": "livelihood",
        "description": "Hộ nghèo nhận dê giống, trả lại dê con.",
        "acting_user": user,
    }
    data.update(extra)
    return services.good_model_create(**data)


# Bad input ----------------------------------------------------------------------------------------
def test_a_negative_audience_is_refused_and_nothing_is_written(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    before = Activity.objects.count(), AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _activity(commune_b, users["canbo.tranbien"], audience=-5)
    assert caught.value.extra["field"] == "audience"
    assert (Activity.objects.count(), AuditRecord.objects.count()) == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"cost": -1}, "cost"),
        ({"topic": "  "}, "topic"),
        ({"kind": "concert"}, "kind"),
        ({"funding": "lottery"}, "funding"),
        ({"organiser": ""}, "organiser"),
        ({"date": dt.date(1899, 1, 1)}, "date"),
    ],
)
def test_other_bad_activities_are_refused(users, commune_b, extra, field) -> None:  # type: ignore[no-untyped-def]
    count = Activity.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _activity(commune_b, users["canbo.tranbien"], **extra)
    assert caught.value.extra["field"] == field
    assert Activity.objects.count() == count


def test_a_village_is_no_place_of_an_activity(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    village = Area.objects.filter(parent=commune_b, level="village").first()
    assert village is not None
    with pytest.raises(ValidationFailed):
        _activity(village, None)


def test_a_model_ending_before_it_starts_is_refused(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    count = GoodModel.objects.count()
    with translation.override("vi"), pytest.raises(ValidationFailed) as caught:
        _model(
            commune_b,
            users["canbo.tranbien"],
            started_on=dt.date(2025, 6, 1),
            ended_on=dt.date(2025, 5, 31),
        )
    assert caught.value.extra["field"] == "ended_on"
    assert "trước" in str(caught.value.message)
    assert GoodModel.objects.count() == count
    # one day is a period
    _model(commune_b, users["canbo.tranbien"], started_on=dt.date(2025, 6, 1), ended_on=dt.date(2025, 6, 1))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"households_joined": -1}, "households_joined"),
        ({"households_joined": 3, "households_escaped": 4}, "households_escaped"),
        ({"field": "magic"}, "field"),
        ({"description": ""}, "description"),
    ],
)
def test_other_bad_models_are_refused(users, commune_b, extra, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        _model(commune_b, users["canbo.tranbien"], **extra)
    assert caught.value.extra["field"] == field


def test_a_village_of_another_commune_is_refused(commune_a, commune_b) -> None:  # type: ignore[no-untyped-def]
    village = Area.objects.filter(parent=commune_a, level="village").first()
    with pytest.raises(ValidationFailed) as caught:
        _model(commune_b, None, village=village)
    assert caught.value.extra["field"] == "village"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.jpg", b"this is text, not a photo"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("rong.png", b""),
        ("lon.jpg", JPEG + b"\x00" * (10 * 1024 * 1024 + 1 - len(JPEG))),
    ],
)
def test_a_wrong_attachment_refuses_the_whole_record_and_stores_nothing(  # type: ignore[no-untyped-def]
    users, commune_b, name, content
) -> None:
    files_before = _stored_files()
    counts = Activity.objects.count(), ActivityFile.objects.count(), GoodModel.objects.count()
    officer = users["canbo.tranbien"]
    with pytest.raises(ValidationFailed) as caught:
        _activity(commune_b, officer, uploads=[SimpleUploadedFile(name, content)])
    assert caught.value.extra["field"] == "file"
    with pytest.raises(ValidationFailed):
        _model(commune_b, officer, uploads=[SimpleUploadedFile(name, content)])
    activity = _activity(commune_b, officer)
    with pytest.raises(ValidationFailed):
        services.activity_file_add(
            activity=activity, upload=SimpleUploadedFile(name, content), acting_user=officer
        )
    assert (Activity.objects.count() - 1, ActivityFile.objects.count(), GoodModel.objects.count()) == counts
    assert _stored_files() == files_before


def test_replication_checks(users, commune_a, commune_b) -> None:  # type: ignore[no-untyped-def]
    officer = users["canbo.tranbien"]
    model = _model(commune_b, officer, started_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationFailed):
        services.replication_add(good_model=model, commune=commune_a, year=2023, acting_user=officer)
    services.replication_add(
        good_model=model, commune=commune_a, year=2025, note="tham quan", acting_user=officer
    )
    with pytest.raises(ValidationFailed) as caught:
        services.replication_add(good_model=model, commune=commune_a, year=2026, acting_user=officer)
    assert caught.value.extra["field"] == "commune"
    assert Replication.objects.filter(good_model=model).count() == 1


def test_an_edit_from_a_stale_form_is_refused(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    officer = users["canbo.tranbien"]
    activity = _activity(commune_b, officer)
    services.activity_update(activity=activity, data={"audience": 130}, version=1, acting_user=officer)
    with pytest.raises(StaleVersion):
        services.activity_update(activity=activity, data={"audience": 140}, version=1, acting_user=officer)
    activity.refresh_from_db()
    assert activity.audience == 130 and activity.version == 2


# Scope ----------------------------------------------------------------------------------------
def test_a_commune_officer_records_only_for_their_commune(users, province, commune_a, commune_b) -> None:  # type: ignore[no-untyped-def]
    officer = users["canbo.tranbien"]
    for place in (commune_a, province):
        with pytest.raises(PermissionDenied):
            _activity(place, officer)
        with pytest.raises(PermissionDenied):
            _model(commune_a, officer)
    assert [a.pk for a in selectors.places_to_pick(user=officer)] == [commune_b.pk]


def test_the_office_and_the_specialist_record_the_provinces(users, province, commune_a) -> None:  # type: ignore[no-untyped-def]
    for username in ("vanphong", "chuyenvien"):
        user = users[username]
        places = selectors.places_to_pick(user=user)
        assert places[0] == province
        activity = _activity(province, user)
        assert selectors.access_activity_by_id(user=user, activity_id=activity.pk) == activity
    with pytest.raises(PermissionDenied):
        _activity(province, users["truongphong"])  # a unit head does not record communication


def test_another_communes_officer_gets_404_for_the_activity_and_its_file(users, commune_a) -> None:  # type: ignore[no-untyped-def]
    owner = users["canbo.bugiamap"]
    activity = _activity(commune_a, owner, uploads=[SimpleUploadedFile("Hội nghị.jpg", JPEG)])
    stored = activity.files.get()
    assert stored.name == "Hội nghị.jpg"
    assert "Hội" not in stored.file.name and stored.file.name.startswith("outreach/")
    other = client_for(users["canbo.tranbien"])
    for name, pk in (
        ("outreach:activity-detail", activity.pk),
        ("outreach:activity-update", activity.pk),
        ("outreach:activity-file", stored.pk),
    ):
        assert other.get(reverse(name, args=[pk])).status_code == 404
    assert other.post(reverse("outreach:activity-file-delete", args=[stored.pk])).status_code == 404
    assert (
        other.post(reverse("outreach:activity-delete", args=[activity.pk]), {"confirmed": "1"}).status_code
        == 404
    )
    mine = client_for(owner)
    response = mine.get(reverse("outreach:activity-file", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == JPEG
    assert "Hội nghị" in mine.get(reverse("outreach:activity-detail", args=[activity.pk])).content.decode()
    assert ActivityFile.objects.filter(pk=stored.pk).exists()


def test_the_catalogue_is_read_by_everyone_and_changed_in_scope(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    owner = users["canbo.tranbien"]
    model = _model(
        commune_b,
        owner,
        title="Mô hình trồng nấm rơm",
        uploads=[SimpleUploadedFile("nam.png", PNG)],
        caption="Nấm",
    )
    photo = model.files.get()
    for username in ("truongphong", "lanhdao", "canbo.bugiamap", "vanphong"):
        client = client_for(users[username])
        page = client.get(reverse("outreach:model-list")).content.decode()
        assert "Mô hình trồng nấm rơm" in page
        assert reverse("outreach:model-file", args=[photo.pk]) in page  # the thumbnail, an <img> of our URL
        assert client.get(reverse("outreach:model-detail", args=[model.pk])).status_code == 200
        image = client.get(reverse("outreach:model-file", args=[photo.pk]))
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
    foreign = client_for(users["canbo.bugiamap"])
    assert foreign.get(reverse("outreach:model-update", args=[model.pk])).status_code == 404
    assert (
        foreign.post(reverse("outreach:model-file-delete", args=[photo.pk]), {"confirmed": "1"}).status_code
        == 404
    )
    assert (
        foreign.post(reverse("outreach:model-detail", args=[model.pk]), {"form": "replication"}).status_code
        == 403
    )
    assert (
        "outreach:model-update"
        not in foreign.get(reverse("outreach:model-detail", args=[model.pk])).content.decode()
    )
    assert GoodModelFile.objects.filter(pk=photo.pk).exists()
    # the unit head may read the catalogue but not record
    assert client_for(users["truongphong"]).get(reverse("outreach:model-create")).status_code == 403
    assert client_for(users["truongphong"]).get(reverse("outreach:activity-list")).status_code == 403


# Pages ----------------------------------------------------------------------------------------
def test_an_officer_records_an_activity_through_the_form(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["canbo.tranbien"])
    form = client.get(reverse("outreach:activity-create")).content.decode()
    assert "Dự án 6" in form
    response = client.post(
        reverse("outreach:activity-create"),
        {
            "kind": "dialogue",
            "date": "12/03/2026",
            "area": commune_b.pk,
            "topic": "Đối thoại chính sách tín dụng",
            "organiser": "Hội Nông dân xã",
            "audience": "",
            "funding": "local",
            "cost": "2.500.000",
            "file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 hello"),
        },
    )
    activity = Activity.objects.get(topic="Đối thoại chính sách tín dụng")
    assert response.status_code == 302
    assert activity.cost == 2_500_000 and activity.audience is None and activity.area == commune_b
    assert activity.files.get().name == "bien-ban.pdf"
    page = client.get(reverse("outreach:activity-detail", args=[activity.pk])).content.decode()
    assert "2.500.000 đ" in page and "12/03/2026" in page and "không rõ" in page


def test_the_form_shows_a_bad_audience_next_to_its_field(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["canbo.tranbien"])
    count = Activity.objects.count()
    response = client.post(
        reverse("outreach:activity-create"),
        {
            "kind": "dialogue",
            "date": "12/03/2026",
            "area": commune_b.pk,
            "topic": "X",
            "organiser": "Y",
            "audience": "-3",
            "funding": "local",
            "file": SimpleUploadedFile("anh.jpg", b"plain text"),
        },
    )
    assert response.status_code == 200
    assert Activity.objects.count() == count
    assert "không được âm" in response.content.decode()


def _summary_world(users: dict[str, Any], commune_b: Area) -> None:
    officer = users["canbo.tranbien"]
    _activity(commune_b, officer, date=dt.date(2031, 1, 10), kind="press", audience=10, cost=100)
    _activity(commune_b, officer, date=dt.date(2031, 2, 10), kind="press", audience=None, cost=None)
    _activity(commune_b, officer, date=dt.date(2031, 8, 10), kind="social", audience=25, cost=1_000)
    _activity(commune_b, officer, date=dt.date(2031, 12, 31), kind="dialogue", audience=5, cost=7)
    _activity(commune_b, officer, date=dt.date(2032, 1, 1), kind="dialogue", audience=1000, cost=1)


def test_the_summary_totals_are_the_sum_of_the_rows(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    _summary_world(users, commune_b)
    summary = selectors.activity_summary(user=users["canbo.tranbien"], year=2031)
    assert summary.total.count == 4 and summary.total.audience == 40 and summary.total.cost == 1_107
    assert summary.total.audience_unknown == 1
    assert summary.total.quarters == [2, 0, 1, 1]
    for rows in (summary.by_kind, summary.by_quarter):
        assert sum(r.count for r in rows) == summary.total.count
        assert sum(r.audience for r in rows) == summary.total.audience
        assert sum(r.cost for r in rows) == summary.total.cost
    press = next(r for r in summary.by_kind if r.count == 2)
    assert press.quarters == [2, 0, 0, 0]
    # another commune's officer counts nothing of it
    assert selectors.activity_summary(user=users["canbo.bugiamap"], year=2031).total.count == 0


def test_the_summary_and_the_list_download_as_xlsx(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    _summary_world(users, commune_b)
    client = client_for(users["canbo.tranbien"])
    page = client.get(reverse("outreach:activity-summary"), {"year": 2031}).content.decode()
    assert 'data-testid="summary-total"' in page and "1.107 đ" in page
    response = client.get(reverse("outreach:activity-summary"), {"year": 2031, "format": "xlsx"})
    assert "spreadsheetml" in response["Content-Type"]
    cells = [
        c
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert 1107 in cells and 4 in cells
    listing = client.get(reverse("outreach:activity-list"), {"year": 2031, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(listing.content)).active.iter_rows(values_only=True))
    assert sum(1 for r in rows if r and "Hội nghị tuyên truyền giảm nghèo" in r) == 4


def test_the_list_filters_and_searches(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    _summary_world(users, commune_b)
    officer = users["canbo.tranbien"]
    _activity(
        commune_b, officer, date=dt.date(2031, 3, 3), topic="Phát thanh về bảo hiểm y tế", kind="broadcast"
    )
    found = selectors.activity_list(user=officer, filters=selectors.ActivityFilters(year=2031, kind="press"))
    assert found.count() == 2
    found = selectors.activity_list(user=officer, filters=selectors.ActivityFilters(q="bảo hiểm"))
    assert [a.topic for a in found] == ["Phát thanh về bảo hiểm y tế"]
    page = client_for(officer).get(reverse("outreach:activity-list"), {"q": "không có gì như thế"})
    assert 'data-testid="empty-state"' in page.content.decode()


def test_deleting_a_model_removes_its_files(users, commune_b) -> None:  # type: ignore[no-untyped-def]
    officer = users["canbo.tranbien"]
    model = _model(commune_b, officer, uploads=[SimpleUploadedFile("a.png", PNG)])
    path = model.files.get().file.path
    with pytest.raises(StaleVersion):
        services.good_model_delete(good_model=model, version=9, acting_user=officer)
    services.good_model_delete(good_model=model, version=1, acting_user=officer)
    assert not GoodModel.objects.filter(pk=model.pk).exists()
    assert not GoodModelFile.objects.filter(good_model_id=model.pk).exists()
    assert AuditRecord.objects.filter(action="outreach.good_model.delete", target_id=str(model.pk)).exists()
    del path  # removed on commit (the test's transaction never commits)


def test_the_demo_has_a_year_of_activities_and_four_models(province) -> None:  # type: ignore[no-untyped-def]
    activities = Activity.objects.filter(area__path__startswith=province.path)
    assert activities.count() >= 12
    assert activities.filter(area=province).exists() and activities.exclude(area=province).exists()
    models = GoodModel.objects.filter(commune__parent=province)
    assert models.count() == 4
    for model in models:
        assert any(f.is_image for f in model.files.all())
        assert model.replications.count() == 1
    assert not models.filter(commune__name="Xã Bù Gia Mập").exists()


def test_an_officer_edits_an_activity_and_a_model_through_the_forms(users, commune_a, commune_b) -> None:  # type: ignore[no-untyped-def]
    officer = users["canbo.tranbien"]
    client = client_for(officer)
    activity = _activity(commune_b, officer)
    url = reverse("outreach:activity-update", args=[activity.pk])
    assert "Hội nghị tuyên truyền giảm nghèo" in client.get(url).content.decode()
    data = {
        "kind": "press",
        "date": "04/05/2026",
        "area": commune_b.pk,
        "topic": "Bài báo về giảm nghèo",
        "organiser": "UBND xã",
        "audience": "300",
        "funding": "project_6",
        "cost": "",
        "version": "1",
    }
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.audience, activity.cost, activity.version) == ("press", 300, None, 2)
    stale = client.post(url, data)  # the same form again: version 1 is stale
    assert stale.status_code == 200 and activity.version == 2

    model = _model(commune_b, officer)
    village = Area.objects.filter(parent=commune_b, level="village").first()
    edit = reverse("outreach:model-update", args=[model.pk])
    response = client.post(
        edit,
        {
            "title": "Mô hình nuôi dê",
            "field": "livelihood",
            "commune": commune_b.pk,
            "village": village.pk,
            "description": "Mô tả",
            "version": "1",
        },
    )
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.village == village and model.title == "Mô hình nuôi dê"
    detail = reverse("outreach:model-detail", args=[model.pk])
    assert (
        client.post(detail, {"form": "replication", "commune": commune_a.pk, "year": "2026"}).status_code
        == 302
    )
    assert (
        client.post(detail, {"form": "file", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}).status_code
        == 302
    )
    page = client.get(detail).content.decode()
    assert "Xã Bù Gia Mập" in page and "a.pdf" in page
