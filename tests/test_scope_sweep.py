"""Every URL of the app, visited as the commune officer of ANOTHER commune, shows nothing that is not theirs.

The sweep enumerates the URL configuration itself, so a URL added by a later issue is visited
automatically. A URL with parameters must say (in ``FOREIGN_KWARGS``) how to point it at an object of
the foreign commune; until it does, ``test_every_parametrised_url_is_covered`` fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from giamngheo.core.models import AuditRecord
from giamngheo.geo.models import Area, AreaLevel, DifficultyPeriod
from giamngheo.geo.services import difficulty_period_add, village_create
from giamngheo.org.models import OrgUnit, Staff

MARKERS = (
    "Thôn Bí Mật Ngoại Xã",
    "Nguyễn Văn Ngoại Phạm Vi",
    "Cán Bộ Xã Khác Bí Mật",
    "Lò Thị Bí Mật Hộ",
    "075190123456",
    "Khiếu nại bí mật ngoại xã",
)


@dataclass
class ForeignWorld:
    commune: Area
    village: Area
    period: DifficultyPeriod
    staff: Staff
    org_unit: OrgUnit
    officer: Any
    other_officer: Any
    household: Any = None
    member: Any = None
    commune_review: Any = None
    assessment: Any = None
    complaint: Any = None
    request: Any = None
    other_round: Any = None
    job: Any = None
    support: Any = None
    support_request: Any = None


# How to point each parametrised URL at the foreign commune's data. Values: world -> list of kwargs.
FOREIGN_KWARGS: dict[str, Callable[[ForeignWorld], list[dict[str, Any]]]] = {
    "geo:area-detail": lambda w: [{"pk": w.commune.pk}, {"pk": w.village.pk}, {"pk": w.commune.parent_id}],
    "geo:village-create": lambda w: [{"pk": w.commune.pk}],
    "geo:village-update": lambda w: [{"pk": w.village.pk}],
    "geo:difficulty-add": lambda w: [{"pk": w.commune.pk}, {"pk": w.village.pk}],
    "geo:difficulty-delete": lambda w: [{"pk": w.period.pk}],
    "geo:urban-override": lambda w: [{"pk": w.commune.pk}],
    "org:unit-detail": lambda w: [{"pk": w.org_unit.pk}],
    "org:unit-update": lambda w: [{"pk": w.org_unit.pk}],
    "org:staff-update": lambda w: [{"pk": w.staff.pk}],
    "web:user-update": lambda w: [{"pk": w.other_officer.pk}],
    "web:audit-detail": lambda w: [
        {"pk": AuditRecord.objects.filter(target_id=str(w.village.pk)).first().pk}
    ],
    "households:household-detail": lambda w: [{"pk": w.household.pk}],
    "households:household-update": lambda w: [{"pk": w.household.pk}],
    "households:member-create": lambda w: [{"pk": w.household.pk}],
    "households:member-update": lambda w: [{"pk": w.member.pk}],
    "households:member-history": lambda w: [{"pk": w.member.pk}],
    "reviews:round-detail": lambda w: [{"pk": w.other_round.pk}],
    "reviews:round-close": lambda w: [{"pk": w.other_round.pk}, {"pk": w.commune_review.round_id}],
    "reviews:round-standard": lambda w: [{"pk": w.other_round.pk}, {"pk": w.commune_review.round_id}],
    "dataio:round-whatif": lambda w: [{"pk": w.other_round.pk}, {"pk": w.commune_review.round_id}],
    "reviews:village-meeting": lambda w: [{"pk": w.commune_review.pk, "village": w.village.pk}],
    "reviews:commune-review": lambda w: [{"pk": w.commune_review.pk}],
    "reviews:step-action": lambda w: [{"pk": w.commune_review.pk}],
    "reviews:reopen": lambda w: [{"pk": w.commune_review.pk}],
    "reviews:request-add": lambda w: [{"pk": w.commune_review.pk}],
    "reviews:complaint-add": lambda w: [{"pk": w.commune_review.pk}],
    "reviews:certificates-all": lambda w: [{"pk": w.commune_review.pk}],
    "reviews:screening": lambda w: [{"pk": w.assessment.pk}],
    "reviews:survey": lambda w: [{"pk": w.assessment.pk}],
    "reviews:meeting": lambda w: [{"pk": w.assessment.pk}],
    "reviews:certificate": lambda w: [{"pk": w.assessment.pk}],
    "reviews:meeting-minutes": lambda w: [{"pk": w.commune_review.pk, "meeting": _foreign_meeting(w).pk}],
    "reviews:decision-docx": lambda w: [{"pk": w.commune_review.pk}],
    "reviews:complaint-resolve": lambda w: [{"pk": w.complaint.pk}],
    "reviews:request-decide": lambda w: [{"pk": w.request.pk}],
    "policies:household-policies": lambda w: [{"pk": w.household.pk}],
    "policies:support-create": lambda w: [{"pk": w.household.pk}],
    "policies:support-detail": lambda w: [{"pk": w.support.pk}],
    "policies:support-cancel": lambda w: [{"pk": w.support.pk}],
    "policies:request-create": lambda w: [{"pk": w.household.pk}],
    "policies:request-detail": lambda w: [{"pk": w.support_request.pk}],
    "jobs:job-detail": lambda w: [{"pk": w.job.pk}],
    "jobs:job-status": lambda w: [{"pk": w.job.pk}],
    "jobs:job-download": lambda w: [{"pk": w.job.pk, "which": k} for k in ("input", "result", "report")],
    "dataio:import-mapping": lambda w: [{"pk": w.job.pk}],
    "dataio:import-detail": lambda w: [{"pk": w.job.pk}],
    "dataio:import-run": lambda w: [{"pk": w.job.pk}],
    "dataio:support-import-detail": lambda w: [{"pk": w.job.pk}],
    "dataio:support-import-run": lambda w: [{"pk": w.job.pk}],
    "dataio:village-import-detail": lambda w: [{"pk": w.job.pk}],
    "dataio:village-import-run": lambda w: [{"pk": w.job.pk}],
    "notices:open": lambda w: [{"pk": _foreign_notice(w).pk}],
    "plans:plan-detail": lambda w: [{"pk": _foreign_plans(w)["plan"].pk}],
    "plans:plan-update": lambda w: [{"pk": _foreign_plans(w)["plan"].pk}],
    "plans:plan-delete": lambda w: [{"pk": _foreign_plans(w)["plan"].pk}],
    "plans:target-create": lambda w: [{"pk": _foreign_plans(w)["plan"].pk}],
    "plans:target-update": lambda w: [{"pk": _foreign_plans(w)["target"].pk}],
    "plans:target-delete": lambda w: [{"pk": _foreign_plans(w)["target"].pk}],
    "plans:allocations": lambda w: [{"pk": _foreign_plans(w)["target"].pk}],
    "plans:reports": lambda w: [{"pk": _foreign_plans(w)["target"].pk}],
    "plans:report-evidence": lambda w: [{"pk": _foreign_plans(w)["report"].pk}],
    "plans:report-delete": lambda w: [{"pk": _foreign_plans(w)["report"].pk}],
    "plans:priority-unmark": lambda w: [{"pk": _foreign_plans(w)["priority"].pk}],
    "dashboard:area": lambda w: [{"pk": w.commune.pk}, {"pk": w.village.pk}, {"pk": w.commune.parent_id}],
    "dashboard:area-report": lambda w: [{"pk": w.commune.pk}, {"pk": w.village.pk}],
    "geo:boundaries-geojson": lambda w: [{"pk": w.commune.parent_id}, {"pk": w.commune.pk}],
    "training:officer-update": lambda w: [{"pk": _foreign_training(w)["officer"].pk}],
    "training:officer-delete": lambda w: [{"pk": _foreign_training(w)["officer"].pk}],
    "training:course-detail": lambda w: [{"pk": _foreign_training(w)["course"].pk}],
    "training:course-update": lambda w: [{"pk": _foreign_training(w)["course"].pk}],
    "training:course-delete": lambda w: [{"pk": _foreign_training(w)["course"].pk}],
    "training:attendance-add": lambda w: [{"pk": _foreign_training(w)["course"].pk}],
    "training:attendance-update": lambda w: [{"pk": _foreign_training(w)["attendance"].pk}],
    "training:attendance-delete": lambda w: [{"pk": _foreign_training(w)["attendance"].pk}],
    "dataio:training-import": lambda w: [{"pk": _foreign_training(w)["course"].pk}],
    "dataio:training-template": lambda w: [{"pk": _foreign_training(w)["course"].pk}],
    "dataio:training-import-detail": lambda w: [{"pk": _foreign_training(w)["job"].pk}],
    "dataio:training-import-run": lambda w: [{"pk": _foreign_training(w)["job"].pk}],
    "outreach:activity-detail": lambda w: [{"pk": _foreign_outreach(w)["activity"].pk}],
    "outreach:activity-update": lambda w: [{"pk": _foreign_outreach(w)["activity"].pk}],
    "outreach:activity-delete": lambda w: [{"pk": _foreign_outreach(w)["activity"].pk}],
    "outreach:activity-file": lambda w: [{"pk": _foreign_outreach(w)["activity_file"].pk}],
    "outreach:activity-file-delete": lambda w: [{"pk": _foreign_outreach(w)["activity_file"].pk}],
    "outreach:model-update": lambda w: [{"pk": _foreign_outreach(w)["model"].pk}],
    "outreach:model-delete": lambda w: [{"pk": _foreign_outreach(w)["model"].pk}],
    "outreach:model-file-delete": lambda w: [{"pk": _foreign_outreach(w)["model_file"].pk}],
    "outreach:replication-delete": lambda w: [{"pk": _foreign_outreach(w)["replication"].pk}],
    "fund:campaign-detail": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "fund:campaign-update": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "fund:donation-list": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "fund:donation-create": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "fund:donation-receipt": lambda w: [{"pk": _foreign_fund(w)["donation"].pk}],
    "fund:disbursement-list": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "fund:disbursement-create": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "fund:disbursement-file": lambda w: [{"pk": _foreign_fund(w)["disbursement"].pk}],
    "dataio:fund-import": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "dataio:fund-import-detail": lambda w: [{"pk": w.job.pk}],
    "dataio:fund-import-run": lambda w: [{"pk": w.job.pk}],
    "dataio:fund-template": lambda w: [{"pk": _foreign_fund(w)["campaign"].pk}],
    "initiatives:initiative-detail": lambda w: [{"pk": _foreign_initiatives(w)["initiative"].pk}],
    "initiatives:initiative-update": lambda w: [{"pk": _foreign_initiatives(w)["initiative"].pk}],
    "initiatives:initiative-submit": lambda w: [{"pk": _foreign_initiatives(w)["initiative"].pk}],
    "initiatives:initiative-delete": lambda w: [{"pk": _foreign_initiatives(w)["initiative"].pk}],
    "initiatives:initiative-evaluate": lambda w: [{"pk": _foreign_initiatives(w)["initiative"].pk}],
    "initiatives:initiative-file": lambda w: [{"pk": _foreign_initiatives(w)["file"].pk}],
    "initiatives:initiative-file-delete": lambda w: [{"pk": _foreign_initiatives(w)["file"].pk}],
    "commendation:doc-submission": lambda w: [{"year": _foreign_commendation(w)["proposal"].year}],
    "commendation:doc-minutes": lambda w: [{"pk": _foreign_commendation(w)["meeting"].pk}],
    "commendation:doc-report": lambda w: [{"pk": _foreign_commendation(w)["proposal"].pk}],
    "commendation:doc-certificates": lambda w: [{"pk": _foreign_commendation(w)["decision"].pk}],
    "scoring:set-detail": lambda w: [{"pk": _foreign_scoring(w)["set"].pk}],
    "scoring:set-update": lambda w: [{"pk": _foreign_scoring(w)["set"].pk}],
    "scoring:set-open": lambda w: [{"pk": _foreign_scoring(w)["draft"].pk}],
    "scoring:set-close": lambda w: [{"pk": _foreign_scoring(w)["set"].pk}],
    "scoring:set-refresh": lambda w: [{"pk": _foreign_scoring(w)["set"].pk}],
    "scoring:ranking": lambda w: [{"pk": _foreign_scoring(w)["set"].pk}],
    "scoring:criterion-create": lambda w: [{"pk": _foreign_scoring(w)["draft"].pk}],
    "scoring:criterion-update": lambda w: [{"pk": _foreign_scoring(w)["criterion"].pk}],
    "scoring:criterion-delete": lambda w: [{"pk": _foreign_scoring(w)["criterion"].pk}],
    "scoring:sheet-detail": lambda w: [{"pk": _foreign_scoring(w)["sheet"].pk}],
    "scoring:sheet-self": lambda w: [{"pk": _foreign_scoring(w)["sheet"].pk}],
    "scoring:sheet-submit": lambda w: [{"pk": _foreign_scoring(w)["sheet"].pk}],
    "scoring:sheet-council": lambda w: [{"pk": _foreign_scoring(w)["sheet"].pk}],
    "scoring:sheet-score": lambda w: [{"pk": _foreign_scoring(w)["sheet"].pk}],
    "scoring:sheet-return": lambda w: [{"pk": _foreign_scoring(w)["sheet"].pk}],
    "emulation:movement-detail": lambda w: [{"pk": _foreign_emulation(w)["movement"].pk}],
    "emulation:movement-update": lambda w: [{"pk": _foreign_emulation(w)["movement"].pk}],
    "emulation:plan-create": lambda w: [{"pk": _foreign_emulation(w)["movement"].pk}],
    "emulation:plan-detail": lambda w: [{"pk": _foreign_emulation(w)["plan"].pk}],
    "emulation:plan-update": lambda w: [{"pk": _foreign_emulation(w)["plan"].pk}],
    "emulation:registration-create": lambda w: [{"pk": _foreign_emulation(w)["plan"].pk}],
    "emulation:registration-detail": lambda w: [{"pk": _foreign_emulation(w)["registration"].pk}],
    "emulation:registration-update": lambda w: [{"pk": _foreign_emulation(w)["registration"].pk}],
    "emulation:line-add": lambda w: [{"pk": _foreign_emulation(w)["registration"].pk}],
    "emulation:registration-send": lambda w: [{"pk": _foreign_emulation(w)["registration"].pk}],
    "emulation:registration-approve": lambda w: [{"pk": _foreign_emulation(w)["registration"].pk}],
    "emulation:registration-return": lambda w: [{"pk": _foreign_emulation(w)["registration"].pk}],
    "emulation:line-delete": lambda w: [{"pk": _foreign_emulation(w)["line"].pk}],
    "emulation:task-update": lambda w: [{"pk": _foreign_emulation(w)["task"].pk}],
    "emulation:task-issue": lambda w: [{"pk": _foreign_emulation(w)["task"].pk}],
    "emulation:task-cancel": lambda w: [{"pk": _foreign_emulation(w)["task"].pk}],
    "unitreports:template-detail": lambda w: [{"pk": _foreign_unitreports(w)["template"].pk}],
    "unitreports:template-update": lambda w: [{"pk": _foreign_unitreports(w)["template"].pk}],
    "unitreports:field-update": lambda w: [{"pk": _foreign_unitreports(w)["field"].pk}],
    "unitreports:request-detail": lambda w: [{"pk": _foreign_unitreports(w)["request"].pk}],
    "unitreports:request-update": lambda w: [{"pk": _foreign_unitreports(w)["request"].pk}],
    "unitreports:exception-create": lambda w: [{"pk": _foreign_unitreports(w)["request"].pk}],
    "unitreports:request-aggregate": lambda w: [{"pk": _foreign_unitreports(w)["request"].pk}],
    "unitreports:report-detail": lambda w: [{"pk": _foreign_unitreports(w)["report"].pk}],
    "unitreports:report-edit": lambda w: [{"pk": _foreign_unitreports(w)["report"].pk}],
    "unitreports:report-action": lambda w: [
        {"pk": _foreign_unitreports(w)["report"].pk, "action": a}
        for a in ("submit", "approve", "return", "withdraw", "reopen", "leader-approve")
    ],
    "officedocs:document-detail": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-update": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-redraft": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-issue": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-reopen": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-delete": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-preview": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-docx": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "officedocs:document-xlsx": lambda w: [{"pk": _foreign_officedocs(w).pk}],
    "commendation:title-detail": lambda w: [{"pk": _foreign_commendation_core(w)["title"].pk}],
    "commendation:title-version": lambda w: [{"pk": _foreign_commendation_core(w)["title"].pk}],
    "commendation:rating-unit": lambda w: [{"pk": w.org_unit.pk}],
    "commendation:proposal-detail": lambda w: [{"pk": _foreign_commendation(w)["proposal"].pk}],
    "commendation:proposal-update": lambda w: [{"pk": _foreign_commendation(w)["proposal"].pk}],
    "commendation:proposal-submit": lambda w: [{"pk": _foreign_commendation(w)["proposal"].pk}],
    "commendation:proposal-return": lambda w: [{"pk": _foreign_commendation(w)["proposal"].pk}],
    "commendation:proposal-delete": lambda w: [{"pk": _foreign_commendation(w)["proposal"].pk}],
    "commendation:proposal-file-add": lambda w: [{"pk": _foreign_commendation(w)["proposal"].pk}],
    "commendation:proposal-file": lambda w: [{"pk": _foreign_commendation_core(w)["file"].pk}],
    "commendation:proposal-file-delete": lambda w: [{"pk": _foreign_commendation_core(w)["file"].pk}],
    "commendation:meeting-detail": lambda w: [{"pk": _foreign_commendation(w)["meeting"].pk}],
    "commendation:decision-detail": lambda w: [{"pk": _foreign_commendation(w)["decision"].pk}],
    "commendation:award-pay": lambda w: [{"pk": _foreign_commendation_core(w)["award"].pk}],
    "commendation:register-staff": lambda w: [{"pk": w.staff.pk}],
    "commendation:register-unit": lambda w: [{"pk": w.org_unit.pk}],
    "commendation:register-household": lambda w: [{"pk": _foreign_commendation_core(w)["household"].pk}],
}


def _foreign_notice(w: ForeignWorld) -> Any:
    """A notification of the foreign commune's officer, naming its household."""
    from giamngheo.notices.services import notify

    return notify(recipients=[w.other_officer], kind="request_overdue", title=MARKERS[3], url="/reviews/")[0]


