"""The registry of job kinds: every kind in use has a handler registered by its app, an unregistered kind is
refused, and a kind is not taken twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from giamngheo.jobs import registry
from giamngheo.jobs.models import Job, JobKind
from giamngheo.jobs.services import Progress, job_create


def _handler(job: Job, progress: Progress) -> dict[str, Any]:
    return {}


def _other(job: Job, progress: Progress) -> dict[str, Any]:
    return {}


def _kinds_in_use() -> set[str]:
    return {value for name, value in vars(JobKind).items() if name.isupper()}


def test_every_kind_in_use_has_a_handler_registered_by_its_app() -> None:
    assert _kinds_in_use() <= set(registry.kinds())
    for kind in _kinds_in_use():
        registered = registry.job_type(kind)
        assert callable(registered.handler)
        assert registered.handler.__module__.startswith("giamngheo.")
        assert not registered.handler.__module__.startswith("giamngheo.jobs.")  # the domain's, not ours
        assert str(registered.label) != kind


def test_the_handlers_live_with_their_domain() -> None:
    assert registry.job_type(JobKind.RECLASSIFY).handler.__module__ == "giamngheo.households.jobs"
    assert registry.job_type(JobKind.COVERAGE_REBUILD).handler.__module__ == "giamngheo.policies.jobs"
    assert registry.job_type(JobKind.HOUSEHOLD_EXPORT).handler.__module__ == "giamngheo.dataio.jobs"


def test_labels_are_translated() -> None:
    with translation.override("vi"):
        assert str(registry.label(JobKind.COVERAGE_REBUILD)) == "Tính lại độ bao phủ chính sách"
        assert str(Job(kind=JobKind.COVERAGE_REBUILD).kind_label) == "Tính lại độ bao phủ chính sách"
    assert registry.label("gone_kind") == "gone_kind"  # rows of a kind no app registers any more


@pytest.mark.django_db
def test_an_unregistered_kind_is_refused(users: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="no app registered"):
        job_create(kind="nobody_registered_this", title="t", acting_user=users["chuyenvien"])
    assert not Job.objects.filter(kind="nobody_registered_this").exists()
    with pytest.raises(LookupError):
        registry.job_type("nobody_registered_this")


def test_a_kind_is_registered_once() -> None:
    try:
        registry.register("test_kind", _handler, label="Test")
        registry.register("test_kind", _handler, label="Test")  # ready() run again: harmless
        with pytest.raises(ValueError, match="already registered"):
            registry.register("test_kind", _other, label="Test")
        assert registry.job_type("test_kind").handler is _handler
        with pytest.raises(ValueError, match="32"):
            registry.register("k" * 33, _handler, label="Too long")
    finally:
        registry.unregister("test_kind")
    assert not registry.is_registered("test_kind")


def test_the_decorator_registers() -> None:
    try:
        decorated = registry.job_handler("test_decorated", label="Test")(_handler)
        assert decorated is _handler and registry.job_type("test_decorated").handler is _handler
    finally:
        registry.unregister("test_decorated")
