"""The printable certificates of a decision (Giấy khen, Bằng khen, the certificate of an emulation title) as
one DOCX, a page of A4 landscape per award: the national motto, the awarding authority, "TẶNG" and the form
(or "CÔNG NHẬN DANH HIỆU" and the title), the recipient's name in large letters, their unit, the
achievement, the decision's number and date, the place and date, the signer.

Formatter only (data: ``document_selectors.CertificateData``); the page and paragraphs come from
``core.docformat``. The papers are Vietnamese whatever the interface language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt

from giamngheo.core.docformat import (
    LANDSCAPE_TEXT_WIDTH,
    MOTTO,
    MOTTO_2,
    MOTTO_2_LINE,
    cell_text,
    landscape_section,
    new_document,
    para,
    rule,
    run,
    save,
    table,
    vn_date,
    vn_short_date,
)
from giamngheo.core.text import fold

from .choices import TitleKind
from .document_selectors import CertificateData

FORMS = (("bang khen", "BẰNG KHEN"), ("giay khen", "GIẤY KHEN"))


def form_word(title_name: str) -> str:
    """ "Bằng khen của Chủ tịch … (cá nhân)" -> "BẰNG KHEN"; any other form: its name without the note in
    brackets, in capitals."""
    folded = fold(title_name)
    for start, word in FORMS:
        if folded.startswith(start):
            return word
    return re.sub(r"\s*\([^)]*\)\s*$", "", title_name).upper()


def signer_title(issuer: str) -> str:
    """ "Giám đốc Sở …" -> "GIÁM ĐỐC"; "Chủ tịch Ủy ban nhân dân tỉnh" -> "CHỦ TỊCH"."""
    folded = fold(issuer)
    if folded.startswith("giam doc"):
        return "GIÁM ĐỐC"
    if folded.startswith("chu tich"):
        return "CHỦ TỊCH"
    return issuer.upper()


def achievement(certificate: CertificateData) -> str:
    if certificate.title_kind == TitleKind.EMULATION_TITLE:
        return f"Đã có thành tích xuất sắc, đạt danh hiệu thi đua năm {certificate.year}"
    return f"Đã có thành tích xuất sắc trong phong trào thi đua và thực hiện nhiệm vụ năm {certificate.year}"


def _page(document: DocumentType, certificate: CertificateData) -> None:
    para(document, MOTTO, size=14, bold=True)
    para(document, MOTTO_2, size=14, bold=True)
    rule(document, LANDSCAPE_TEXT_WIDTH, MOTTO_2_LINE)
    para(document, certificate.issuer.upper(), size=16, bold=True, space_before=18)
    if certificate.title_kind == TitleKind.EMULATION_TITLE:
        para(document, "CÔNG NHẬN DANH HIỆU", size=16, bold=True, space_before=6)
        para(document, certificate.title_name.upper(), size=30, bold=True, space_before=6)
    else:
        para(document, "TẶNG", size=16, bold=True, space_before=6)
        para(document, form_word(certificate.title_name), size=40, bold=True, space_before=6)
    name = para(document, space_before=18)
    if certificate.salutation:
        run(name, f"{certificate.salutation} ", size=18)
    run(name, certificate.recipient_name, size=28, bold=True)
    if certificate.unit_name:
        para(document, certificate.unit_name, size=16, italic=True, space_before=6)
    para(document, achievement(certificate), size=16, italic=True, space_before=12)
    half = Mm(128.5)
    tbl = table(document, 1, [half, half], borders=False)
    left, right = tbl.cell(0, 0), tbl.cell(0, 1)
    cell_text(
        left, f"Quyết định số: {certificate.decision_number}", size=14
    ).paragraph_format.space_before = Pt(24)
    para(left, f"ngày {vn_short_date(certificate.signed_on)}", size=14)
    place = certificate.province or ""
    dated = cell_text(right, f"{place}, {vn_date(certificate.signed_on)}".lstrip(", "), size=14, italic=True)
    dated.paragraph_format.space_before = Pt(24)
    para(right, signer_title(certificate.issuer), size=14, bold=True)
    for _ in range(3):
        para(right)
    para(right, certificate.signer, size=14, bold=True)


def render(certificates: Sequence[CertificateData]) -> bytes:
    """The certificates, one A4 landscape page each (no page numbers: each page is a paper of its own)."""
    document = new_document()
    first = document.sections[0]
    first.orientation = WD_ORIENT.LANDSCAPE
    first.page_width, first.page_height = Mm(297), Mm(210)
    first.top_margin = first.bottom_margin = Mm(20)
    first.left_margin = first.right_margin = Mm(20)
    for n, certificate in enumerate(certificates):
        if n:
            landscape_section(document, page_numbers=False)
        _page(document, certificate)
    if not certificates:
        para(document, "(Quyết định chưa có ai được khen thưởng.)", italic=True)
    return save(document)


def filename(number: str, year: int) -> str:
    return f"Giay_khen_bang_khen_{year}_{re.sub(r'[^A-Za-z0-9]+', '-', fold(number)).strip('-')}.docx"
