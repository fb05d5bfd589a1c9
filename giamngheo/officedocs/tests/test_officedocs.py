"""The department's documents: the generator's figures are the selectors' (the official summary, the plan
indicators, the fund, the emulation and awards), the DOCX has the header block of Decree 30/2020 and the
title, prints through LibreOffice, the XLSX annex has one sheet per table; the pages, their scope and the
audited writes."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from conftest import client_for
from giamngheo.accounts.services import user_create
from giamngheo.commendation.models import Award, Decision, Title
from giamngheo.commendation.summary import award_summary
from giamngheo.core import docformat
from giamngheo.core.errors import PermissionDenied, ValidationFailed
from giamngheo.core.models import AuditRecord, ExportRecord
from giamngheo.core.versioning import StaleVersion
from giamngheo.emulation.models import Movement, MovementPlan, Registration, RegistrationLine
from giamngheo.fund.selectors import indicator_inputs as fund_inputs
from giamngheo.initiatives.models import Initiative
from giamngheo.initiatives.rates import recognised_counts
from giamngheo.officedocs import annex, drafts, formatter, generator, selectors, services
from giamngheo.officedocs.models import DocumentKind, DocumentStatus, OfficialDocument
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff
from giamngheo.plans import indicators as ind
from giamngheo.plans import selectors as plan_selectors
from giamngheo.plans import services as plan_services
from giamngheo.reviews import figures as F
from giamngheo.reviews.models import AreaSummary, ReviewRound
from giamngheo.scoring.models import CriteriaSet, ScoreSheet, SheetStatus
from giamngheo.scoring.summary import emulation_summary

PASSWORD = "Mat-khau-thu-2026!"
YEAR = 2025  # the test database has no review round: the world below makes 2024 and 2025


def _texts(data: bytes) -> tuple[list[str], list[Any]]:
    document = Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs], document.tables


@pytest.fixture(autouse=True)
def _no_demo_documents(db: None) -> None:
    """The session's demo has the department's documents; these tests make and count their own."""
    OfficialDocument.objects.all().delete()


@pytest.fixture
def world(users, province) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The demo department, two of its divisions in the movement of the year (one registered and scored
    first, the other scored second), a recognised initiative, a decision with two awards."""
    department = OrgUnit.objects.get(kind=OrgUnitKind.DEPARTMENT, area=province)
    divisions = list(
        OrgUnit.objects.filter(parent=department, kind=OrgUnitKind.DIVISION).order_by("path")[:2]
    )
    year = YEAR
    for y, start, end in ((year - 1, 52, 40), (year, 40, 31)):
        review_round = ReviewRound.objects.create(
            province=province, year=y, starts_on=dt.date(y, 9, 1), ends_on=dt.date(y, 12, 14), status="closed"
        )
        AreaSummary.objects.create(
            round=review_round,
            area=province,
            households=1010,
            start_poor=start,
            end_poor=end,
            start_near_poor=60,
            end_near_poor=57,
            re_poor=1,
            newly_poor=2,
            figures={
                F.flow_key(F.POOR, F.POOR_TO_NEAR_POOR): 8,
                F.flow_key(F.POOR, F.ESCAPED_ABOVE_NEAR_POOR): 3,
            },
        )
    movement = Movement.objects.create(
        organiser=department,
        name="Vì người nghèo – Không để ai bị bỏ lại phía sau",
        year_from=2021,
        year_to=2030,
    )
    movement.participants.set(divisions)
    plan = MovementPlan.objects.create(movement=movement, year=year, title=f"Kế hoạch thi đua năm {year}")
    poverty_plan = plan_services.plan_create(
        province=province, year_from=year, year_to=year, title="Kế hoạch giảm nghèo thử", acting_user=None
    )
    plan_services.target_create(
        plan=poverty_plan,
        name="Giảm tỷ lệ hộ nghèo",
        indicator_key="poverty_rate",
        baseline_value=Decimal("3.96"),
        target_value=Decimal("3.00"),
        direction="down",
        deadline=dt.date(year, 12, 31),
        acting_user=None,
    )
    ttldtt = Title.objects.filter(code="tap-the-lao-dong-tien-tien").first()
    ldtt = Title.objects.filter(code="lao-dong-tien-tien").first()
    registration = Registration.objects.create(
        plan=plan,
        org_unit=divisions[0],
        commitments="Hoàn thành 100% nhiệm vụ",
        collective_title=ttldtt,
        status="approved",
    )
    staff = Staff.objects.filter(org_unit=divisions[0]).first()
    RegistrationLine.objects.create(registration=registration, staff=staff, title=ldtt)
    criteria = CriteriaSet.objects.create(plan=plan, name="Tiêu chí khối phòng", status="closed")
    for unit, points in ((divisions[0], Decimal("92.50")), (divisions[1], Decimal("88.00"))):
        ScoreSheet.objects.create(
            criteria_set=criteria,
            org_unit=unit,
            status=SheetStatus.SCORED,
            self_total=points + 2,
            council_total=points,
        )
    Initiative.objects.create(
        org_unit=divisions[0],
        year=year,
        title="Số hóa danh sách hộ nghèo",
        field="poverty",
        solution="Biểu mẫu điện tử",
        status="recognised",
        decision_number="15/QĐ-SNNMT",
        decision_date=dt.date(year, 11, 20),
    )
    decision = Decision.objects.create(
        number="120/QĐ-SNNMT", signed_on=dt.date(year, 12, 20), issuer="Giám đốc Sở", year=year
    )
    Award.objects.create(
        decision=decision,
        title=ttldtt,
        year=year,
        recipient_kind="collective",
        org_unit=divisions[0],
        recipient_name=divisions[0].name,
        multiple=Decimal("0.80"),
        base_salary=2_340_000,
        amount=1_872_000,
    )
    Award.objects.create(
        decision=decision,
        title=ldtt,
        year=year,
        recipient_kind="individual",
        staff=staff,
        recipient_name=staff.full_name,
        multiple=Decimal("0.30"),
        base_salary=2_340_000,
        amount=702_000,
    )
    office = users["vanphong"]
    document = services.document_create(
        org_unit=department, kind=DocumentKind.FINAL_REPORT, year=year, acting_user=office
    )
    return {
        "department": department,
        "divisions": divisions,
        "year": year,
        "office": office,
        "document": document,
        "summary": AreaSummary.objects.get(area=province, round__year=year),
    }


