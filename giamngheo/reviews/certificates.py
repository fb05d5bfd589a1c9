"""The poor / near-poor household certificate as DOCX (the only module of reviews that imports python-docx).

Layout after Decree 30/2020/NĐ-CP (shared/domain/document-format.md): A4 portrait, margins 20/20/30/15 mm,
Times New Roman; two-column header (issuing body and number on the left, national motto and place/date on the
right), centred title, body in 14 pt, signature block on the right. The document is Vietnamese whatever the
interface language: it is an official paper handed to the household.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Length, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from .selectors import CertificateData

FONT = "Times New Roman"
SYMBOL = "GCN-HN.HCN"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
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
DIVISION_WORD = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

LEFT_COLUMN = Cm(6.3)
RIGHT_COLUMN = Cm(10.2)


def vn_date(day: dt.date) -> str:
    """ "ngày 05 tháng 01 năm 2027": days below 10 and months 1–2 take a leading zero (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(commune: str) -> str:
    """ "Xã Bù Gia Mập" -> "Bù Gia Mập"; a unit named by a number keeps its generic word ("Phường 1")."""
    for word in DIVISION_WORD.values():
        if commune.startswith(word + " "):
            rest = commune[len(word) + 1 :]
            return commune if rest[:1].isdigit() else rest
    return commune


def in_text_name(name: str) -> str:
    """Administrative unit inside a sentence: "Xã Bù Gia Mập" -> "xã Bù Gia Mập" (but "Phường 1")."""
    for word in [*DIVISION_WORD.values(), "Tỉnh", "Thành phố"]:
        if name.startswith(word + " ") and not name[len(word) + 1 :][:1].isdigit():
            return word.lower() + name[len(word) :]
    return name


def province_in_text(name: str, division_type: str) -> str:
    """ "Đồng Nai" (a province) -> "tỉnh Đồng Nai"; a name that already says what it is keeps it."""
    word = {"tinh": "tỉnh", "thanh_pho": "thành phố"}.get(division_type, "")
    if not name or not word or name.lower().startswith(word):
        return in_text_name(name)
    return f"{word} {name}"


def certificate_number(number: int) -> str:
    return f"{number:02d}/{SYMBOL}"


# Low-level helpers ------------------------------------------------------------------------------------------


def _setup(document: DocumentType) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.15


def _para(
    container: DocumentType | _Cell,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: WD_PARAGRAPH_ALIGNMENT | None = WD_ALIGN_PARAGRAPH.CENTER,
    space_before: float = 0,
    indent: bool = False,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(space_before)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    return paragraph


def _first_para(cell: _Cell, text: str, **kwargs: object) -> Paragraph:
    """Write into the empty paragraph a new cell starts with."""
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(float(kwargs.get("size", 13)))  # type: ignore[arg-type]
    run.bold = bool(kwargs.get("bold", False))
    run.italic = bool(kwargs.get("italic", False))
    return paragraph


def _rule(container: DocumentType | _Cell, width: Length, line: Length) -> None:
    """A centred solid line of length ``line`` inside a column of ``width`` (a bordered empty paragraph)."""
    paragraph = container.add_paragraph()
    side = Emu(max(0, (int(width) - int(line)) // 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.space_before = Pt(1)
    paragraph.paragraph_format.line_spacing = Pt(2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.append(borders)


def _width(cell: _Cell, width: Length) -> None:
    cell.width = width


def _borders(table: object, value: str) -> None:
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


# The certificate --------------------------------------------------------------------------------------------


def _header(document: DocumentType, cert: CertificateData) -> None:
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, "nil")
    left, right = table.cell(0, 0), table.cell(0, 1)
    for row in table.rows:
        _width(row.cells[0], LEFT_COLUMN)
        _width(row.cells[1], RIGHT_COLUMN)
    body = _first_para(left, "ỦY BAN NHÂN DÂN", size=13, bold=True)
    body.add_run().add_break()
    unit = body.add_run(cert.commune.upper())
    unit.font.size, unit.bold = Pt(13), True
    _rule(left, LEFT_COLUMN, Cm(2.2))
    _first_para(right, MOTTO, size=12.5, bold=True)
    _para(right, MOTTO_2, size=13, bold=True)
    _rule(right, RIGHT_COLUMN, Cm(6.1))
    _first_para(table.cell(1, 0), f"Số: {certificate_number(cert.number)}", size=13)
    place = place_name(cert.commune)
    when = vn_date(cert.decision_date) if cert.decision_date else "ngày      tháng      năm"
    _first_para(table.cell(1, 1), f"{place}, {when}", size=13, italic=True)


def _members(document: DocumentType, cert: CertificateData) -> None:
    _para(document, "I. DANH SÁCH THÀNH VIÊN HỘ GIA ĐÌNH", bold=True, align=None, space_before=6)
    table = document.add_table(rows=2 + len(cert.members), cols=7)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, "single")
    widths = [Cm(1.1), Cm(5.0), Cm(2.2), Cm(2.8), Cm(1.6), Cm(1.6), Cm(2.2)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            _width(cell, width)
    headings = ["STT", "Họ và tên", "Dân tộc", "Quan hệ với chủ hộ", "Năm sinh", "", "Ghi chú"]
    for i, text in enumerate(headings):
        if text:
            _first_para(table.cell(0, i), text, size=12, bold=True)
    _first_para(table.cell(1, 4), "Nam", size=12, bold=True)
    _first_para(table.cell(1, 5), "Nữ", size=12, bold=True)
    table.cell(0, 4).merge(table.cell(0, 5))
    for i in (0, 1, 2, 3, 6):
        table.cell(0, i).merge(table.cell(1, i))
    for n, member in enumerate(cert.members, start=1):
        row = 1 + n
        _first_para(table.cell(row, 0), str(n), size=12)
        name = _first_para(table.cell(row, 1), member.full_name, size=12)
        name.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _first_para(table.cell(row, 2), member.ethnic_group, size=12)
        _first_para(table.cell(row, 3), RELATIONSHIP.get(member.relationship, ""), size=12)
        column = 4 if member.sex == "M" else 5
        _first_para(table.cell(row, column), str(member.birth_year), size=12)


def _body(document: DocumentType, cert: CertificateData) -> None:
    _para(document, "GIẤY CHỨNG NHẬN", bold=True, space_before=18)
    _para(document, CATEGORY_TITLE.get(cert.category, cert.category.upper()), bold=True)
    _para(document, f"Năm {cert.valid_year}", bold=True)
    _rule(document, Cm(16.5), Cm(4))
    decided = f" ngày {cert.decision_date:%d/%m/%Y}" if cert.decision_date else ""
    commune = in_text_name(cert.commune)
    _para(
        document,
        f"Căn cứ Quyết định số {cert.decision_number}{decided} của Chủ tịch Ủy ban nhân dân {commune} "
        f"về việc công nhận hộ nghèo, hộ cận nghèo qua kết quả rà soát định kỳ năm {cert.year};",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        space_before=6,
    )
    _para(
        document, f"Chủ tịch Ủy ban nhân dân {commune} chứng nhận:", align=None, indent=True, space_before=6
    )
    address = ", ".join(
        part
        for part in (
            cert.address,
            cert.village,
            commune,
            province_in_text(cert.province, cert.province_division_type),
        )
        if part
    )
    lines = [
        ("Chủ hộ: ", cert.head_name),
        ("Dân tộc: ", cert.head_ethnic_group),
        ("Số định danh cá nhân/CCCD: ", cert.head_national_id or "………………"),
        ("Nơi thường trú: ", address),
        ("Mã hộ: ", cert.household_code),
    ]
    for label, value in lines:
        paragraph = _para(document, label, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, space_before=3)
        run = paragraph.add_run(value)
        run.font.size, run.bold = Pt(14), label == "Chủ hộ: "
    paragraph = _para(document, "Là: ", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, space_before=3)
    run = paragraph.add_run(CATEGORY_TITLE.get(cert.category, cert.category.upper()))
    run.font.size, run.bold = Pt(14), True
    tail = paragraph.add_run(f" theo kết quả rà soát định kỳ năm {cert.year}.")
    tail.font.size = Pt(14)
    _members(document, cert)
    _para(
        document,
        f"Giấy chứng nhận có giá trị sử dụng từ {vn_date(dt.date(cert.valid_year, 1, 1))} "
        f"đến {vn_date(dt.date(cert.valid_year, 12, 31))}./.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        space_before=6,
    )


def _signature(document: DocumentType) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _borders(table, "nil")
    left, right = table.cell(0, 0), table.cell(0, 1)
    _width(left, LEFT_COLUMN)
    _width(right, RIGHT_COLUMN)
    _first_para(right, "TM. ỦY BAN NHÂN DÂN", size=14, bold=True).paragraph_format.space_before = Pt(12)
    _para(right, "CHỦ TỊCH", bold=True)
    _para(right, "(Ký, ghi rõ họ tên và đóng dấu)", size=13, italic=True)


def _certificate(document: DocumentType, cert: CertificateData) -> None:
    _header(document, cert)
    _body(document, cert)
    _signature(document)


def render(certificates: Iterable[CertificateData]) -> bytes:
    """One DOCX with the given certificates, one per page."""
    document = Document()
    _setup(document)
    for i, cert in enumerate(certificates):
        if i:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _certificate(document, cert)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(cert: CertificateData | None, *, commune_code: str = "", year: int = 0) -> str:
    if cert is not None:
        return f"GCN_{cert.year}_{cert.household_code}.docx"
    return f"GCN_{year}_{commune_code}.docx"
