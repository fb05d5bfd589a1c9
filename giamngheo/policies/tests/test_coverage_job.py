"""The coverage recount is a background job: a row with progress, a summary and an audit trail, in the list
of the user who asked for it (the test settings run a job as soon as it is enqueued)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giamngheo.core.models import AuditRecord
from giamngheo.households.tests.factories import make_household
from giamngheo.jobs.models import Job, JobKind, JobStatus
from giamngheo.policies import services
from giamngheo.policies.models import Entitlement
from giamngheo.policies.tasks import coverage_rebuild_later
from giamngheo.policies.tests.test_catalogue_edit import service_data

SPECIALIST = "chuyenvien"
pytestmark = pytest.mark.django_db


@pytest.fixture
def households(commune_a: Any, commune_b: Any) -> None:
    make_household(commune_a, code="CJ-1", head="Điểu Lệ", category="poor")
    make_household(commune_a, code="CJ-2", head="Điểu Minh", category="near_poor")
    make_household(commune_b, code="CJ-3", head="Lê Văn Bình", category="poor")


def _recounts() -> Any:
    return Job.objects.filter(kind=JobKind.COVERAGE_REBUILD)


def test_a_recount_is_a_job_with_progress_summary_and_audit(
    users: dict[str, Any], households: None, django_capture_on_commit_callbacks: Any
) -> None:
    user = users[SPECIALIST]
    year = timezone.localdate().year
    with django_capture_on_commit_callbacks(execute=True):
        coverage_rebuild_later(year, acting_user=user)
    job = _recounts().get()
    assert job.created_by == user and job.params == {"year": year}
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.total == 2 and job.done == 2  # the two communes with households
    assert job.summary["communes"] == 2 and job.summary["written"] >= 0
    assert str(year) in job.stage and job.log
    assert AuditRecord.objects.filter(action="jobs.coverage_rebuild.create", target_id=str(job.pk)).exists()
    rebuilt = AuditRecord.objects.get(action="policies.coverage.rebuild", target_id=str(job.pk))
    assert rebuilt.actor == user and rebuilt.after["communes"] == 2

    client = Client()
    client.force_login(user)
    listed = client.get(reverse("jobs:job-list")).content.decode()
    assert "Tính lại độ bao phủ chính sách" in listed
    assert client.get(reverse("jobs:job-detail", args=[job.pk])).status_code == 200


def test_a_policy_change_queues_the_recount_job_on_commit(
    users: dict[str, Any], households: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        policy = services.policy_create(data=service_data(), acting_user=users[SPECIALIST])
    assert not _recounts().exists()  # not before the change is committed
    for callback in callbacks:
        callback()
    job = _recounts().get()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.params == {"year": timezone.localdate().year} and job.done == job.total == 2
    assert Entitlement.objects.filter(policy=policy, year=job.params["year"]).exists()


def test_the_coverage_page_button_starts_the_job_in_the_users_list(
    users: dict[str, Any], households: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(users[SPECIALIST])
    year = timezone.localdate().year
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("policies:coverage-rebuild"), {"year": year})
    assert response.status_code == 302
    job = _recounts().get()
    assert job.created_by == users[SPECIALIST] and job.status == JobStatus.SUCCEEDED
    assert job.params == {"year": year}
