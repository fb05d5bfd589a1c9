"""The registry of job kinds: each app registers the handlers of its background jobs in its
``AppConfig.ready()`` (as Django's system checks and Wagtail's hooks do), so this app, below every domain,
names none of them.

    from giamngheo.jobs.registry import register

    class DataioConfig(AppConfig):
        def ready(self) -> None:
            from .jobs import household_export

            register(JobKind.HOUSEHOLD_EXPORT, household_export, label=_("Household export"))

A handler is ``handler(job, progress) -> summary``: it runs on a worker, reports through ``progress``
(``jobs.services.Progress``) and returns the figures shown on the job's page. ``jobs.services.job_create``
refuses a kind nobody registered; ``job_run`` looks the handler up here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from giamngheo.core.models import ExportKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import Job
    from .services import Progress

Handler = Callable[["Job", "Progress"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class JobType:
    kind: str
    handler: Handler
    label: StrOrPromise
    # The export log's kind of a download of the job's result (``None``: ``ExportKind.JOB_RESULT``).
    result_export_kind: ExportKind | None = None


# kind -> its registration (tests may swap an entry with ``monkeypatch.setitem``).
TYPES: dict[str, JobType] = {}


def register(
    kind: str, handler: Handler, *, label: StrOrPromise, result_export_kind: ExportKind | None = None
) -> None:
    """Declare a kind of job and its handler. Registering the same handler again (``ready()`` may run
    twice in tests) is harmless; another handler for a kind already taken is a programming error."""
    kind = str(kind)
    if len(kind) > 32:
        raise ValueError(f"job kind {kind!r} is longer than Job.kind's 32 characters")
    known = TYPES.get(kind)
    if known is not None and known.handler is not handler:
        raise ValueError(f"job kind {kind!r} is already registered to {known.handler!r}")
    TYPES[kind] = JobType(kind=kind, handler=handler, label=label, result_export_kind=result_export_kind)


def job_handler(
    kind: str, *, label: StrOrPromise, result_export_kind: ExportKind | None = None
) -> Callable[[Handler], Handler]:
    """Decorator form of ``register`` (the module must still be imported by the app's ``ready()``)."""

    def decorate(handler: Handler) -> Handler:
        register(kind, handler, label=label, result_export_kind=result_export_kind)
        return handler

    return decorate


def unregister(kind: str) -> None:
    """Forget a kind (tests that register a kind of their own)."""
    TYPES.pop(str(kind), None)


def is_registered(kind: str) -> bool:
    return str(kind) in TYPES


def job_type(kind: str) -> JobType:
    """The registered kind; ``LookupError`` if no app registered it."""
    try:
        return TYPES[str(kind)]
    except KeyError:
        raise LookupError(f"unknown job kind {kind!r}: no app registered a handler for it") from None


def label(kind: str) -> StrOrPromise:
    """The kind's label for the pages (the kind itself if no app registers it any more)."""
    known = TYPES.get(str(kind))
    return known.label if known is not None else str(kind)


def kinds() -> list[str]:
    return sorted(TYPES)