# URLs that are not pages of the app (they render nothing from the database).
SKIP = {"javascript-catalog"}
# Parametrised URLs of public reference data (no area or personal data): visited, may answer 200.
# Lists whose parameter is not an object of a commune: they show the user's own scope and may answer 200,
# and they are checked for leaks like every page.
_FORMS = ["7-1", "7-2", "7-3", "7-4", "7-5", "7-6", "7-7", "7-8", "7-9", "7-10", "no-such"]
_KINDS = ["poor", "near-poor", "escaped", "escaped-near-poverty", "newly-poor", "re-poor", "no-such"]
PUBLIC: dict[str, Callable[[ForeignWorld], list[dict[str, Any]]]] = {
    "standards:standard-detail": lambda w: [{"code": "ND07-2021"}, {"code": "NO-SUCH"}],
    "policies:policy-detail": lambda w: [{"code": "H1"}, {"code": "NO-SUCH"}],
    "policies:policy-edit": lambda w: [{"code": "H1"}],
    "policies:gap-list": lambda w: [{"code": "H1"}, {"code": "C1"}, {"code": "NO-SUCH"}],
    "policies:gap-record": lambda w: [{"code": "H1"}, {"code": "C1"}],
    "tables:household-list": lambda w: [{"kind": k} for k in _KINDS],
    # The fund's public page: a campaign whose only donation is the foreign staff member's, anonymous.
    "fund:public": lambda w: [{"pk": _foreign_fund(w)["public"].pk}, {"pk": 10**9}],
    "tables:household-list-xlsx": lambda w: [{"kind": k} for k in _KINDS],
    "tables:form": lambda w: [{"form": f} for f in _FORMS],
    "tables:form-xlsx": lambda w: [{"form": f} for f in _FORMS],
    # The good models' catalogue is read by everyone signed in (no personal data); changing a model is
    # scoped (the model's edit URLs are in FOREIGN_KWARGS).
    "outreach:model-detail": lambda w: [{"pk": _foreign_outreach(w)["model"].pk}],
    "outreach:model-file": lambda w: [{"pk": _foreign_outreach(w)["model_file"].pk}],
}


