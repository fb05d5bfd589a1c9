"""The commendation dossier as DOCX (Law 06/2022/QH15 Art. 84; Decree 152/2025/NĐ-CP, Mẫu 01 and Mẫu 05):
the department's tờ trình (submission) of a year's approved nominees, the minutes of the Emulation and
Commendation Council's meeting with its vote, and an individual's achievement report.

Formatter only: the data comes as the frozen dataclasses of ``document_selectors``; the layout of Decree
30/2020/NĐ-CP comes from ``core.docformat`` (A4, margins, Times New Roman, the two-column header, "Nơi
nhận" and signature blocks, tables of fixed widths). The papers are Vietnamese whatever the interface
language. Facts: shared/domain/emulation.md §2.2 and §3, document-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Length, Pt

from giamngheo.core.docformat import (
    TEXT_WIDTH,
    body,
    cell_text,
    fix_widths,
    header,
    new_document,
    para,
    repeat_header,
    rule,
    run,
    save,
    signature,
    spacer,
    table,
    vn_date,
    vn_number,
    vn_short_date,
)
from giamngheo.core.text import fold

from .choices import Beneficiary, TitleKind
from .document_selectors import (
    TO_DEPARTMENT,
    MinutesData,
    Nominee,
    PastAward,
    ReportData,
    SubmissionData,
)

LAW = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;"
DECREE = (
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết một số điều "
    "của Luật Thi đua, khen thưởng;"
)
COUNCIL = "Hội đồng Thi đua - Khen thưởng"
DOTS = "……………………………………"
SUMMARY_LIMIT = 400  # characters of the achievements a table cell prints


def percent(value: Decimal | None) -> str:
    """ "83,3%" (one decimal, a decimal comma); "" when unknown."""
    if value is None:
        return ""
    return f"{value:.1f}".replace(".", ",") + "%"


def summary(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The achievements on one paragraph, cut at a word before ``limit`` characters ("…")."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",;.") + "…"


def _title(document: DocumentType, kind: str, subject: str) -> None:
    para(document, kind, bold=True, space_before=18)
    para(document, subject, bold=True)
    rule(document, TEXT_WIDTH, Cm(5))


def _grid(
    document: DocumentType,
    headings: Sequence[str],
    widths: Sequence[Length],
    rows: Sequence[Sequence[str]],
    *,
    left_columns: Sequence[int] = (),
) -> None:
    """A bordered table: a bold heading row repeated on every page, one row per item."""
    spacer(document)
    tbl = table(document, 1 + len(rows), widths)
    repeat_header(tbl, 1)
    for i, text in enumerate(headings):
        cell_text(tbl.cell(0, i), text, size=12, bold=True)
    for r, values in enumerate(rows, start=1):
        for c, text in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.LEFT if c in left_columns else WD_ALIGN_PARAGRAPH.CENTER
            cell_text(tbl.cell(r, c), text, size=12, align=align)
    fix_widths(tbl, widths)


def _two_signers(document: DocumentType, left: tuple[str, str, str], right: tuple[str, str, str]) -> None:
    """Two signers side by side: (title, note, name) each, e.g. THƯ KÝ and CHỦ TỊCH HỘI ĐỒNG."""
    half = Cm(8.25)
    tbl = table(document, 1, [half, half], borders=False)
    for cell, (title, note, name) in zip(tbl.rows[0].cells, (left, right), strict=True):
        cell_text(cell, title, size=14, bold=True).paragraph_format.space_before = Pt(12)
        para(cell, note, size=13, italic=True)
        for _ in range(4):
            para(cell)
        para(cell, name, bold=True)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", fold(text)).strip("-")


def _counted(nominees: Sequence[Nominee]) -> str:
    """ "02 tập thể, 05 cá nhân và 01 hộ gia đình" (the kinds present, in that order)."""
    parts = [
        f"{sum(1 for n in nominees if n.kind == kind):02d} {word}"
        for kind, word in (
            (Beneficiary.COLLECTIVE, "tập thể"),
            (Beneficiary.INDIVIDUAL, "cá nhân"),
            (Beneficiary.HOUSEHOLD, "hộ gia đình"),
        )
        if any(n.kind == kind for n in nominees)
    ]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " và " + parts[-1]
    return parts[0] if parts else "00 trường hợp"


def _verb(kinds: set[str]) -> str:
    if kinds == {TitleKind.EMULATION_TITLE}:
        return "công nhận danh hiệu thi đua"
    if kinds == {TitleKind.COMMENDATION_FORM}:
        return "tặng hình thức khen thưởng"
    return "công nhận danh hiệu thi đua và tặng hình thức khen thưởng"


# Mẫu 01: the tờ trình ------------------------------------------------------------------------------------

SUBMISSION_WIDTHS = [Cm(1.2), Cm(3.4), Cm(2.3), Cm(3.2), Cm(2.6), Cm(3.8)]
SUBMISSION_HEADINGS = [
    "STT",
    "Họ và tên / Tập thể",
    "Chức vụ",
    "Đơn vị",
    "Danh hiệu / hình thức",
    "Thành tích tóm tắt",
]


def submission_authority(data: SubmissionData) -> str:
    """Who the tờ trình is addressed to."""
    if data.audience == TO_DEPARTMENT:
        return f"Giám đốc {data.issuer.department}"
    return f"Chủ tịch Ủy ban nhân dân {data.issuer.province_in_text}"


def submission_rows(data: SubmissionData) -> list[list[list[str]]]:
    """The rows of each title's table (numbered from 1 in each)."""
    return [
        [
            [
                str(n),
                nominee.name,
                nominee.position,
                nominee.unit,
                nominee.title_name,
                summary(nominee.achievements),
            ]
            for n, nominee in enumerate(group.nominees, start=1)
        ]
        for group in data.groups
    ]


