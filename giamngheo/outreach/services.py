"""Writes of communication activities and good models: keyword-only, atomic, audited, versioned where a
form edits a row. ``MANAGE_OUTREACH`` in the place's scope (a commune officer their commune, a provincial
specialist or the department's office the province). Attachments are checked (``core.attachments``)
before anything is stored: a refused file leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from giamngheo.core.attachments import check_attachment, original_name
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.versioning import Version, assign, check_fields, version_check
from giamngheo.geo.models import Area, AreaLevel

from .models import (
    ATTACHMENT_KINDS,
    Activity,
    ActivityFile,
    ActivityKind,
    Funding,
    GoodModel,
    GoodModelFile,
    ModelField,
    Replication,
)
from .selectors import may_manage_area

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from giamngheo.accounts.models import User
    from giamngheo.org.models import OrgUnit

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_COUNT = 100_000_000
MAX_COST = 10**15


# Permissions ------------------------------------------------------------------------------------------------
def _require_manager(user: User | None, area: Area) -> None:
    if not may_manage_area(user=user, area=area):
        raise PermissionDenied(_("You may not record communication activities or good models for this unit."))


# Checks -----------------------------------------------------------------------------------------------------
def _check_date(value: dt.date | None, name: str, *, required: bool) -> None:
    if value is None:
        if required:
            raise ValidationFailed(_("Enter the date."), extra={"field": name})
        return
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a date between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": name},
        )


def _check_count(value: int | None, name: str) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationFailed(_("The number cannot be negative."), extra={"field": name})
    if value > MAX_COUNT:
        raise ValidationFailed(_("The number is too large."), extra={"field": name})


def _check_cost(value: int | None) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationFailed(_("The amount cannot be negative."), extra={"field": "cost"})
    if value > MAX_COST:
        raise ValidationFailed(_("The amount is too large."), extra={"field": "cost"})


def _check_text(value: str, name: str, message: str) -> None:
    if not value.strip():
        raise ValidationFailed(message, extra={"field": name})


def _check_activity(activity: Activity) -> None:
    if activity.kind not in ActivityKind.values:
        raise ValidationFailed(_("Choose the type of the activity."), extra={"field": "kind"})
    if activity.funding not in Funding.values:
        raise ValidationFailed(_("Choose the funding of the activity."), extra={"field": "funding"})
    _check_date(activity.date, "date", required=True)
    _check_text(activity.topic, "topic", _("Enter the topic of the activity."))
    if activity.area.level not in (AreaLevel.PROVINCE, AreaLevel.COMMUNE):
        raise ValidationFailed(
            _("An activity belongs to the province or a commune."), extra={"field": "area"}
        )
    if activity.organiser_unit_id is None and not activity.organiser.strip():
        raise ValidationFailed(
            _("Name the organiser: a unit of the department or its name."), extra={"field": "organiser"}
        )
    _check_count(activity.audience, "audience")
    _check_cost(activity.cost)


def _check_uploads(uploads: list[UploadedFile[Any]], field: str) -> None:
    for upload in uploads:
        check_attachment(upload, field=field, kinds=ATTACHMENT_KINDS)


def _delete_file_on_commit(fieldfile: FieldFile) -> None:
    storage, name = fieldfile.storage, fieldfile.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# Activities -------------------------------------------------------------------------------------------------
ACTIVITY_FIELDS = (
    "kind",
    "date",
    "area",
    "organiser_unit",
    "organiser",
    "topic",
    "audience",
    "funding",
    "cost",
    "note",
)


@transaction.atomic
def activity_create(
    *,
    area: Area,
    kind: str,
    date: dt.date,
    topic: str,
    funding: str,
    organiser: str = "",
    organiser_unit: OrgUnit | None = None,
    audience: int | None = None,
    cost: int | None = None,
    note: str = "",
    uploads: list[UploadedFile[Any]] | None = None,
    acting_user: User | None,
) -> Activity:
    _require_manager(acting_user, area)
    activity = Activity(
        area=area,
        kind=kind,
        date=date,
        topic=topic.strip(),
        funding=funding,
        organiser=organiser.strip(),
        organiser_unit=organiser_unit,
        audience=audience,
        cost=cost,
        note=note.strip(),
    )
    _check_activity(activity)
    files = [u for u in (uploads or []) if u is not None]
    _check_uploads(files, "file")
    activity.save()
    audit_record(
        actor=acting_user, action="outreach.activity.create", target=activity, after=snapshot(activity)
    )
    for upload in files:
        _activity_file_save(activity, upload, acting_user)
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> Activity:
    check_fields(data, ACTIVITY_FIELDS)
    locked = Activity.objects.select_for_update(of=("self",)).select_related("area").get(pk=activity.pk)
    _require_manager(acting_user, locked.area)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    if "area" in data:
        _require_manager(acting_user, locked.area)
    _check_activity(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="outreach.activity.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def activity_delete(*, activity: Activity, version: Version, acting_user: User | None) -> None:
    locked = Activity.objects.select_for_update(of=("self",)).select_related("area").get(pk=activity.pk)
    _require_manager(acting_user, locked.area)
    version_check(locked, version)
    before = snapshot(locked)
    for stored in locked.files.all():
        _delete_file_on_commit(stored.file)
    audit_record(actor=acting_user, action="outreach.activity.delete", target=locked, before=before)
    locked.delete()


def _store(row: ActivityFile | GoodModelFile, upload: UploadedFile[Any]) -> None:
    """Store the file under a random name and save the row; if the row cannot be saved, the file is
    removed again (nothing partial)."""
    row.file.save(upload.name or "file", upload, save=False)
    try:
        row.save()
    except Exception:
        row.file.storage.delete(row.file.name or "")
        raise


def _activity_file_save(
    activity: Activity, upload: UploadedFile[Any], acting_user: User | None
) -> ActivityFile:
    stored = ActivityFile(activity=activity, name=original_name(upload))
    _store(stored, upload)
    audit_record(
        actor=acting_user,
        action="outreach.activity_file.create",
        target=stored,
        after={"activity": activity.pk, "name": stored.name},
    )
    return stored


@transaction.atomic
def activity_file_add(
    *, activity: Activity, upload: UploadedFile[Any] | None, acting_user: User | None
) -> ActivityFile:
    locked = Activity.objects.select_for_update(of=("self",)).select_related("area").get(pk=activity.pk)
    _require_manager(acting_user, locked.area)
    if upload is None:
        raise ValidationFailed(_("Choose a file."), extra={"field": "file"})
    _check_uploads([upload], "file")
    return _activity_file_save(locked, upload, acting_user)


@transaction.atomic
def activity_file_delete(*, stored: ActivityFile, acting_user: User | None) -> None:
    locked = (
        ActivityFile.objects.select_for_update(of=("self",))
        .select_related("activity__area")
        .get(pk=stored.pk)
    )
    _require_manager(acting_user, locked.activity.area)
    audit_record(
        actor=acting_user,
        action="outreach.activity_file.delete",
        target=locked,
        before={"activity": locked.activity_id, "name": locked.name},
    )
    _delete_file_on_commit(locked.file)
    locked.delete()


# Good models ------------------------------------------------------------------------------------------------
GOOD_MODEL_FIELDS = (
    "title",
    "field",
    "commune",
    "village",
    "started_on",
    "ended_on",
    "description",
    "results",
    "households_joined",
    "households_escaped",
)


def _check_good_model(model: GoodModel) -> None:
    _check_text(model.title, "title", _("Enter the title of the model."))
    if model.field not in ModelField.values:
        raise ValidationFailed(_("Choose the field of the model."), extra={"field": "field"})
    if model.commune.level != AreaLevel.COMMUNE:
        raise ValidationFailed(_("A good model belongs to a commune."), extra={"field": "commune"})
    if model.village_id is not None and (
        model.village is None
        or model.village.level != AreaLevel.VILLAGE
        or model.village.parent_id != model.commune_id
    ):
        raise ValidationFailed(_("The village is not in the model's commune."), extra={"field": "village"})
    _check_date(model.started_on, "started_on", required=False)
    _check_date(model.ended_on, "ended_on", required=False)
    if model.started_on and model.ended_on and model.ended_on < model.started_on:
        raise ValidationFailed(
            _("The end of the period cannot be before its start."), extra={"field": "ended_on"}
        )
    _check_text(model.description, "description", _("Describe the model."))
    _check_count(model.households_joined, "households_joined")
    _check_count(model.households_escaped, "households_escaped")
    if (
        model.households_joined is not None
        and model.households_escaped is not None
        and model.households_escaped > model.households_joined
    ):
        raise ValidationFailed(
            _("More households escaped poverty than took part in the model."),
            extra={"field": "households_escaped"},
        )


@transaction.atomic
def good_model_create(
    *,
    commune: Area,
    title: str,
    field: str,
    description: str,
    village: Area | None = None,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    results: str = "",
    households_joined: int | None = None,
    households_escaped: int | None = None,
    uploads: list[UploadedFile[Any]] | None = None,
    caption: str = "",
    acting_user: User | None,
) -> GoodModel:
    _require_manager(acting_user, commune)
    model = GoodModel(
        commune=commune,
        village=village,
        title=title.strip(),
        field=field,
        description=description.strip(),
        started_on=started_on,
        ended_on=ended_on,
        results=results.strip(),
        households_joined=households_joined,
        households_escaped=households_escaped,
    )
    _check_good_model(model)
    files = [u for u in (uploads or []) if u is not None]
    _check_uploads(files, "file")
    model.save()
    audit_record(actor=acting_user, action="outreach.good_model.create", target=model, after=snapshot(model))
    for upload in files:
        _good_model_file_save(model, upload, caption, acting_user)
    return model


@transaction.atomic
def good_model_update(
    *, good_model: GoodModel, data: Mapping[str, Any], version: Version, acting_user: User | None
) -> GoodModel:
    check_fields(data, GOOD_MODEL_FIELDS)
    locked = (
        GoodModel.objects.select_for_update(of=("self",))
        .select_related("commune", "village")
        .get(pk=good_model.pk)
    )
    _require_manager(acting_user, locked.commune)
    version_check(locked, version)
    before = snapshot(locked)
    assign(locked, data)
    if "commune" in data:
        _require_manager(acting_user, locked.commune)
    _check_good_model(locked)
    locked.version += 1
    locked.save()
    audit_record(
        actor=acting_user,
        action="outreach.good_model.update",
        target=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def good_model_delete(*, good_model: GoodModel, version: Version, acting_user: User | None) -> None:
    locked = GoodModel.objects.select_for_update(of=("self",)).select_related("commune").get(pk=good_model.pk)
    _require_manager(acting_user, locked.commune)
    version_check(locked, version)
    before = snapshot(locked)
    for stored in locked.files.all():
        _delete_file_on_commit(stored.file)
    audit_record(actor=acting_user, action="outreach.good_model.delete", target=locked, before=before)
    locked.delete()


def _good_model_file_save(
    model: GoodModel, upload: UploadedFile[Any], caption: str, acting_user: User | None
) -> GoodModelFile:
    stored = GoodModelFile(good_model=model, name=original_name(upload), caption=caption.strip()[:255])
    _store(stored, upload)
    audit_record(
        actor=acting_user,
        action="outreach.good_model_file.create",
        target=stored,
        after={"good_model": model.pk, "name": stored.name, "caption": stored.caption},
    )
    return stored


@transaction.atomic
def good_model_file_add(
    *, good_model: GoodModel, upload: UploadedFile[Any] | None, caption: str = "", acting_user: User | None
) -> GoodModelFile:
    locked = GoodModel.objects.select_for_update(of=("self",)).select_related("commune").get(pk=good_model.pk)
    _require_manager(acting_user, locked.commune)
    if upload is None:
        raise ValidationFailed(_("Choose a file."), extra={"field": "file"})
    _check_uploads([upload], "file")
    return _good_model_file_save(locked, upload, caption, acting_user)


@transaction.atomic
def good_model_file_delete(*, stored: GoodModelFile, acting_user: User | None) -> None:
    locked = (
        GoodModelFile.objects.select_for_update(of=("self",))
        .select_related("good_model__commune")
        .get(pk=stored.pk)
    )
    _require_manager(acting_user, locked.good_model.commune)
    audit_record(
        actor=acting_user,
        action="outreach.good_model_file.delete",
        target=locked,
        before={"good_model": locked.good_model_id, "name": locked.name},
    )
    _delete_file_on_commit(locked.file)
    locked.delete()


@transaction.atomic
def replication_add(
    *, good_model: GoodModel, commune: Area, year: int | None, note: str = "", acting_user: User | None
) -> Replication:
    locked = GoodModel.objects.select_for_update(of=("self",)).select_related("commune").get(pk=good_model.pk)
    _require_manager(acting_user, locked.commune)
    if commune.level != AreaLevel.COMMUNE:
        raise ValidationFailed(_("Choose the commune that replicated the model."), extra={"field": "commune"})
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            extra={"field": "year"},
        )
    if locked.started_on and year < locked.started_on.year:
        raise ValidationFailed(_("The model was replicated before it started."), extra={"field": "year"})
    if locked.replications.filter(commune=commune).exists():
        raise ValidationFailed(
            _("This commune is already recorded as replicating the model."), extra={"field": "commune"}
        )
    replication = Replication.objects.create(good_model=locked, commune=commune, year=year, note=note.strip())
    audit_record(
        actor=acting_user,
        action="outreach.replication.create",
        target=replication,
        after=snapshot(replication),
    )
    return replication


@transaction.atomic
def replication_delete(*, replication: Replication, acting_user: User | None) -> None:
    locked = (
        Replication.objects.select_for_update(of=("self",))
        .select_related("good_model__commune")
        .get(pk=replication.pk)
    )
    _require_manager(acting_user, locked.good_model.commune)
    audit_record(
        actor=acting_user, action="outreach.replication.delete", target=locked, before=snapshot(locked)
    )
    locked.delete()