def data_rates(world: dict[str, Any]) -> list[tuple[int, Any, Any]]:
    figures = generator.collect(
        user=world["office"], org_unit=world["department"], kind=DocumentKind.FINAL_REPORT, year=world["year"]
    )
    return figures.rates


def _row(table: generator.Table, label: str) -> list[Any]:
    return next(r for r in table.rows if r[1] == label)


# The figures -----------------------------------------------------------------------------------------------
def test_poverty_figures_are_the_official_summarys(world, province) -> None:
    data = generator.document_data(user=world["office"], document=world["document"])
    poverty = data.tables["poverty"][0]
    summary = world["summary"]
    assert _row(poverty, "Số hộ nghèo")[3:] == [summary.start_poor, summary.end_poor]
    assert _row(poverty, "Số hộ cận nghèo")[3:] == [summary.start_near_poor, summary.end_near_poor]
    assert _row(poverty, "Tổng số hộ dân cư")[4] == summary.households
    rate = ind.indicator("poverty_rate").value(
        {ind.POOR: summary.end_poor, ind.HOUSEHOLDS: summary.households}
    )
    assert _row(poverty, "Tỷ lệ hộ nghèo")[4] == rate
    # The table balances on its face: start − escaped + fallen back + newly poor + other changes = end.
    start, end = _row(poverty, "Số hộ nghèo")[3:]
    labels = ("Số hộ thoát nghèo", "Số hộ tái nghèo", "Số hộ nghèo phát sinh", "Biến động khác của hộ nghèo")
    *flows, other = [next(r for r in poverty.rows if str(r[1]).startswith(label))[4] for label in labels]
    assert None not in (start, end, other, *flows)
    assert start - flows[0] + flows[1] + flows[2] + other == end
    series = plan_selectors.series(
        user=world["office"], area=province, indicator_key="poverty_rate", years=range(2021, 2026)
    )
    assert [(str(y), p) for y, p, _n in data_rates(world)] == [
        (str(y), v) for y, v in series if v is not None
    ]
    # the same number printed in the DOCX table and in the XLSX annex
    _paragraphs, tables = _texts(formatter.render(data))
    cells = {c.text for t in tables for row in t.rows for c in row.cells}
    assert docformat.vn_number(summary.end_poor) in cells
    book = load_workbook(io.BytesIO(annex.workbook(data)))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert summary.end_poor in values and summary.start_poor in values