def submission(data: SubmissionData) -> bytes:
    """Tờ trình về việc đề nghị khen thưởng năm … (Mẫu 01, Decree 152/2025/NĐ-CP)."""
    document = new_document(page_numbers=True)
    issuer = data.issuer
    to_director = data.audience == TO_DEPARTMENT
    header(
        document,
        parent=issuer.department.upper() if to_director else issuer.parent_line,
        issuer="VĂN PHÒNG" if to_director else issuer.department.upper(),
        number=f"       /TTr-{'VP' if to_director else issuer.symbol}",
        place=issuer.province,
        day=None,
    )
    _title(document, "TỜ TRÌNH", f"Về việc đề nghị khen thưởng năm {data.year}")
    authority = submission_authority(data)
    para(document, f"Kính gửi: {authority}.", space_before=12)
    bases = [LAW, DECREE]
    if data.meeting is not None:
        meeting = data.meeting
        bases.append(
            f"Căn cứ kết quả họp {COUNCIL} {issuer.department} {vn_date(meeting.held_on)} "
            f"({vn_number(meeting.members_present)}/{vn_number(meeting.members_total)} thành viên dự họp)."
        )
    else:
        bases.append(f"Căn cứ kết quả bình xét của {COUNCIL} {issuer.department}.")
    for basis in bases:
        body(document, basis, italic=True)
    sender = "Văn phòng Sở (Thường trực Hội đồng Thi đua - Khen thưởng)" if to_director else issuer.department
    nominees = data.nominees
    kinds = {g.title_kind for g in data.groups}
    body(
        document,
        f"{sender} kính trình {authority} xem xét, {_verb(kinds)} năm {data.year} cho {_counted(nominees)} "
        "đã có thành tích xuất sắc, cụ thể như sau:",
    )
    if not data.groups:
        body(document, "(Chưa có trường hợp nào được Hội đồng thông qua.)", italic=True)
    for n, (group, rows) in enumerate(zip(data.groups, submission_rows(data), strict=True), start=1):
        word = "Danh hiệu" if group.title_kind == TitleKind.EMULATION_TITLE else "Hình thức"
        body(document, f"{n}. {word} “{group.title_name}”: {_counted(group.nominees)}.", bold=True)
        _grid(document, SUBMISSION_HEADINGS, SUBMISSION_WIDTHS, rows, left_columns=(1, 2, 3, 5))
    body(
        document,
        f"(Kèm theo Biên bản họp {COUNCIL}, báo cáo thành tích của các tập thể, cá nhân và các tài liệu "
        "liên quan.)",
        italic=True,
    )
    body(document, f"{sender} kính trình {authority} xem xét, quyết định./.")
    spacer(document)
    recipients = ["- Như trên;"]
    if to_director:
        recipients.append(f"- Các thành viên {COUNCIL} Sở;")
    else:
        recipients += [f"- Sở Nội vụ {issuer.province_in_text};", "- Giám đốc Sở (để báo cáo);"]
    recipients.append("- Lưu: VT, VP.")
    signature(
        document,
        left=[("Nơi nhận:", 12, True, True), *((text, 11, False, False) for text in recipients)],
        right=["CHÁNH VĂN PHÒNG" if to_director else "GIÁM ĐỐC"],
        right_note="",
        widths=[Cm(8), Cm(8.5)],
    )
    return save(document)