def _walk(
    resolvers: list[URLPattern | URLResolver], prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), namespace)
        elif entry.name:
            yield f"{ns}{entry.name}", prefix + str(entry.pattern)


def all_urls() -> list[tuple[str, str]]:
    return sorted(set(_walk(get_resolver().url_patterns)))


@pytest.fixture
def world(users, commune_a, commune_b) -> ForeignWorld:  # type: ignore[no-untyped-def]
    village = village_create(commune=commune_a, name=MARKERS[0], division_type="thon", acting_user=None)
    period = difficulty_period_add(
        area=village, from_year=2022, to_year=2026, legal_source="test", acting_user=None
    )
    org_unit = OrgUnit.objects.filter(kind="division").first()
    staff = Staff.objects.create(full_name=MARKERS[1], org_unit=org_unit, staff_type="civil_servant")
    other_officer = users["canbo.bugiamap"]
    other_officer.full_name = MARKERS[2]
    other_officer.save()
    world = ForeignWorld(
        commune=commune_a,
        village=village,
        period=period,
        staff=staff,
        org_unit=org_unit,
        officer=users["canbo.tranbien"],
        other_officer=other_officer,
    )
    _households_and_reviews(world)
    world.job = _foreign_job(world)
    world.support = _foreign_support(world)
    world.support_request = _foreign_support_request(world)
    return world