def test_activities_emulation_and_awards_are_the_selectors(world, province) -> None:
    office, year = world["office"], world["year"]
    data = generator.document_data(user=office, document=world["document"])
    activities = data.tables["activities"][0]
    raised = _row(activities, "Quỹ “Vì người nghèo”: số tiền vận động")[3]
    assert raised == fund_inputs(user=office, area=province, year=year).get(ind.FUND_RAISED)

    emulation = data.tables["emulation"][0]
    summary = emulation_summary(user=office, year=year)
    assert [r[1] for r in emulation.rows] == [u.unit_name for u in summary.units]
    assert [r[5:8] for r in emulation.rows] == [
        [u.council_total, u.rank, u.initiatives] for u in summary.units
    ]
    first, second = (next(r for r in emulation.rows if r[1] == d.name) for d in world["divisions"])
    assert first[5] == Decimal("92.50") and second[5] == Decimal("88.00")
    assert first[6] == 1 + sum(1 for r in emulation.rows if r[5] is not None and r[5] > first[5])
    assert second[6] == first[6] + 1 + sum(
        1 for r in emulation.rows if r[5] is not None and first[5] > r[5] > second[5]
    )
    counted = recognised_counts(year=year, unit_ids=[d.pk for d in world["divisions"]])
    assert first[7] == counted[world["divisions"][0].pk] >= 1  # the recognised initiative
    assert first[2] == "Đã chấp thuận"  # its registration, approved
    assert (
        emulation.total is not None and emulation.total[2] == f"{summary.registered}/{summary.participants}"
    )
    assert emulation.total[7] == summary.initiatives == sum(u.initiatives for u in summary.units)

    awards = data.tables["awards"][0]
    given = award_summary(user=office, year=year)
    assert awards.total == [
        "",
        "Tổng cộng",
        given.collective,
        given.individual,
        given.household,
        given.amount,
    ]
    assert given.amount == sum(r[5] for r in awards.rows if r[5] is not None)
    assert _row(awards, "Tập thể lao động tiên tiến")[2] >= 1 and given.amount >= 1_872_000 + 702_000


def test_targets_are_the_plans_target_cards(world, province) -> None:
    data = generator.document_data(user=world["office"], document=world["document"])
    with translation.override("vi"):
        cards = plan_selectors.target_cards(user=world["office"], area=province, year=world["year"])
    row = _row(data.tables["targets"][0], "Giảm tỷ lệ hộ nghèo")
    card = next(c for c in cards if c.target.name == "Giảm tỷ lệ hộ nghèo")
    assert row[3:7] == [card.baseline, card.target_value, card.actual, card.achieved]
    assert card.actual == Decimal("3.07")  # the official summary's rate: 31 / 1,010
    assert row[7] == card.status_label and row[7] in {
        "Đúng tiến độ",
        "Có nguy cơ chậm",
        "Chậm tiến độ",
        "Đã đạt",
    }


def test_which_year_a_document_cites() -> None:
    assert generator.figure_years(DocumentKind.FINAL_REPORT, 2025) == (2025, 2025)
    assert generator.figure_years(DocumentKind.INTERIM_REPORT, 2026) == (2025, 2026)
    assert generator.figure_years(DocumentKind.PLAN, 2027) == (2026, 2026)


