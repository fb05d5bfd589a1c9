"""Writes of the ODK Central pull: connections (the password sealed, never audited), the start of a pull,
and what a successful pull leaves (the submissions remembered, the high-water mark, the staged import)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import area_q, can
from giamngheo.core.audit import audit_record, snapshot
from giamngheo.core.errors import NotFound, PermissionDenied, ValidationFailed
from giamngheo.geo.models import Area, AreaLevel
from giamngheo.jobs.models import Job, JobKind
from giamngheo.jobs.services import job_create, job_enqueue

from . import credentials
from .central import Pulled, export_zip, submission_date
from .models import Connection, Pull, Submission

EDITABLE = ("name", "commune", "base_url", "project_id", "form_id", "email", "password_env")
# What the audit trail shows of a connection: never the password, sealed or not.
AUDITED = (
    "name",
    "commune",
    "base_url",
    "project_id",
    "form_id",
    "email",
    "password_env",
    "last_submission_at",
)
SOURCE = ("base_url", "project_id", "form_id")  # change one: another form, pulled from its start


def _audited(connection: Connection) -> dict[str, Any]:
    data = snapshot(connection, AUDITED)
    data["password_stored"] = bool(connection.password_sealed)
    return data


def _commune(user: User, commune_id: int) -> Area:
    commune = Area.objects.filter(area_q(user), pk=commune_id, level=AreaLevel.COMMUNE).first()
    if commune is None:
        raise ValidationFailed(_("Commune: choose a commune of your area."), {"field": "commune"})
    return commune


def _check(data: dict[str, Any]) -> None:
    url = str(data.get("base_url") or "")
    if not url.startswith(("https://", "http://")):
        raise ValidationFailed(
            _("ODK Central address: it must start with https:// (or http://)."), {"field": "base_url"}
        )
    env = str(data.get("password_env") or "")
    if env and not credentials.valid_env_name(env):
        raise ValidationFailed(
            _(
                "Environment variable: its name must start with %(prefix)s and hold only capital letters, "
                "digits and _."
            )
            % {"prefix": credentials.ENV_PREFIX},
            {"field": "password_env"},
        )


def _allowed(user: User) -> None:
    if not can(user, Capability.EDIT_HOUSEHOLDS):
        raise PermissionDenied(_("You may not import households."))


@transaction.atomic
def connection_create(*, acting_user: User, data: dict[str, Any], password: str = "") -> Connection:
    """Record a connection; ``password`` (or ``data["password_env"]``, the variable holding it) is needed."""
    _allowed(acting_user)
    _check(data)
    if not password and not data.get("password_env"):
        raise ValidationFailed(
            _("Password: enter it, or name the environment variable that holds it."), {"field": "password"}
        )
    connection = Connection(
        name=str(data["name"]).strip(),
        commune=_commune(acting_user, int(data["commune_id"])),
        base_url=str(data["base_url"]).strip().rstrip("/"),
        project_id=int(data["project_id"]),
        form_id=str(data["form_id"]).strip(),
        email=str(data["email"]).strip(),
        password_env="" if password else str(data.get("password_env") or ""),
        password_sealed=credentials.seal(password) if password else "",
        created_by=acting_user,
    )
    connection.save()
    audit_record(
        actor=acting_user, action="odk.connection.create", target=connection, after=_audited(connection)
    )
    return connection


@transaction.atomic
def connection_update(
    *, acting_user: User, connection_id: int, data: dict[str, Any], password: str = ""
) -> Connection:
    """Change a connection. An empty ``password`` keeps the stored one (unless a variable is named now);
    another server, project or form starts again from that form's first submission."""
    _allowed(acting_user)
    _check(data)
    connection = (
        Connection.objects.select_for_update()
        .filter(area_q(acting_user, "commune__path"), pk=connection_id)
        .first()
    )
    if connection is None:
        raise NotFound("connection")
    before = _audited(connection)
    connection.name = str(data["name"]).strip()
    connection.commune = _commune(acting_user, int(data["commune_id"]))
    connection.base_url = str(data["base_url"]).strip().rstrip("/")
    connection.project_id = int(data["project_id"])
    connection.form_id = str(data["form_id"]).strip()
    connection.email = str(data["email"]).strip()
    env = str(data.get("password_env") or "")
    if password:
        connection.password_sealed, connection.password_env = credentials.seal(password), ""
    elif env:
        connection.password_sealed, connection.password_env = "", env
    elif not connection.password_sealed:
        raise ValidationFailed(
            _("Password: enter it, or name the environment variable that holds it."), {"field": "password"}
        )
    else:
        connection.password_env = ""
    if any(str(before[k]) != str(getattr(connection, k)) for k in SOURCE):
        connection.last_submission_at = None
    connection.save()
    after = _audited(connection)
    if password:
        after["password_changed"] = True  # that it changed, never what it is
    audit_record(
        actor=acting_user, action="odk.connection.update", target=connection, before=before, after=after
    )
    return connection


@transaction.atomic
def connection_delete(*, acting_user: User, connection_id: int) -> None:
    """Forget a connection, its password and its pulls (the staged imports and their jobs stay)."""
    _allowed(acting_user)
    connection = Connection.objects.filter(area_q(acting_user, "commune__path"), pk=connection_id).first()
    if connection is None:
        raise NotFound("connection")
    audit_record(
        actor=acting_user, action="odk.connection.delete", target=connection, before=_audited(connection)
    )
    connection.delete()


