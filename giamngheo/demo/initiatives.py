"""Demo initiatives (sáng kiến) of the department's divisions and units over the last two years: five
recognised at the grassroots level by decisions of the director (two authored by staff of the division
PTNT-GN, some with a co-author from a commune), one sent to the council awaiting its evaluation, one draft
and one not recognised.

Everything goes through ``initiatives.services`` (audited as "system"). Safe to run again: a province whose
units have initiatives is left alone. Needs the department, its units (by short name: PTNT-GN, KHTC, VP,
TTKN, VPĐP, QLĐĐ; a missing one is replaced by the first division) and their staff. Titles, decisions and
names are samples (CHƯA XÁC NHẬN).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from giamngheo.core import docformat
from giamngheo.core.versioning import ANY_VERSION
from giamngheo.geo.models import Area
from giamngheo.initiatives import services
from giamngheo.initiatives.models import Initiative
from giamngheo.initiatives.services import AuthorInput, Outcome
from giamngheo.org.models import OrgUnit, OrgUnitKind, Staff

ISSUER = "Giám đốc Sở Nông nghiệp và Môi trường"
RECOGNISED, SUBMITTED, DRAFT, REJECTED = "recognised", "submitted", "draft", "rejected"


@dataclass(frozen=True)
class Sample:
    unit: str  # short name of the unit
    previous_year: bool  # of the year before the demo's year
    title: str
    field: str
    problem: str
    solution: str
    benefit: str
    shares: tuple[int, ...]  # staff of the unit, in order; an outside co-author last when ``outside``
    outcome: str
    outside: str = ""
    evidence: bool = False


SAMPLES = [
    Sample(
        "PTNT-GN",
        True,
        "Ứng dụng bản đồ số theo dõi hộ nghèo cấp xã",
        "poverty",
        "Danh sách hộ nghèo, hộ cận nghèo lưu trên sổ giấy và bảng tính rời rạc; khó biết hộ ở đâu, "
        "đã nhận chính sách gì, xã nào chậm rà soát.",
        "Gắn mỗi hộ với vị trí trên bản đồ số cấp xã, tô màu theo diện hộ và mức thiếu hụt; cán bộ xã "
        "cập nhật hằng tháng, Phòng theo dõi tập trung.",
        "Thời gian tổng hợp kết quả rà soát giảm từ 10 ngày còn 3 ngày; 100 % xã cập nhật đúng hạn.",
        (60, 40),
        RECOGNISED,
        evidence=True,
    ),
    Sample(
        "PTNT-GN",
        False,
        "Bộ công cụ rà soát hộ nghèo, hộ cận nghèo trên thiết bị di động",
        "poverty",
        "Phiếu khảo sát giấy phải nhập lại trên máy tính, sai sót nhiều, chậm gửi về tỉnh.",
        "Phiếu B1, B2 trên điện thoại, dùng được khi không có mạng, tự kiểm tra logic và đồng bộ khi có "
        "kết nối.",
        "Giảm 80 % lỗi nhập liệu; kết quả rà soát năm về Sở sớm hơn 2 tuần.",
        (50, 30, 20),
        RECOGNISED,
        outside="Trần Văn Hùng (UBND xã Bù Gia Mập)",
        evidence=True,
    ),
    Sample(
        "KHTC",
        True,
        "Theo dõi giải ngân vốn Chương trình mục tiêu quốc gia giảm nghèo bền vững theo từng dự án",
        "administration",
        "Số liệu giải ngân do nhiều đơn vị báo cáo theo mẫu khác nhau, chậm phát hiện dự án giải ngân thấp.",
        "Bảng theo dõi chung cập nhật hằng tuần theo dự án, tiểu dự án; cảnh báo khi tỷ lệ giải ngân "
        "thấp hơn kế hoạch.",
        "Tỷ lệ giải ngân cuối năm tăng 12 điểm phần trăm so với năm trước.",
        (100,),
        RECOGNISED,
    ),
    Sample(
        "TTKN",
        False,
        "Tổ khuyến nông cộng đồng hỗ trợ hộ nghèo chuyển đổi cây trồng",
        "agriculture",
        "Hộ nghèo thiếu kỹ thuật khi chuyển từ cây điều già cỗi sang cây ăn trái.",
        "Mỗi ấp một tổ khuyến nông cộng đồng gồm nông dân giỏi và cán bộ khuyến nông, kèm cặp từng hộ.",
        "45 hộ nghèo chuyển đổi thành công; thu nhập bình quân tăng 30 %.",
        (70, 30),
        RECOGNISED,
    ),
    Sample(
        "VP",
        False,
        "Số hóa và tra cứu văn bản chỉ đạo về giảm nghèo của Sở",
        "administration",
        "Văn bản chỉ đạo lưu rải rác ở các phòng, mất thời gian tìm khi cần trích dẫn.",
        "Kho văn bản số có gắn từ khóa, tra cứu theo lĩnh vực và năm.",
        "Thời gian tìm một văn bản giảm từ khoảng 30 phút xuống dưới 2 phút.",
        (100,),
        RECOGNISED,
    ),
    Sample(
        "VPĐP",
        False,
        "Sổ tay hướng dẫn cán bộ giảm nghèo cấp xã sau sắp xếp đơn vị hành chính",
        "poverty",
        "Sau sắp xếp xã, nhiều cán bộ mới đảm nhận công tác giảm nghèo, chưa nắm quy trình.",
        "Sổ tay ngắn gọn theo từng bước rà soát, kèm mẫu biểu và câu hỏi thường gặp.",
        "Thử nghiệm tại 6 xã: hồ sơ rà soát gửi về đúng mẫu, không phải trả lại.",
        (60, 40),
        SUBMITTED,
    ),
    Sample(
        "QLĐĐ",
        False,
        "Đối chiếu dữ liệu đất đai với danh sách hộ nghèo thiếu đất sản xuất",
        "agriculture",
        "Chưa biết chính xác hộ nghèo nào thiếu đất sản xuất để đề xuất hỗ trợ.",
        "Đối chiếu danh sách hộ nghèo với cơ sở dữ liệu đất đai của xã.",
        "",
        (100,),
        DRAFT,
    ),
    Sample(
        "PTNT-GN",
        True,
        "Chuyên mục phát thanh “Giảm nghèo bền vững” trên hệ thống loa xã",
        "communication",
        "Người dân ít biết các chính sách hỗ trợ mới.",
        "Chuyên mục phát thanh hằng tuần trên loa truyền thanh xã.",
        "Nhiều hộ biết và đăng ký vay vốn ưu đãi.",
        (100,),
        REJECTED,
    ),
]


def _evidence(sample: Sample) -> SimpleUploadedFile:
    """A short report on the initiative's application (a DOCX in the administrative format)."""
    document = docformat.new_document()
    docformat.para(document, "BÁO CÁO HIỆU QUẢ ÁP DỤNG SÁNG KIẾN", bold=True)
    docformat.para(document, sample.title, italic=True)
    for heading, text in (
        ("1. Vấn đề cần giải quyết", sample.problem),
        ("2. Nội dung giải pháp", sample.solution),
        ("3. Hiệu quả thu được", sample.benefit),
    ):
        docformat.body(document, heading, bold=True)
        docformat.body(document, text)
    return SimpleUploadedFile("bao-cao-hieu-qua-ap-dung.docx", docformat.save(document))