def test_a_unit_heads_summaries_hold_only_their_unit(world, users) -> None:
    head = users["truongphong"]
    own = {u.unit_id for u in emulation_summary(user=head, year=world["year"]).units}
    assert own <= set(
        OrgUnit.objects.filter(path__startswith=head.scope_org_units.get().path).values_list("pk", flat=True)
    )
    awards = award_summary(user=head, year=world["year"])
    office_awards = award_summary(user=world["office"], year=world["year"])
    assert office_awards.total >= 2 and awards.total <= office_awards.total


def test_the_draft_narrative_quotes_the_tables_figures(world) -> None:
    sections = selectors.sections_of(document=world["document"])
    text = "\n".join(s.text for s in sections)
    assert f"cuối năm còn {docformat.vn_number(world['summary'].end_poor)} hộ" in text
    assert sections[-1].text.endswith("./.")
    assert [s.tables for s in sections if s.tables] == [
        "poverty",
        "targets",
        "activities",
        "emulation,awards",
    ]


def test_unknown_figures_stay_unknown(world) -> None:
    """A plan for a year whose previous year has no review: counts are None ("—"), never 0."""
    plan = services.document_create(
        org_unit=world["department"], kind=DocumentKind.PLAN, year=2020, acting_user=world["office"]
    )
    data = generator.document_data(user=world["office"], document=plan)
    assert _row(data.tables["poverty"][0], "Số hộ nghèo")[3:] == [None, None]
    assert formatter.cell(None) == "—"
    paragraphs, tables = _texts(formatter.render(data))
    assert "KẾ HOẠCH" in paragraphs and plan.title in paragraphs
    assert tables[0].cell(1, 0).text == "Số:       /KH-SNNMT"
    assert [s.heading for s in selectors.sections_of(document=plan)][1:3] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG THI ĐUA",
    ]
    assert "…" in drafts._poverty_text(
        generator.collect(
            user=world["office"], org_unit=world["department"], kind=DocumentKind.PLAN, year=2020
        )
    )


# The DOCX ---------------------------------------------------------------------------------------------------
def test_docx_header_block_title_and_closing(world) -> None:
    data = generator.document_data(user=world["office"], document=world["document"])
    paragraphs, tables = _texts(formatter.render(data))
    head = tables[0]
    left, right = head.cell(0, 0).text, head.cell(0, 1).text
    assert left.startswith("UBND TỈNH ĐỒNG NAI") and "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in left
    assert docformat.MOTTO in right and docformat.MOTTO_2 in right
    assert head.cell(1, 0).text == "Số:       /BC-SNNMT"
    assert head.cell(1, 1).text == "Đồng Nai, ngày      tháng      năm"
    assert "BÁO CÁO" in paragraphs
    assert world["document"].title in paragraphs
    closing = tables[-1]
    assert closing.cell(0, 0).text.startswith("Nơi nhận:")
    assert "- Lưu: VT, VP." in closing.cell(0, 0).text
    assert "KT. GIÁM ĐỐC" in closing.cell(0, 1).text
    document = Document(io.BytesIO(formatter.render(data)))
    assert len(document.inline_shapes) == 1  # the chart of the poverty rate over the years


def test_issued_number_and_date_are_printed(world) -> None:
    doc = services.document_issue(
        document=world["document"],
        number="7",
        issued_on=dt.date(world["year"] + 1, 1, 5),
        version=world["document"].version,
        acting_user=world["office"],
    )
    data = generator.document_data(user=world["office"], document=doc)
    _paragraphs, tables = _texts(formatter.render(data))
    assert tables[0].cell(1, 0).text == "Số: 07/BC-SNNMT"
    assert tables[0].cell(1, 1).text == f"Đồng Nai, ngày 05 tháng 01 năm {world['year'] + 1}"


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice Writer and poppler-utils: run `make office`",
)
def test_libreoffice_converts_the_docx_to_pdf(world, tmp_path) -> None:
    from giamngheo.reviews.tests.test_documents import pdf_of, pdf_pages

    data = generator.document_data(user=world["office"], document=world["document"])
    pages = pdf_pages(pdf_of(formatter.render(data), tmp_path, tmp_path / "profile"))
    text = "\n".join(pages)
    lines = pages[0].splitlines()
    assert "UBND TỈNH ĐỒNG NAI" in lines[0] and docformat.MOTTO in lines[1], pages[0][:800]
    number_line = next(line for line in lines if "Số:" in line)
    assert "/BC-SNNMT" in number_line and "Đồng Nai, ngày" in number_line  # the two columns side by side
    assert "BÁO CÁO" in text and "Nơi nhận:" in text
    assert docformat.vn_number(world["summary"].end_poor) in text