def pull_start(*, acting_user: User, connection_id: int) -> Pull:
    """Queue a pull of the connection's new submissions (a job, ``jobs.pull_job``)."""
    _allowed(acting_user)
    connection = Connection.objects.filter(area_q(acting_user, "commune__path"), pk=connection_id).first()
    if connection is None:
        raise NotFound("connection")
    with transaction.atomic():
        job = job_create(
            kind=JobKind.ODK_PULL,
            title=_("Pull from ODK Central: %(name)s") % {"name": connection.name},
            acting_user=acting_user,
            params={"connection_id": connection.pk},
            enqueue=False,
        )
        pull = Pull.objects.create(
            connection=connection, job=job, since=connection.last_submission_at, created_by=acting_user
        )
        audit_record(
            actor=acting_user,
            action="odk.pull.start",
            target=connection,
            after={"pull": pull.pk, "job": job.pk, "since": connection.last_submission_at},
        )
    job_enqueue(job=job)  # after the commit: a worker must find the job's row
    pull.refresh_from_db()
    return pull


@transaction.atomic
def pull_stage(*, job: Job, acting_user: User, connection_id: int, pulled: Pulled) -> dict[str, Any]:
    """Keep what a pull read, all or nothing: the new submissions remembered by instance ID, the high-water
    mark moved, and (if any is new) a household import job reading the submissions as Central's export
    (``dataio``: then mapped, checked, matched and applied by the user in the import pages). Submissions
    already pulled (by this pull's overlap or a concurrent one) are left out. Returns the summary; the
    import job, if any, is to be queued after the commit (``pull_stage_enqueue``)."""
    connection = (
        Connection.objects.select_for_update()
        .filter(area_q(acting_user, "commune__path"), pk=connection_id)
        .select_related("commune")
        .first()
    )
    if connection is None:
        raise NotFound("connection")
    pull = Pull.objects.filter(job=job).first() or Pull.objects.create(
        connection=connection, job=job, since=connection.last_submission_at, created_by=acting_user
    )
    seen = set(
        Submission.objects.filter(
            connection=connection, instance_id__in=[str(s.get("__id")) for s in pulled.submissions]
        ).values_list("instance_id", flat=True)
    )
    fresh: dict[str, dict[str, Any]] = {}
    for row in pulled.submissions:
        instance_id = str(row.get("__id") or "")
        if instance_id and instance_id not in seen and submission_date(row) is not None:
            fresh.setdefault(instance_id, row)
    new = Pulled(
        submissions=list(fresh.values()),
        members=[m for m in pulled.members if str(m.get("__Submissions-id")) in fresh],
    )
    newest = new.newest()
    before = {"last_submission_at": connection.last_submission_at}
    if newest is not None and (
        connection.last_submission_at is None or newest > connection.last_submission_at
    ):
        connection.last_submission_at = newest
        connection.save(update_fields=["last_submission_at", "updated_at"])
    import_job = None
    if new.submissions:
        import_job = _stage_import(connection=connection, acting_user=acting_user, pulled=new)
        Submission.objects.bulk_create(
            Submission(
                connection=connection,
                pull=pull,
                instance_id=instance_id,
                submitted_at=submission_date(row) or timezone.now(),
            )
            for instance_id, row in fresh.items()
        )
    pull.import_job = import_job
    pull.submissions, pull.members, pull.until = len(new.submissions), len(new.members), newest
    pull.save(update_fields=["import_job", "submissions", "members", "until", "updated_at"])
    audit_record(
        actor=acting_user,
        action="odk.pull.stage",
        target=connection,
        before=before,
        after={
            "last_submission_at": connection.last_submission_at,
            "submissions": len(new.submissions),
            "members": len(new.members),
            "already_pulled": len(pulled.submissions) - len(new.submissions),
            "import_job": import_job.pk if import_job else None,
        },
    )
    return {  # "households": one submission is one household
        "households": len(new.submissions),
        "members": len(new.members),
        "already_pulled": len(pulled.submissions) - len(new.submissions),
        "import_job": import_job.pk if import_job else None,
    }


def _stage_import(*, connection: Connection, acting_user: User, pulled: Pulled) -> Job:
    from giamngheo.dataio.import_jobs import INSPECT

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name = f"odk-{connection.form_id}-{stamp}.zip"[:200]
    return job_create(
        kind=JobKind.HOUSEHOLD_IMPORT,
        title=_("Read %(file)s") % {"file": name},
        acting_user=acting_user,
        params={
            "stage": INSPECT,
            "commune_id": connection.commune_id,
            "commune_name": connection.commune.name,
            "source": "kobo",
            "odk_connection_id": connection.pk,
        },
        upload=ContentFile(export_zip(pulled, form_id=connection.form_id), name=name),
        enqueue=False,
    )


def pull_stage_enqueue(*, import_job_id: int | None) -> None:
    if import_job_id is not None:
        job_enqueue(job=Job.objects.get(pk=import_job_id))


def connection_password(connection: Connection) -> str:
    """The account's password, for the pull only (never returned to a page)."""
    if connection.password_env:
        return credentials.from_env(connection.password_env)
    if not connection.password_sealed:
        raise credentials.Unreadable("no password")
    return credentials.unseal(connection.password_sealed)


def since_of(connection: Connection) -> dt.datetime | None:
    return connection.last_submission_at
