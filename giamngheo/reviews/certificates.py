"""The poor / near-poor household certificate as DOCX, laid out by ``core.docformat``.

Layout after Decree 30/2020/NĐ-CP (shared/domain/document-format.md): A4 portrait, margins 20/20/30/15 mm,
Times New Roman; two-column header (issuing body and number on the left, national motto and place/date on the
right), centred title, body in 14 pt with 6 pt between paragraphs, signature block on the right. The
documents are Vietnamese whatever the interface language: they are official papers.

Tables carry explicit widths that both Word and LibreOffice honour: a fixed layout, the table width
(``w:tblW``), the grid (``w:tblGrid/w:gridCol``) and every cell's width (``w:tcW``), all in twips. Without
the grid LibreOffice shares the width out evenly, and the national motto no longer fits on one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from giamngheo.core.docformat import (
    PARAGRAPH_GAP,
    TEXT_WIDTH,
    body,
    cell_text,
    decision_symbol,
    fix_widths,
    full_address,
    header,
    in_text_name,
    new_document,
    new_page_section,
    para,
    place_name,
    portrait,
    province_in_text,
    repeat_header,
    rule,
    run,
    save,
    signature,
    spacer,
    table,
    vn_date,
    vn_short_date,
)

from .selectors import CertificateData

SYMBOL = "GCN-HN.HCN"
CATEGORY_TITLE = {"poor": "HỘ NGHÈO", "near_poor": "HỘ CẬN NGHÈO"}
CATEGORY_TEXT = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}
RELATIONSHIP = {
    "head": "Chủ hộ",
    "spouse": "Vợ/chồng",
    "child": "Con",
    "parent": "Bố/mẹ",
    "grandchild": "Cháu",
    "sibling": "Anh/chị/em",
    "other": "Khác",
}


def certificate_number(number: int) -> str:
    return f"{number:02d}/{SYMBOL}"


# The certificate --------------------------------------------------------------------------------------------

MEMBER_WIDTHS = [Cm(1.2), Cm(4.9), Cm(2.2), Cm(2.8), Cm(1.6), Cm(1.6), Cm(2.2)]


def _members(document: DocumentType, cert: CertificateData) -> None:
    para(document, "I. DANH SÁCH THÀNH VIÊN HỘ GIA ĐÌNH", bold=True, align=None, space_before=PARAGRAPH_GAP)
    spacer(document)
    tbl = table(document, 2 + len(cert.members), MEMBER_WIDTHS)
    repeat_header(tbl, 2)
    headings = ["STT", "Họ và tên", "Dân tộc", "Quan hệ với chủ hộ", "Năm sinh", "", "Ghi chú"]
    for i, text in enumerate(headings):
        if text:
            cell_text(tbl.cell(0, i), text, size=12, bold=True)
    cell_text(tbl.cell(1, 4), "Nam", size=12, bold=True)
    cell_text(tbl.cell(1, 5), "Nữ", size=12, bold=True)
    tbl.cell(0, 4).merge(tbl.cell(0, 5))
    for i in (0, 1, 2, 3, 6):
        tbl.cell(0, i).merge(tbl.cell(1, i))
    for n, member in enumerate(cert.members, start=1):
        row = 1 + n
        cell_text(tbl.cell(row, 0), str(n), size=12)
        cell_text(tbl.cell(row, 1), member.full_name, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_text(tbl.cell(row, 2), member.ethnic_group, size=12)
        cell_text(tbl.cell(row, 3), RELATIONSHIP.get(member.relationship, ""), size=12)
        column = 4 if member.sex == "M" else 5
        cell_text(tbl.cell(row, column), str(member.birth_year), size=12)
    fix_widths(tbl, MEMBER_WIDTHS)


def _body(document: DocumentType, cert: CertificateData) -> None:
    para(document, "GIẤY CHỨNG NHẬN", bold=True, space_before=12)
    para(document, CATEGORY_TITLE.get(cert.category, cert.category.upper()), bold=True)
    para(document, f"Năm {cert.valid_year}", bold=True)
    rule(document, TEXT_WIDTH, Cm(4))
    decided = f" ngày {vn_short_date(cert.decision_date)}" if cert.decision_date else ""
    commune = in_text_name(cert.commune)
    body(
        document,
        f"Căn cứ Quyết định số {decision_symbol(cert.decision_number)}{decided} của Chủ tịch Ủy ban nhân dân "
        f"{commune} về việc công nhận hộ nghèo, hộ cận nghèo qua kết quả rà soát định kỳ năm {cert.year};",
        italic=True,
    )
    body(document, f"Chủ tịch Ủy ban nhân dân {commune} chứng nhận:")
    province = province_in_text(cert.province, cert.province_division_type)
    lines = [
        ("Chủ hộ: ", cert.head_name),
        ("Dân tộc: ", cert.head_ethnic_group),
        ("Số định danh cá nhân/CCCD: ", cert.head_national_id or "………………"),
        ("Nơi thường trú: ", full_address(cert.address, cert.village, commune, province)),
        ("Mã hộ: ", cert.household_code),
    ]
    for label, value in lines:
        paragraph = body(document, label)
        run(paragraph, value, bold=label == "Chủ hộ: ")
    paragraph = body(document, "Là: ")
    run(paragraph, CATEGORY_TITLE.get(cert.category, cert.category.upper()), bold=True)
    run(paragraph, f" theo kết quả rà soát định kỳ năm {cert.year}.")
    _members(document, cert)
    body(
        document,
        f"Giấy chứng nhận có giá trị sử dụng từ {vn_date(dt.date(cert.valid_year, 1, 1))} "
        f"đến {vn_date(dt.date(cert.valid_year, 12, 31))}./.",
    )


def _certificate(document: DocumentType, cert: CertificateData) -> None:
    header(
        document,
        parent="",
        issuer=f"ỦY BAN NHÂN DÂN\n{cert.commune.upper()}",
        number=certificate_number(cert.number),
        place=place_name(cert.commune),
        day=cert.decision_date,
    )
    _body(document, cert)
    spacer(document)
    signature(document, right=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])


def render(certificates: Iterable[CertificateData]) -> bytes:
    """One DOCX with the given certificates, each in its own section (so on its own page); single line
    spacing, so that a household of ten fits on one page."""
    document = new_document(line_spacing=1.0)
    for i, cert in enumerate(certificates):
        if i:
            portrait(new_page_section(document))
        _certificate(document, cert)
    return save(document)


def filename(cert: CertificateData | None, *, commune_code: str = "", year: int = 0) -> str:
    if cert is not None:
        return f"GCN_{cert.year}_{cert.household_code}.docx"
    return f"GCN_{year}_{commune_code}.docx"