# The XLSX annex ---------------------------------------------------------------------------------------------
def test_annex_has_one_sheet_per_table(world) -> None:
    data = generator.document_data(user=world["office"], document=world["document"])
    book = load_workbook(io.BytesIO(annex.workbook(data)))
    assert len(book.worksheets) == len(data.all_tables()) == 6
    assert book.worksheets[0]["A1"].value.startswith("Phụ lục 1. Kết quả rà soát hộ nghèo")
    assert book.worksheets[0]["A2"].value == (
        "(Kèm theo Báo cáo số …/BC-SNNMT ngày … tháng … năm … của Sở Nông nghiệp và Môi trường)"
    )


# Pages ------------------------------------------------------------------------------------------------------
def test_pages_of_the_office(world) -> None:
    client = client_for(world["office"])
    pk = world["document"].pk
    for name, args in (
        ("document-list", []),
        ("document-create", []),
        ("document-detail", [pk]),
        ("document-update", [pk]),
        ("document-preview", [pk]),
    ):
        response = client.get(reverse(f"officedocs:{name}", args=args))
        assert response.status_code == 200, name
    preview = client.get(reverse("officedocs:document-preview", args=[pk])).content.decode()
    assert docformat.vn_number(world["summary"].end_poor) in preview
    before = ExportRecord.objects.count()
    docx = client.get(reverse("officedocs:document-docx", args=[pk]))
    assert docx.status_code == 200 and docx["Content-Type"] == docformat.CONTENT_TYPE
    xlsx = client.get(reverse("officedocs:document-xlsx", args=[pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')
    assert ExportRecord.objects.count() == before + 2


def test_create_and_edit_through_the_pages(world) -> None:
    client = client_for(world["office"])
    response = client.post(
        reverse("officedocs:document-create"),
        {"org_unit": world["department"].pk, "kind": "interim", "year": world["year"]},
    )
    assert response.status_code == 302
    doc = OfficialDocument.objects.filter(kind="interim", year=world["year"]).get()
    assert doc.sections.count() > 5
    form = {
        "title": "Sơ kết 6 tháng",
        "number": "",
        "symbol": "BC-SNNMT",
        "place": "Đồng Nai",
        "issued_on": "",
        "parent_body": "UBND tỉnh Đồng Nai",
        "issuer": "Sở Nông nghiệp và Môi trường",
        "recipients": "UBND tỉnh\nLưu: VT, VP",
        "signer_title": "GIÁM ĐỐC",
        "signer_name": "Nguyễn Văn A",
        "version": doc.version,
        "s-TOTAL_FORMS": "2",
        "s-INITIAL_FORMS": "0",
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "40",
        "s-0-heading": "I. KẾT QUẢ",
        "s-0-text": "Đoạn một.\nĐoạn hai.",
        "s-0-tables": ["poverty"],
        "s-1-heading": "",
        "s-1-text": "",
    }
    response = client.post(reverse("officedocs:document-update", args=[doc.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    doc.refresh_from_db()
    assert doc.title == "Sơ kết 6 tháng" and doc.version == 2
    assert [(s.heading, s.tables) for s in doc.sections.all()] == [("I. KẾT QUẢ", "poverty")]
    record = AuditRecord.objects.filter(action="officedocs.document.update", target_id=str(doc.pk)).get()
    assert record.before["title"] != record.after["title"] and len(record.after["sections"]) == 1
    # the same form again: its version is stale, nothing is saved
    response = client.post(reverse("officedocs:document-update", args=[doc.pk]), {**form, "title": "Khác"})
    assert response.status_code == 200
    doc.refresh_from_db()
    assert doc.title == "Sơ kết 6 tháng"


def test_issue_locks_and_reopen_needs_a_reason(world) -> None:
    doc, office = world["document"], world["office"]
    doc = services.document_issue(
        document=doc,
        number="12",
        issued_on=dt.date(world["year"], 12, 28),
        version=doc.version,
        acting_user=office,
    )
    assert doc.status == DocumentStatus.ISSUED
    with pytest.raises(ValidationFailed):
        services.document_update(
            document=doc, data={"title": "X"}, sections=None, version=doc.version, acting_user=office
        )
    with pytest.raises(ValidationFailed):
        services.document_reopen(document=doc, reason=" ", version=doc.version, acting_user=office)
    with pytest.raises(StaleVersion):
        services.document_reopen(document=doc, reason="Sửa số liệu", version=1, acting_user=office)
    doc = services.document_reopen(
        document=doc, reason="Sửa số liệu", version=doc.version, acting_user=office
    )
    assert doc.status == DocumentStatus.DRAFT
    assert AuditRecord.objects.filter(action="officedocs.document.reopen", note="Sửa số liệu").exists()
    assert AuditRecord.objects.filter(action="officedocs.document.issue", target_id=str(doc.pk)).exists()


# Scope ------------------------------------------------------------------------------------------------------
def test_a_unit_head_reads_but_may_not_write(world, users) -> None:
    head = users["truongphong"]
    client = client_for(head)
    pk = world["document"].pk
    assert client.get(reverse("officedocs:document-list")).status_code == 200
    assert client.get(reverse("officedocs:document-detail", args=[pk])).status_code == 200
    for name, args in (
        ("document-create", []),
        ("document-update", [pk]),
        ("document-preview", [pk]),
        ("document-docx", [pk]),
        ("document-xlsx", [pk]),
    ):
        assert client.get(reverse(f"officedocs:{name}", args=args)).status_code == 403, name
    assert (
        client.post(reverse("officedocs:document-delete", args=[pk]), {"confirmed": "1"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        services.document_create(org_unit=world["department"], kind="plan", year=2027, acting_user=head)


def test_the_head_of_a_unit_of_another_department_sees_nothing(world, province, users) -> None:
    other_department = OrgUnit.objects.create(
        name="Sở Y tế tỉnh Đồng Nai", code="so-y-te-test", kind=OrgUnitKind.DEPARTMENT, area=province
    )
    unit = OrgUnit.objects.create(
        name="Phòng Nghiệp vụ Y",
        code="pnv-y-test",
        kind=OrgUnitKind.DIVISION,
        parent=other_department,
        area=province,
    )
    stranger = user_create(
        username="truongphong.khac",
        password=PASSWORD,
        full_name="Trưởng phòng khác",
        role="unit_head",
        scope_org_units=[unit],
        acting_user=None,
    )
    client = client_for(stranger)
    page = client.get(reverse("officedocs:document-list"))
    assert page.status_code == 200 and world["document"].title not in page.content.decode()
    assert client.get(reverse("officedocs:document-detail", args=[world["document"].pk])).status_code == 404
    assert not selectors.document_list(user=stranger).exists()
    # and the emulation summary of that head shows only their own unit
    assert emulation_summary(user=stranger, year=world["year"]).units == []


def test_a_commune_officer_has_no_documents_page(world, users) -> None:
    client = client_for(users["canbo.bugiamap"])
    assert client.get(reverse("officedocs:document-list")).status_code == 403


def test_demo_documents_are_seeded_once(world, province) -> None:
    from giamngheo.demo.officedocs import seed_officedocs

    created = seed_officedocs(province=province)
    assert {(d.kind, d.year) for d in created} == {("final", 2025), ("interim", 2026), ("plan", 2027)} - {
        ("final", world["year"])
    }
    assert all(d.sections.exists() for d in created)
    assert seed_officedocs(province=province) == []