def _units(province: Area) -> dict[str, OrgUnit]:
    department = OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT, area=province).order_by("path").first()
    if department is None:
        return {}
    units = {u.short_name: u for u in OrgUnit.objects.filter(parent=department, is_active=True)}
    first = next(iter(sorted(units.values(), key=lambda u: u.path)), None)
    if first is None:
        return {}
    return {s.unit: units.get(s.unit, first) for s in SAMPLES}


def seed_initiatives(*, province: Area) -> int:
    """The demo initiatives of ``province``'s department; returns how many were created."""
    if Initiative.objects.filter(org_unit__area=province).exists():
        return 0
    units = _units(province)
    if not units:
        return 0
    today = timezone.localdate()
    year = today.year if today >= dt.date(today.year, 6, 1) else today.year - 1
    created = 0
    for i, sample in enumerate(SAMPLES):
        unit = units[sample.unit]
        staff = list(Staff.objects.filter(org_unit=unit, is_active=True).order_by("pk"))
        inside = len(sample.shares) - (1 if sample.outside else 0)
        if len(staff) < inside:
            continue
        authors = [
            AuthorInput(share=Decimal(s), staff=staff[k]) for k, s in enumerate(sample.shares[:inside])
        ]
        if sample.outside:
            authors.append(AuthorInput(share=Decimal(sample.shares[-1]), name=sample.outside))
        the_year = year - 1 if sample.previous_year else year
        initiative = services.initiative_create(
            org_unit=unit,
            year=the_year,
            title=sample.title,
            field=sample.field,
            problem=sample.problem,
            solution=sample.solution,
            benefit=sample.benefit,
            applied_on=dt.date(the_year, 2 + i % 4, 10),
            authors=authors,
            uploads=[_evidence(sample)] if sample.evidence else [],
            acting_user=None,
        )
        created += 1
        if sample.outcome == DRAFT:
            continue
        initiative = services.initiative_submit(initiative=initiative, version=ANY_VERSION, acting_user=None)
        if sample.outcome == RECOGNISED:
            services.initiative_evaluate(
                initiative=initiative,
                outcome=Outcome.RECOGNISE,
                evaluation="Giải pháp mới trong phạm vi Sở, đã áp dụng có hiệu quả, có khả năng nhân rộng.",
                level="grassroots",
                decision_number=f"{210 + i}/QĐ-SNNMT",
                decision_date=min(dt.date(the_year, 11, 25), today),
                decision_issuer=ISSUER,
                version=ANY_VERSION,
                acting_user=None,
            )
        elif sample.outcome == REJECTED:
            services.initiative_evaluate(
                initiative=initiative,
                outcome=Outcome.REJECT,
                evaluation="Cách làm tốt nhưng đã được nhiều xã áp dụng từ trước.",
                reason="Không có tính mới trong phạm vi Sở (đã áp dụng rộng rãi trước khi đăng ký).",
                version=ANY_VERSION,
                acting_user=None,
            )
    return created