def _foreign_support_request(w: ForeignWorld) -> Any:
    """Commune A's poor household asked for a loan (C1): its request names the household and a note."""
    import datetime as dt

    from giamngheo.policies import services as policies
    from giamngheo.policies.models import Policy

    return policies.support_request_create(
        household=w.household,
        policy=Policy.objects.get(code="C1"),
        requested_on=dt.date(2026, 2, 1),
        note=MARKERS[5],
        acting_user=w.other_officer,
    )


def _foreign_support(w: ForeignWorld) -> Any:
    """Commune A's household is poor: entitled to policies, one member's health card recorded, the head's
    still missing (so the gap lists and coverage of commune A name its people)."""
    import datetime as dt

    from giamngheo.households.models import Household
    from giamngheo.policies import services as policies
    from giamngheo.policies.models import Policy

    Household.objects.filter(pk=w.household.pk).update(category="poor")
    policies.entitlements_refresh(household_ids=[w.household.pk])
    records = policies.support_records_create(
        policy=Policy.objects.get(code="H1"),
        recipients=[policies.Recipient(w.household.pk, w.member.pk)],
        data=policies.SupportData(date=dt.date(2026, 2, 1), funding_source="central", document=MARKERS[5]),
        acting_user=w.other_officer,
    )
    return records[0]


def _foreign_meeting(w: ForeignWorld) -> Any:
    """The foreign commune's village meeting (its minutes name the village, its chair and households)."""
    import datetime as dt

    from giamngheo.reviews.models import VillageMeeting

    meeting, _ = VillageMeeting.objects.get_or_create(
        commune_review=w.commune_review,
        village=w.village,
        defaults={"held_on": dt.date(2026, 10, 5), "chair": MARKERS[1], "attendance": 30},
    )
    return meeting


def _foreign_job(w: ForeignWorld) -> Any:
    """The other officer's import, checked: its file, summary and error report name commune A's people."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from giamngheo.jobs.models import JobKind, JobStatus
    from giamngheo.jobs.services import job_create

    content = f"Mã hộ,Thôn/ấp/khu phố,Họ và tên\nX1,{MARKERS[0]},{MARKERS[3]}\n".encode()
    job = job_create(
        kind=JobKind.HOUSEHOLD_IMPORT,
        title=f"Nhập {MARKERS[3]}",
        acting_user=w.other_officer,
        params={"commune_id": w.commune.pk, "commune_name": w.commune.name, "headers": ["Mã hộ", MARKERS[0]]},
        upload=SimpleUploadedFile("ho.csv", content),
        enqueue=False,
    )
    job.status = JobStatus.SUCCEEDED
    job.summary = {"error_messages": [f"Dòng 2: {MARKERS[3]}"], "households_created": 1, "dry_run": True}
    job.log = MARKERS[3]
    job.result_file.save("ket-qua.csv", ContentFile(content), save=False)
    job.report_file.save("loi.csv", ContentFile(content), save=False)
    job.save()
    return job


def _households_and_reviews(w: ForeignWorld) -> None:
    """Commune A's household, its member, its review, an assessment, a complaint, an in-year request;
    and a round of another province."""
    import datetime as dt

    from giamngheo.households.tests.factories import make_household
    from giamngheo.reviews import services as reviews
    from giamngheo.reviews.models import CommuneReview, Complaint, ReviewRound

    w.household = make_household(
        w.commune,
        head=MARKERS[3],
        village=w.village,
        members=[
            {
                "full_name": "Lò Văn Bí Mật",
                "sex": "F",
                "date_of_birth": dt.date(1990, 3, 3),
                "relationship": "spouse",
                "national_id": MARKERS[4],
            }
        ],
    )
    w.member = w.household.members.get(national_id=MARKERS[4])
    province = w.commune.parent
    review_round = ReviewRound.objects.filter(province=province, year=2026).first() or reviews.round_open(
        province=province, year=2026, acting_user=None
    )
    w.commune_review = CommuneReview.objects.get(round=review_round, commune=w.commune)
    if w.commune_review.step > 1:
        w.commune_review.step = 1
        w.commune_review.locked = False
        w.commune_review.save()
    w.assessment = reviews.request_add(review=w.commune_review, household=w.household, acting_user=None)
    w.complaint = Complaint.objects.create(
        commune_review=w.commune_review,
        household=w.household,
        received_on=dt.date(2026, 10, 1),
        content=MARKERS[5],
    )
    other = make_household(w.commune, head=MARKERS[3] + " 2", village=w.village)
    w.request = reviews.regular_request_file(
        household=other, kind="become_poor", filed_on=dt.date(2026, 3, 1), acting_user=None
    )
    elsewhere = Area.objects.create(code="99", name="Tỉnh Khác", level="province", division_type="tinh")
    w.other_round = reviews.round_open(province=elsewhere, year=2026, acting_user=None)


def test_every_parametrised_url_is_covered() -> None:
    missing = [
        name
        for name, route in all_urls()
        if "<" in route and name not in FOREIGN_KWARGS and name not in SKIP and name not in PUBLIC
    ]
    assert not missing, f"Add these URLs to FOREIGN_KWARGS in tests/test_scope_sweep.py: {missing}"


def body_text(response: Any) -> str:
    """The text a user would see: HTML/CSV as is, the cells of an XLSX, the paragraphs of a DOCX."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v
        )
    if "wordprocessingml" in kind:
        import io

        from docx import Document

        doc = Document(io.BytesIO(raw))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    return raw.decode("utf-8", errors="replace")


def _assert_clean(response: Any, url: str) -> None:
    assert response.status_code < 500, f"{url} -> {response.status_code}"
    body = body_text(response)
    for marker in MARKERS:
        assert marker not in body, f"{url} leaks “{marker}” to an officer of another commune"
    assert world_commune_name not in body, f"{url} leaks the foreign commune's name"


world_commune_name = "Xã Bù Gia Mập"


def test_officer_of_another_commune_sees_nothing_foreign(world: ForeignWorld) -> None:
    client = Client()
    audit_before = AuditRecord.objects.count()
    villages_before = Area.objects.filter(level=AreaLevel.VILLAGE).count()
    visited = 0
    for name, route in all_urls():
        if name in SKIP:
            continue
        public = name in PUBLIC
        kwargs_list = (PUBLIC[name] if public else FOREIGN_KWARGS[name])(world) if "<" in route else [{}]
        for kwargs in kwargs_list:
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                client.force_login(world.officer)
                response = getattr(client, method)(
                    url,
                    {"name": "X", "from_year": "2020", "urban": "urban"},
                    HTTP_HX_REQUEST="true" if visited % 2 else None,
                )
                _assert_clean(response, f"{method.upper()} {url}")
                if kwargs and not public:
                    assert response.status_code in (403, 404, 405), (
                        f"{method.upper()} {url} answered {response.status_code} for a foreign object"
                    )
                visited += 1
    assert visited >= 2 * len(all_urls()) - 2 * len(SKIP)
    # Nothing was written on the foreign commune's behalf (writes are always audited).
    assert AuditRecord.objects.count() == audit_before
    assert Area.objects.filter(level=AreaLevel.VILLAGE).count() == villages_before
    assert world.period.__class__.objects.filter(pk=world.period.pk).exists()


