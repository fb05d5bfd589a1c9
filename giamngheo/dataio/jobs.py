"""Handlers of the household and member exports (registered in ``DataioConfig.ready()``; the province
reclassification's handler is ``households.jobs``).

A handler runs on a worker, as the user who created the job (``job.created_by``): what it reads is scoped
to that user exactly as the page the job was started from, and the capability is checked again, since the
user's role may have changed since. Files are written to a temporary file and stored in ``job.result_file``;
``jobs.services.job_run`` saves the row.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.core.files import File
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.geo.selectors import communes_to_pick, villages_to_pick
from giamngheo.households import exports, selectors
from giamngheo.households.forms import HouseholdFilterForm, indicator_standard
from giamngheo.households.models import Household
from giamngheo.jobs.models import Job
from giamngheo.jobs.services import Progress, job_creator

from . import member_export as member_file

FORMATS = ("xlsx", "csv")
ADVANCE_EVERY = 2000  # rows between two progress reports
# Parameters of the household list that are not filters.
NOT_FILTERS = ("page", "format", "csrfmiddlewaretoken")


def _require(job: Job, capability: str) -> None:
    if not can(job.created_by, capability):
        raise PermissionDenied(_("You are no longer allowed to do this: your role or access has changed."))


def _format(job: Job) -> str:
    kind = str(job.params.get("format") or "xlsx")
    if kind not in FORMATS:
        raise ValidationFailed(_("Unknown file format: %(format)s.") % {"format": kind})
    return kind


def filter_query(raw: Any) -> QueryDict:
    """The household list's filters as a query dict, from a query string or a dict (values may be lists)."""
    if isinstance(raw, dict):
        query = QueryDict(mutable=True)
        for key, value in raw.items():
            values = value if isinstance(value, list | tuple) else [value]
            query.setlist(str(key), ["" if v is None else str(v) for v in values])
    else:
        query = QueryDict(str(raw or ""), mutable=True)
    for key in NOT_FILTERS:
        query.pop(key, None)
    return query


def visible_households(job: Job) -> QuerySet[Household]:
    """The households of the list the job was started from: its filters, as its creator sees them."""
    user = job_creator(job)
    query = filter_query(job.params.get("filters"))
    form = HouseholdFilterForm(
        query or None,
        communes=communes_to_pick(user=user),
        villages_of=lambda commune: villages_to_pick(user=user, commune=commune),
    )
    return selectors.household_list(user=user, filters=form.filters())


class _Counted:
    """Passes the rows through, reporting ``done`` every ``ADVANCE_EVERY`` rows."""

    def __init__(self, rows: Iterable[list[Any]], progress: Progress) -> None:
        self.rows = rows
        self.progress = progress
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield row
            self.count += 1
            if self.count % ADVANCE_EVERY == 0:
                self.progress.advance(self.count)
        self.progress.advance(self.count)


def _store(job: Job, handle: IO[bytes], name: str) -> None:
    with handle:
        job.result_file.save(name, File(handle, name=name), save=False)
    job.result_name = name


def _csv_file(lines: Iterable[str]) -> IO[bytes]:
    out = tempfile.TemporaryFile(suffix=".csv")  # noqa: SIM115 - closed by _store
    for line in lines:
        out.write(line.encode("utf-8"))
    out.seek(0)
    return out


def _export(
    job: Job,
    progress: Progress,
    *,
    stage: str,
    total: int,
    rows: Iterable[list[Any]],
    write_xlsx: Callable[[Iterable[list[Any]]], IO[bytes]],
    csv_stream: Callable[[Iterable[list[Any]]], Iterator[str]],
    stem: str,
) -> dict[str, Any]:
    kind = _format(job)
    progress.start(stage, total)
    counted = _Counted(rows, progress)
    handle = write_xlsx(counted) if kind == "xlsx" else _csv_file(csv_stream(counted))
    name = f"{stem}-{timezone.localdate():%Y%m%d}.{kind}"
    _store(job, handle, name)
    progress.log(_("%(count)s rows written to %(name)s.") % {"count": counted.count, "name": name})
    return {"rows": counted.count}


def household_export(job: Job, progress: Progress) -> dict[str, Any]:
    """The household list (with the filters it was shown with) as an .xlsx or .csv file."""
    _require(job, Capability.DOWNLOAD_PERSONAL_DATA)
    households = visible_households(job)
    names = {i.key: i.name_vi for i in indicator_standard().indicators}
    return _export(
        job,
        progress,
        stage=_("Writing the households"),
        total=households.count(),
        rows=exports.household_rows(households, user=job_creator(job), indicator_names=names),
        write_xlsx=exports.write_xlsx,
        csv_stream=exports.csv_stream,
        stem="ho-gia-dinh",
    )


def member_export(job: Job, progress: Progress) -> dict[str, Any]:
    """The active members of the households of the list (with its filters), one row each."""
    _require(job, Capability.DOWNLOAD_PERSONAL_DATA)
    members = member_file.member_queryset(visible_households(job))
    return _export(
        job,
        progress,
        stage=_("Writing the members"),
        total=members.count(),
        rows=member_file.member_rows(members, user=job_creator(job)),
        write_xlsx=member_file.write_member_xlsx,
        csv_stream=member_file.member_csv_stream,
        stem="thanh-vien",
    )