def submission_filename(data: SubmissionData) -> str:
    return f"To_trinh_khen_thuong_{data.year}_{'so' if data.audience == TO_DEPARTMENT else 'tinh'}.docx"


# The council's minutes ------------------------------------------------------------------------------------

MINUTES_WIDTHS = [Cm(1.2), Cm(3.2), Cm(2.8), Cm(2.8), Cm(1.5), Cm(1.6), Cm(1.8), Cm(1.6)]
MINUTES_HEADINGS = [
    "STT",
    "Họ và tên / Tập thể",
    "Đơn vị",
    "Danh hiệu / hình thức",
    "Đồng ý",
    "Không đồng ý",
    "Tỷ lệ đồng ý (*)",
    "Kết quả",
]
PASSED, FAILED = "Đạt", "Không đạt"


def minutes_rows(data: MinutesData) -> list[list[str]]:
    return [
        [
            str(n),
            row.nominee.name,
            row.nominee.unit,
            row.nominee.title_name,
            vn_number(row.agree),
            vn_number(row.disagree),
            percent(row.share),
            PASSED if row.approved else FAILED,
        ]
        for n, row in enumerate(data.rows, start=1)
    ]


def _rule_text(data: MinutesData) -> str:
    shares: dict[int, list[str]] = {}
    for row in data.rows:
        if row.vote_share:
            names = shares.setdefault(row.vote_share, [])
            if row.nominee.title_name not in names:
                names.append(row.nominee.title_name)
    parts = [
        f"danh hiệu {', '.join(names)}: khi có từ {share}% tổng số thành viên Hội đồng trở lên đồng ý"
        for share, names in sorted(shares.items())
    ]
    parts.append("các danh hiệu, hình thức khác: khi có trên 50% số thành viên Hội đồng dự họp đồng ý")
    return "Trường hợp được đề nghị khen thưởng: " + "; ".join(parts) + "."