def test_control_the_owner_does_see_the_markers(world: ForeignWorld) -> None:
    """The sweep would notice a leak: the commune's own officer sees the same data."""
    client = Client()
    client.force_login(world.other_officer)
    body = client.get(reverse("geo:area-detail", kwargs={"pk": world.commune.pk})).content.decode()
    assert MARKERS[0] in body
    admin = Client()
    admin.force_login(type(world.officer).objects.get(username="admin"))
    assert MARKERS[1] in admin.get(reverse("org:staff-list")).content.decode()
    assert MARKERS[2] in admin.get(reverse("web:user-list")).content.decode()


def test_control_the_owner_sees_the_household_and_its_review(world: ForeignWorld) -> None:
    client = Client()
    client.force_login(world.other_officer)
    card = client.get(reverse("households:household-detail", kwargs={"pk": world.household.pk}))
    assert MARKERS[3] in body_text(card) and MARKERS[4] in body_text(card)
    review = client.get(reverse("reviews:commune-review", kwargs={"pk": world.commune_review.pk}))
    assert MARKERS[3] in body_text(review)


def _foreign_plans(w: ForeignWorld) -> dict[str, Any]:
    """A plan of another province with a target; commune A's reported value (with its evidence) and its
    priority mark on a plan of the officer's own province. Written directly (no audit: the sweep counts
    audit rows)."""
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from giamngheo.plans.models import Plan, PriorityArea, Target, TargetReport

    cached = getattr(w, "_plans", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    other = w.other_round.province
    plan = Plan.objects.create(province=other, year_from=2026, year_to=2026, title="KH ngoại tỉnh")
    target = Target.objects.create(
        plan=plan,
        name="Chỉ tiêu ngoại tỉnh",
        indicator_key="programme_disbursement",
        unit="percent",
        target_value=Decimal(100),
        direction="up",
        deadline=dt.date(2026, 12, 31),
    )
    own = Plan.objects.create(province=w.commune.parent, year_from=2026, year_to=2026, title="KH trong tỉnh")
    own_target = Target.objects.create(
        plan=own,
        name="Cán bộ được tập huấn",
        indicator_key="programme_disbursement",
        unit="percent",
        target_value=Decimal(100),
        direction="up",
        deadline=dt.date(2026, 12, 31),
    )
    report = TargetReport(target=own_target, area=w.commune, year=2026, value=Decimal(50), note=MARKERS[5])
    report.evidence.save("bao-cao.pdf", ContentFile(MARKERS[3].encode()), save=False)
    report.evidence_name = "bao-cao.pdf"
    report.save()
    priority = PriorityArea.objects.create(year=2026, area=w.commune, reason=MARKERS[5])
    w._plans = {"plan": plan, "target": target, "report": report, "priority": priority}  # type: ignore[attr-defined]
    return w._plans  # type: ignore[attr-defined,no-any-return]


def _foreign_training(w: ForeignWorld) -> dict[str, Any]:
    """Commune A's poverty officer (named by a marker), a course of another province, commune A's officer in a
    course of the officer's own province, and the other officer's attendance import. Written directly (no
    audit: the sweep counts audit rows)."""
    import datetime as dt

    from django.utils import timezone

    from giamngheo.jobs.models import Job, JobKind, JobStatus
    from giamngheo.training.models import Attendance, Course, Officer

    cached = getattr(w, "_training", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    officer = Officer.objects.create(
        commune=w.commune,
        full_name=MARKERS[1],
        name_folded="nguyen van ngoai pham vi",
        position="social_affairs",
        phone=MARKERS[4],
        since=dt.date(2020, 1, 1),
    )
    course = Course.objects.create(
        province=w.other_round.province,
        title="Lớp ngoại tỉnh",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 2),
    )
    own = Course.objects.create(
        province=w.commune.parent,
        title="Lớp của tỉnh",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 2),
    )
    attendance = Attendance.objects.create(
        course=own, officer=officer, completed=True, certificate_number=MARKERS[5]
    )
    job = Job.objects.create(
        kind=JobKind.TRAINING_IMPORT,
        title=f"Nhập {MARKERS[1]}",
        created_by=w.other_officer,
        created_at=timezone.now(),
        params={"dry_run": True, "course_id": own.pk},
        status=JobStatus.SUCCEEDED,
        summary={"rows": 1, "errors": 0, "new_officers": [[MARKERS[1], w.commune.name]], "dry_run": True},
    )
    w._training = {"officer": officer, "course": course, "attendance": attendance, "job": job}  # type: ignore[attr-defined]
    return w._training  # type: ignore[attr-defined,no-any-return]


# Vocation (issue 15, item 2): a course of commune A with its member enrolled, a job fair with a placement.
def _foreign_vocation(w: ForeignWorld) -> dict[str, Any]:
    import datetime as dt

    from giamngheo.vocation.models import Course, JobSession, Placement, Trainee

    # Written directly (not through the services): the sweep counts audit rows, and these objects are made
    # lazily, after its count was taken.

    cached: dict[str, Any] | None = getattr(w, "_vocation", None)
    if cached is not None:
        return cached
    course = Course.objects.create(
        trade=MARKERS[5],
        level="elementary",
        organiser=MARKERS[1],
        area=w.commune,
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 3, 5),
        funding="project_4",
    )
    trainee = Trainee.objects.create(
        course=course,
        member=w.member,
        household=w.household,
        full_name=w.member.full_name,
        commune=w.commune,
        background="poor",
        enrolled_on=dt.date(2026, 1, 1),
    )
    session = JobSession.objects.create(
        kind="job_fair", held_on=dt.date(2026, 4, 1), place=MARKERS[0], area=w.commune, organiser=MARKERS[1]
    )
    placement = Placement.objects.create(
        session=session, trainee=trainee, full_name=trainee.full_name, commune=w.commune, employer=MARKERS[5]
    )
    cached = {"course": course.pk, "trainee": trainee.pk, "session": session.pk, "placement": placement.pk}
    w._vocation = cached  # type: ignore[attr-defined]
    return cached


def _foreign_relief(w: ForeignWorld) -> dict[str, Any]:
    """A flood that touched only commune A, its household (near-poor then, house destroyed: on the
    follow-up list) and the rice it received, with a scanned report. Written directly (no audit)."""
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from giamngheo.relief.models import AffectedHousehold, Incident, IncidentCommune, Support

    cached = getattr(w, "_relief", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    incident = Incident(
        kind="flood", name=MARKERS[5], start_date=dt.date(2026, 3, 1), province=w.commune.parent
    )
    incident.attachment.save("bao-cao.pdf", ContentFile(b"%PDF-" + MARKERS[3].encode()), save=False)
    incident.attachment_name = "bao-cao.pdf"
    incident.save()
    IncidentCommune.objects.create(incident=incident, commune=w.commune)
    affected = AffectedHousehold.objects.create(
        incident=incident,
        household=w.household,
        commune=w.commune,
        category="near_poor",
        dead=0,
        injured=1,
        house="destroyed",
        estimated_loss=50_000_000,
        note=MARKERS[5],
    )
    support = Support.objects.create(
        affected=affected,
        incident=incident,
        commune=w.commune,
        kind="rice",
        quantity=Decimal(30),
        unit="kg",
        source="state",
        given_on=dt.date(2026, 3, 5),
        note=MARKERS[5],
    )
    w._relief = {"incident": incident, "affected": affected, "support": support}  # type: ignore[attr-defined]
    return w._relief  # type: ignore[attr-defined,no-any-return]


FOREIGN_KWARGS.update(
    {
        "vocation:course-detail": lambda w: [{"pk": _foreign_vocation(w)["course"]}],
        "vocation:course-update": lambda w: [{"pk": _foreign_vocation(w)["course"]}],
        "vocation:course-delete": lambda w: [{"pk": _foreign_vocation(w)["course"]}],
        "vocation:enrol-member": lambda w: [{"pk": _foreign_vocation(w)["course"]}],
        "vocation:enrol-other": lambda w: [{"pk": _foreign_vocation(w)["course"]}],
        "vocation:trainee-outcome": lambda w: [{"pk": _foreign_vocation(w)["trainee"]}],
        "vocation:trainee-remove": lambda w: [{"pk": _foreign_vocation(w)["trainee"]}],
        "vocation:session-detail": lambda w: [{"pk": _foreign_vocation(w)["session"]}],
        "vocation:session-update": lambda w: [{"pk": _foreign_vocation(w)["session"]}],
        "vocation:placement-add": lambda w: [{"pk": _foreign_vocation(w)["session"]}],
        "vocation:placement-remove": lambda w: [{"pk": _foreign_vocation(w)["placement"]}],
    }
)


def _foreign_outreach(w: ForeignWorld) -> dict[str, Any]:
    """Commune A's communication activity with its photo (naming its household), and a good model of a
    commune of another province with a photo and a replication. Written directly (no audit)."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from giamngheo.outreach.models import Activity, ActivityFile, GoodModel, GoodModelFile, Replication

    cached = getattr(w, "_outreach", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    activity = Activity.objects.create(
        kind="dialogue",
        date=dt.date(2026, 4, 2),
        area=w.commune,
        organiser=MARKERS[2],
        topic=f"Đối thoại với hộ {MARKERS[3]}",
        funding="project_6",
        note=MARKERS[5],
    )
    activity_file = ActivityFile(activity=activity, name=f"{MARKERS[3]}.jpg")
    activity_file.file.save("anh.jpg", ContentFile(b"\xff\xd8\xff" + MARKERS[3].encode()), save=False)
    activity_file.save()
    province = w.other_round.province
    commune = Area.objects.filter(parent=province, level=AreaLevel.COMMUNE).first() or Area.objects.create(
        code="99001", name="Xã Ngoại Tỉnh", level=AreaLevel.COMMUNE, parent=province, division_type="xa"
    )
    model = GoodModel.objects.create(
        title="Mô hình của tỉnh khác", field="credit", commune=commune, description="Tổ vay vốn xoay vòng"
    )
    model_file = GoodModelFile(good_model=model, name="mo-hinh.png")
    model_file.file.save("mo-hinh.png", ContentFile(b"\x89PNG\r\n\x1a\n0000"), save=False)
    model_file.save()
    replication = Replication.objects.create(good_model=model, commune=commune, year=2026)
    w._outreach = {  # type: ignore[attr-defined]
        "activity": activity,
        "activity_file": activity_file,
        "model": model,
        "model_file": model_file,
        "replication": replication,
    }
    return w._outreach  # type: ignore[attr-defined,no-any-return]


def _foreign_fund(w: ForeignWorld) -> dict[str, Any]:
    """A fund campaign of the province with the foreign unit's staff member's donation (anonymous) and a
    disbursement to commune A's household (with a scanned decision); and a campaign with only that anonymous
    donation for the public page. Written directly (no audit: the sweep counts audit rows)."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from giamngheo.fund.models import Campaign, Disbursement, Donation

    cached = getattr(w, "_fund", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    day = dt.date(2026, 10, 17)
    campaigns = []
    for name in ("Quỹ ngoại phạm vi", "Quỹ công khai"):
        campaign = Campaign.objects.create(
            province=w.commune.parent, year=2026, name=name, start_date=day, end_date=day
        )
        campaign.units.set([w.org_unit])
        campaigns.append(campaign)
    donations = [
        Donation.objects.create(
            campaign=c,
            donor_kind="staff",
            org_unit=w.org_unit,
            staff=w.staff,
            amount=5_000_000,
            date=day,
            method="cash",
            receipt_number="NGOAI-1",
            anonymous=True,
        )
        for c in campaigns
    ]
    disbursement = Disbursement(
        campaign=campaigns[0], household=w.household, amount=1_000_000, date=day, purpose="housing"
    )
    disbursement.decision_file.save("qd.pdf", ContentFile(b"%PDF-1.4 " + MARKERS[3].encode()), save=False)
    disbursement.decision_file_name = "qd.pdf"
    disbursement.save()
    result = {
        "campaign": campaigns[0],
        "public": campaigns[1],
        "donation": donations[0],
        "disbursement": disbursement,
    }
    w._fund = result  # type: ignore[attr-defined]
    return result


FOREIGN_KWARGS.update(
    {
        "relief:incident-detail": lambda w: [{"pk": _foreign_relief(w)["incident"].pk}],
        "relief:incident-update": lambda w: [{"pk": _foreign_relief(w)["incident"].pk}],
        "relief:incident-attachment": lambda w: [{"pk": _foreign_relief(w)["incident"].pk}],
        "relief:incident-totals": lambda w: [{"pk": _foreign_relief(w)["incident"].pk}],
        "relief:incident-follow-up": lambda w: [{"pk": _foreign_relief(w)["incident"].pk}],
        "relief:affected-create": lambda w: [{"pk": _foreign_relief(w)["incident"].pk}],
        "relief:affected-detail": lambda w: [{"pk": _foreign_relief(w)["affected"].pk}],
        "relief:affected-update": lambda w: [{"pk": _foreign_relief(w)["affected"].pk}],
        "relief:affected-delete": lambda w: [{"pk": _foreign_relief(w)["affected"].pk}],
        "relief:support-delete": lambda w: [{"pk": _foreign_relief(w)["support"].pk}],
        "relief:household-relief": lambda w: [{"pk": w.household.pk}],
    }
)


def _foreign_initiatives(w: ForeignWorld) -> dict[str, Any]:
    """An initiative of the foreign unit, sent to the council, its author the foreign staff member (a marker)
    and its evidence named after commune A's household. Written directly (no audit)."""
    import datetime as dt
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from giamngheo.initiatives.models import Initiative, InitiativeAuthor, InitiativeFile

    cached = getattr(w, "_initiatives", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    initiative = Initiative.objects.create(
        org_unit=w.org_unit,
        year=2026,
        title=f"Sáng kiến của {MARKERS[1]}",
        field="poverty",
        problem=MARKERS[5],
        solution=MARKERS[5],
        benefit=MARKERS[5],
        applied_on=dt.date(2026, 2, 1),
        status="submitted",
    )
    InitiativeAuthor.objects.create(initiative=initiative, staff=w.staff, name=MARKERS[1], share=Decimal(100))
    stored = InitiativeFile(initiative=initiative, name=f"{MARKERS[3]}.pdf")
    stored.file.save("minh-chung.pdf", ContentFile(b"%PDF-1.4 " + MARKERS[3].encode()), save=False)
    stored.save()
    w._initiatives = {"initiative": initiative, "file": stored}  # type: ignore[attr-defined]
    return w._initiatives  # type: ignore[attr-defined,no-any-return]


def _foreign_commendation(w: ForeignWorld) -> dict[str, Any]:
    """The foreign unit's staff member proposed for Lao động tiên tiến (achievements naming the marker), the
    council's vote on it, and the decision that awarded it. Written directly (no audit)."""
    import datetime as dt

    from giamngheo.commendation.models import Award, CouncilMeeting, Decision, Proposal, Title, Vote

    cached = getattr(w, "_commendation", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    title = Title.objects.filter(code="lao-dong-tien-tien").order_by("-valid_from").first()
    proposal = Proposal.objects.create(
        year=2026,
        title=title,
        proposing_unit=w.org_unit,
        nominee_kind="individual",
        staff=w.staff,
        achievements=MARKERS[5],
        status="decided",
    )
    meeting = CouncilMeeting.objects.create(
        year=2026,
        held_on=dt.date(2026, 12, 10),
        members_total=9,
        members_present=9,
        chair=MARKERS[2],
        secretary="X",
    )
    Vote.objects.create(meeting=meeting, proposal=proposal, agree=9, approved=True)
    decision = Decision.objects.create(
        number="NGOAI/QĐ-SNNMT", signed_on=dt.date(2026, 12, 20), issuer="Giám đốc Sở", year=2026
    )
    Award.objects.create(
        decision=decision,
        proposal=proposal,
        title=title,
        year=2026,
        recipient_kind="individual",
        staff=w.staff,
        recipient_name=MARKERS[1],
        unit_name=w.org_unit.name,
    )
    w._commendation = {"proposal": proposal, "meeting": meeting, "decision": decision}  # type: ignore[attr-defined]
    return w._commendation  # type: ignore[attr-defined,no-any-return]


def _foreign_scoring(w: ForeignWorld) -> dict[str, Any]:
    """An emulation criteria set (open) scoring the foreign unit, its sheet (its evidence names a marker)
    and a set being prepared with a criterion. Written directly (no audit: the sweep counts audit rows)."""
    from decimal import Decimal

    from giamngheo.emulation.models import Movement, MovementPlan
    from giamngheo.scoring.models import CriteriaSet, Criterion, ScoreEntry, ScoreSheet

    cached = getattr(w, "_scoring", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    movement = Movement.objects.create(organiser=w.org_unit, name=MARKERS[5], year_from=2026, year_to=2026)
    plan = MovementPlan.objects.create(movement=movement, year=2026, title=MARKERS[5])
    sets = []
    for status in ("open", "draft"):
        row = CriteriaSet.objects.create(plan=plan, name=f"{MARKERS[5]} {status}", status=status)
        row.units.set([w.org_unit])
        sets.append(row)
    criterion = Criterion.objects.create(
        criteria_set=sets[1], code="1", name=MARKERS[5], kind="pass_fail", max_points=Decimal(10)
    )
    open_criterion = Criterion.objects.create(
        criteria_set=sets[0], code="1", name=MARKERS[5], kind="pass_fail", max_points=Decimal(10)
    )
    sheet = ScoreSheet.objects.create(criteria_set=sets[0], org_unit=w.org_unit, status="self_submitted")
    ScoreEntry.objects.create(
        sheet=sheet, criterion=open_criterion, self_value=Decimal(1), evidence=MARKERS[1]
    )
    w._scoring = {"set": sets[0], "draft": sets[1], "criterion": criterion, "sheet": sheet}  # type: ignore[attr-defined]
    return w._scoring  # type: ignore[attr-defined,no-any-return]


def _foreign_emulation(w: ForeignWorld) -> dict[str, Any]:
    """An emulation movement of the department with the foreign unit taking part, its 2026 plan, the unit's
    registration (its commitments and the foreign staff member's title, named by markers) and a guidance task
    of the unit. Written directly (no audit: the sweep counts audit rows)."""
    import datetime as dt

    from giamngheo.commendation.models import Title
    from giamngheo.emulation.models import (
        GuidanceTask,
        Movement,
        MovementPlan,
        Registration,
        RegistrationLine,
    )

    cached = getattr(w, "_emulation", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    organiser = w.org_unit.parent or w.org_unit
    movement = Movement.objects.create(organiser=organiser, name=MARKERS[5], year_from=2026, year_to=2026)
    movement.participants.set([w.org_unit])
    plan = MovementPlan.objects.create(movement=movement, year=2026, title=MARKERS[5])
    registration = Registration.objects.create(plan=plan, org_unit=w.org_unit, commitments=MARKERS[5])
    line = RegistrationLine.objects.create(
        registration=registration,
        staff=w.staff,
        title=Title.objects.get(code="lao-dong-tien-tien"),
        initiative_topic=MARKERS[3],
    )
    task = GuidanceTask.objects.create(
        org_unit=w.org_unit, year=2026, title=MARKERS[5], document=MARKERS[3], deadline=dt.date(2026, 3, 1)
    )
    w._emulation = {  # type: ignore[attr-defined]
        "movement": movement,
        "plan": plan,
        "registration": registration,
        "line": line,
        "task": task,
    }
    return w._emulation  # type: ignore[attr-defined,no-any-return]


def _foreign_unitreports(w: ForeignWorld) -> dict[str, Any]:
    """A periodic report of the foreign unit (submitted, its narrative naming the foreign staff member).
    Written directly (no audit: the sweep counts audit rows)."""
    import datetime as dt

    from giamngheo.unitreports.models import (
        ReportRequest,
        ReportTemplate,
        ReportValue,
        TemplateField,
        UnitReport,
    )

    cached = getattr(w, "_unitreports", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    template = ReportTemplate.objects.create(name="Mẫu báo cáo ngoại phạm vi", period_kind="quarter")
    field = TemplateField.objects.create(template=template, kind="text", code="ket-qua", label="Kết quả")
    request = ReportRequest.objects.create(
        template=template,
        organiser=w.org_unit.parent or w.org_unit,
        title="Báo cáo ngoại phạm vi",
        year=2026,
        period=3,
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        due_date=dt.date(2026, 10, 10),
    )
    request.units.set([w.org_unit])
    report = UnitReport.objects.create(request=request, org_unit=w.org_unit, status="submitted")
    ReportValue.objects.create(report=report, field=field, text=MARKERS[1])
    result = {"template": template, "field": field, "request": request, "report": report}
    w._unitreports = result  # type: ignore[attr-defined]
    return result


def _foreign_officedocs(w: ForeignWorld) -> Any:
    """The department's report draft, its narrative naming the foreign commune's household (the office's
    document: an officer of a commune has no page of it). Written directly (no audit)."""
    from giamngheo.officedocs.models import DocumentSection, OfficialDocument

    cached = getattr(w, "_officedoc", None)
    if cached is not None:
        return cached
    document = OfficialDocument.objects.create(
        org_unit=w.org_unit.parent or w.org_unit,
        kind="final",
        year=2026,
        title="Báo cáo ngoại phạm vi",
        symbol="BC-SNNMT",
        place="Đồng Nai",
        issuer="Sở Nông nghiệp và Môi trường",
        signer_title="GIÁM ĐỐC",
    )
    DocumentSection.objects.create(document=document, position=1, heading="I.", text=MARKERS[3])
    w._officedoc = document  # type: ignore[attr-defined]
    return document


def _foreign_commendation_core(w: ForeignWorld) -> dict[str, Any]:
    """Beside ``_foreign_commendation``: the title, an evidence file of its proposal naming the household, its
    award (with a bonus to pay), and commune A's household awarded by the same decision. Written directly
    (no audit: the sweep counts audit rows)."""
    from django.core.files.base import ContentFile

    from giamngheo.commendation.models import Award, ProposalFile, Title

    cached = getattr(w, "_commendation_core", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    base = _foreign_commendation(w)
    proposal, decision = base["proposal"], base["decision"]
    evidence = ProposalFile(proposal=proposal, name="bc.pdf")
    evidence.file.save("bc.pdf", ContentFile(b"%PDF-1.4 " + MARKERS[3].encode()), save=False)
    evidence.save()
    award = Award.objects.get(proposal=proposal)
    Award.objects.filter(pk=award.pk).update(
        multiple=proposal.title.multiple, base_salary=2_530_000, amount=759_000
    )
    household_title = Title.objects.filter(code="giay-khen-ho-gia-dinh").order_by("-valid_from").first()
    Award.objects.create(
        decision=decision,
        title=household_title,
        year=decision.year,
        recipient_kind="household",
        household=w.household,
        recipient_name=MARKERS[3],
        unit_name=w.commune.name,
    )
    result = {
        "title": proposal.title,
        "file": evidence,
        "award": award,
        "household": w.household,
    }
    w._commendation_core = result  # type: ignore[attr-defined]
    return result


# Accounts at scale (issue 17 §7): the administrator's user actions (403 for an officer) and the one-time
# password link (a forged token for the other officer: 404, the same as an unknown account).
def _forged_reset_link(w: ForeignWorld) -> list[dict[str, Any]]:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return [
        {
            "uidb64": urlsafe_base64_encode(force_bytes(w.other_officer.pk)),
            "token": "cz1234-0123456789abcdef",
        },
        {"uidb64": "MTAwMDAwMDA", "token": "x-y"},
    ]


# Outgoing notifications (webhooks), issue 17 (helper "hooks"): a subscription of commune A and its delivery.
def _foreign_webhooks(w: ForeignWorld) -> dict[str, Any]:
    """A subscription covering commune A (owned by the province's specialist) and one delivery of commune
    A's household. Written directly (no audit: the sweep counts audit rows)."""
    import uuid

    from giamngheo.accounts.models import User
    from giamngheo.webhooks.models import Delivery, Subscription

    cached = getattr(w, "_webhooks", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    sub = Subscription.objects.create(
        owner=User.objects.get(username="chuyenvien"),
        name=MARKERS[5],
        url="https://kho.example.vn/hook",
        events=["household.created"],
        area=w.commune,
        area_path=w.commune.path,
        secret_encrypted="x",
    )
    delivery = Delivery.objects.create(
        subscription=sub,
        event="household.created",
        event_id=uuid.uuid4(),
        object_type="household",
        object_id=str(w.household.pk),
        area_path=w.commune.path,
        payload={"url": f"/api/households/{w.household.pk}", "note": MARKERS[5]},
    )
    result = {"subscription": sub, "delivery": delivery}
    w._webhooks = result  # type: ignore[attr-defined]
    return result


def _foreign_odk(w: ForeignWorld) -> int:
    """Commune A's ODK Central connection (its name a marker), with a pull. Written directly (no audit)."""
    from giamngheo.odk.credentials import seal
    from giamngheo.odk.models import Connection, Pull

    cached = getattr(w, "_odk", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    connection = Connection.objects.create(
        name=MARKERS[0],
        commune=w.commune,
        base_url="https://odk.example.gov.vn",
        project_id=1,
        form_id="phieu_b",
        email="bugiamap@example.gov.vn",
        password_sealed=seal("mật khẩu"),
    )
    Pull.objects.create(connection=connection, submissions=2, members=3, created_by=w.other_officer)
    w._odk = connection.pk  # type: ignore[attr-defined]
    return connection.pk


# The REST API (issue 17, helper "api"): the sweep's officer is signed in, and the API accepts the session
# (CSRF-checked) as well as tokens; tests/test_api_scope_sweep.py repeats the sweep with a token.
def _foreign_token(w: ForeignWorld) -> Any:
    """The other officer's API token (written directly: no audit)."""
    from giamngheo.api.models import ApiToken

    return ApiToken.objects.create(user=w.other_officer, name=MARKERS[5], prefix="gn_x", secret_hash="0" * 64)


FOREIGN_KWARGS.update(
    {
        "web:user-otp-reset": lambda w: [{"pk": w.other_officer.pk}],
        "web:user-password-link": lambda w: [{"pk": w.other_officer.pk}],
        "accounts:password-reset": _forged_reset_link,
        "webhooks:subscription-detail": lambda w: [{"pk": _foreign_webhooks(w)["subscription"].pk}],
        "webhooks:subscription-update": lambda w: [{"pk": _foreign_webhooks(w)["subscription"].pk}],
        "webhooks:subscription-pause": lambda w: [{"pk": _foreign_webhooks(w)["subscription"].pk}],
        "webhooks:subscription-secret": lambda w: [{"pk": _foreign_webhooks(w)["subscription"].pk}],
        "webhooks:delivery-detail": lambda w: [{"pk": _foreign_webhooks(w)["delivery"].pk}],
        "webhooks:delivery-resend": lambda w: [{"pk": _foreign_webhooks(w)["delivery"].pk}],
        "odk:connection-detail": lambda w: [{"pk": _foreign_odk(w)}],
        "odk:connection-update": lambda w: [{"pk": _foreign_odk(w)}],
        "odk:connection-delete": lambda w: [{"pk": _foreign_odk(w)}],
        "odk:pull-start": lambda w: [{"pk": _foreign_odk(w)}],
        "api:token-revoke": lambda w: [{"pk": _foreign_token(w).pk}],
        "api:households_get": lambda w: [{"household_id": w.household.pk}],
        "api:households_update": lambda w: [{"household_id": w.household.pk}],
        "api:households_delete": lambda w: [{"household_id": w.household.pk}],
        "api:households_members": lambda w: [{"household_id": w.household.pk}],
        "api:members_get": lambda w: [{"member_id": w.member.pk}],
        "api:members_update": lambda w: [{"member_id": w.member.pk}],
        "api:members_delete": lambda w: [{"member_id": w.member.pk}],
        "api:rounds_get": lambda w: [{"round_id": w.other_round.pk}],
        "api:rounds_figures": lambda w: [{"round_id": w.other_round.pk}],
        "api:rounds_assessments": lambda w: [{"round_id": w.other_round.pk}],
        "api:assessments_get": lambda w: [{"assessment_id": w.assessment.pk}],
        "api:support_get": lambda w: [{"record_id": w.support.pk}],
        "api:plans_targets": lambda w: [{"plan_id": _foreign_plans(w)["plan"].pk}],
    }
)
PUBLIC.update({"api:policies_get": lambda w: [{"code": "H1"}, {"code": "NO-SUCH"}]})