def minutes(data: MinutesData) -> bytes:
    """Biên bản họp Hội đồng Thi đua - Khen thưởng xét đề nghị khen thưởng năm …"""
    document = new_document(page_numbers=True)
    department = data.issuer.department
    header(
        document,
        parent=department.upper(),
        issuer=COUNCIL.upper(),
        number="       /BB-HĐTĐKT",
        place=data.issuer.province,
        day=data.held_on,
    )
    _title(document, "BIÊN BẢN", f"Họp {COUNCIL} xét đề nghị khen thưởng năm {data.year}")
    body(document, f"Thời gian: vào lúc …… giờ …… phút, {vn_date(data.held_on)}.")
    body(document, f"Địa điểm: {data.place or DOTS}.")
    body(document, "I. THÀNH PHẦN THAM DỰ", bold=True)
    body(document, f"- Chủ trì: {data.chair}, Chủ tịch Hội đồng.")
    body(document, f"- Thư ký: {data.secretary}.")
    absent = data.members_total - data.members_present
    body(
        document,
        f"- Tổng số thành viên Hội đồng: {vn_number(data.members_total)} người; có mặt: "
        f"{vn_number(data.members_present)} người; vắng mặt: {vn_number(absent)} người"
        + (" (có ý kiến bằng văn bản, được tính vào kết quả biểu quyết)." if absent else "."),
    )
    body(document, "II. NỘI DUNG", bold=True)
    body(
        document,
        f"Hội đồng nghe Thường trực Hội đồng báo cáo tổng hợp đề nghị khen thưởng năm {data.year} của các "
        f"phòng, đơn vị thuộc {department}; thảo luận và biểu quyết đối với từng trường hợp. "
        + _rule_text(data),
    )
    if data.note:
        body(document, f"Ý kiến thảo luận: {data.note}")
    body(document, "Kết quả biểu quyết như sau:")
    rows = minutes_rows(data)
    if rows:
        _grid(document, MINUTES_HEADINGS, MINUTES_WIDTHS, rows, left_columns=(1, 2, 3))
        para(
            document,
            "(*) Tỷ lệ số thành viên đồng ý trên tổng số thành viên Hội đồng.",
            size=12,
            italic=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
    else:
        body(document, "(Chưa có trường hợp nào được biểu quyết.)", italic=True)
    body(document, "III. KẾT LUẬN", bold=True)
    approved = data.approved
    by_title: dict[str, int] = {}
    for row in approved:
        by_title[row.nominee.title_name] = by_title.get(row.nominee.title_name, 0) + 1
    detail = "; ".join(f"{name}: {vn_number(n)}" for name, n in by_title.items())
    conclusion = (
        f"Hội đồng đã biểu quyết {vn_number(len(data.rows))} trường hợp; thống nhất đề nghị khen thưởng "
        f"{vn_number(len(approved))} trường hợp" + (f" ({detail})" if detail else "")
    )
    failed = len(data.rows) - len(approved)
    if failed:
        conclusion += f"; {vn_number(failed)} trường hợp không đạt tỷ lệ biểu quyết theo quy định"
    body(document, conclusion + ".")
    body(
        document,
        "Cuộc họp kết thúc vào lúc …… giờ …… cùng ngày. Biên bản đã được thông qua tại cuộc họp và lập "
        "thành 02 bản, lưu tại Thường trực Hội đồng và hồ sơ đề nghị khen thưởng./.",
    )
    spacer(document)
    _two_signers(
        document,
        ("THƯ KÝ", "(Ký, ghi rõ họ tên)", data.secretary),
        ("CHỦ TỊCH HỘI ĐỒNG", "(Ký, ghi rõ họ tên)", data.chair),
    )
    return save(document)


def minutes_filename(data: MinutesData) -> str:
    return f"Bien_ban_hop_HDTDKT_{data.held_on:%Y-%m-%d}.docx"


# Mẫu 05: the individual's achievement report --------------------------------------------------------------

RATING_WIDTHS = [Cm(2.5), Cm(8.0), Cm(6.0)]
AWARD_WIDTHS = [Cm(2.0), Cm(6.0), Cm(8.5)]
SEX_TEXT = {"M": "Nam", "F": "Nữ"}


def _past_rows(awards: Sequence[PastAward]) -> list[list[str]]:
    return [
        [
            str(a.year),
            a.title_name,
            f"Quyết định số {a.decision_number} ngày {vn_short_date(a.signed_on)} của {a.issuer}",
        ]
        for a in awards
    ]


def report(data: ReportData) -> bytes:
    """Báo cáo thành tích đề nghị … (Mẫu 05, Decree 152/2025/NĐ-CP: an individual's achievements)."""
    document = new_document(page_numbers=True)
    para(document, "Mẫu số 05", size=12, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    header(
        document,
        parent=data.issuer.department.upper(),
        issuer=data.unit.upper(),
        number="",
        place=data.issuer.province,
        day=None,
    )
    verb = "công nhận danh hiệu" if data.title_kind == TitleKind.EMULATION_TITLE else "tặng"
    _title(document, "BÁO CÁO THÀNH TÍCH", f"Đề nghị {verb} “{data.title_name}” năm {data.year}")
    body(document, "I. SƠ LƯỢC LÝ LỊCH", bold=True)
    line = body(document, f"- Họ và tên: {data.full_name}")
    if data.sex:
        run(line, f"; giới tính: {SEX_TEXT.get(data.sex, data.sex)}")
    body(
        document,
        "- Ngày, tháng, năm sinh: " + (vn_short_date(data.date_of_birth) if data.date_of_birth else DOTS),
    )
    body(document, f"- Chức vụ: {data.position or DOTS}")
    body(document, f"- Đơn vị công tác: {data.unit}, {data.issuer.full_name or data.issuer.department}")
    body(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True)
    body(document, f"1. Kết quả thực hiện nhiệm vụ được giao năm {data.year}", bold=True)
    paragraphs = [p.strip() for p in data.achievements.splitlines() if p.strip()]
    for text in paragraphs or [DOTS]:
        body(document, text)
    body(document, "2. Sáng kiến, đề tài được công nhận làm căn cứ đề nghị", bold=True)
    if data.initiative is not None:
        initiative = data.initiative
        decided = ""
        if initiative.decision_number:
            decided = f" tại Quyết định số {initiative.decision_number}"
            if initiative.decision_date:
                decided += f" ngày {vn_short_date(initiative.decision_date)}"
            if initiative.decision_issuer:
                decided += f" của {initiative.decision_issuer}"
        level = f", phạm vi ảnh hưởng {initiative.level}" if initiative.level else ""
        body(document, f"Sáng kiến “{initiative.title}” được công nhận{decided}{level}.")
    else:
        body(document, "Không.")
    body(document, "3. Kết quả xếp loại chất lượng các năm gần đây", bold=True)
    if data.ratings:
        _grid(
            document,
            ["Năm", "Xếp loại chất lượng", "Ghi chú"],
            RATING_WIDTHS,
            [[str(r.year), r.rating, "Bị kỷ luật trong năm" if r.disciplined else ""] for r in data.ratings],
            left_columns=(1,),
        )
    else:
        body(document, "Chưa có kết quả xếp loại.", italic=True)
    body(document, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", bold=True)
    headings = ["Năm", "", "Số, ngày, tháng, năm của quyết định; cơ quan ban hành"]
    for n, (kind, word) in enumerate(
        (
            (TitleKind.EMULATION_TITLE, "Danh hiệu thi đua"),
            (TitleKind.COMMENDATION_FORM, "Hình thức khen thưởng"),
        ),
        start=1,
    ):
        body(document, f"{n}. {word}", bold=True)
        rows = _past_rows([a for a in data.awards if a.title_kind == kind])
        if rows:
            _grid(document, [headings[0], word, headings[2]], AWARD_WIDTHS, rows, left_columns=(1, 2))
        else:
            body(document, "Chưa có.", italic=True)
    spacer(document)
    _two_signers(
        document,
        ("THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ", "(Ký, ghi rõ họ tên và đóng dấu)", ""),
        ("NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ tên)", data.full_name),
    )
    return save(document)


def report_filename(data: ReportData) -> str:
    return f"Bao_cao_thanh_tich_{data.year}_{_slug(data.full_name)}.docx"
