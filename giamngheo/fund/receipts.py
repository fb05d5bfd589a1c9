"""The receipt of a donation (Giấy biên nhận ủng hộ Quỹ "Vì người nghèo"), A4, as PDF (ReportLab, DejaVu Sans
from matplotlib's fonts, as ``dashboard/report.py``) and DOCX (python-docx, Times New Roman, as
``reviews/documents.py``): the receipt number, the date, the donor (or "ẩn danh"), the campaign, the amount
in figures and in words."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .models import Donation, Method
from .words import amount_in_words

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@dataclass(frozen=True)
class Receipt:
    organisation: str
    number: str
    date: str
    donor: str
    unit: str
    campaign: str
    amount: str
    words: str
    method: str


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def receipt_of(donation: Donation, *, organisation: str) -> Receipt:
    unit = donation.org_unit.name if donation.org_unit is not None and not donation.anonymous else ""
    return Receipt(
        organisation=organisation,
        number=donation.receipt_number,
        date=donation.date.strftime("%d/%m/%Y"),
        donor="Nhà hảo tâm (ẩn danh)" if donation.anonymous else donation.donor_display,
        unit=unit,
        campaign=donation.campaign.name,
        amount=money(int(donation.amount)),
        words=amount_in_words(int(donation.amount)),
        method=str(Method(donation.method).label),
    )


def _lines(r: Receipt) -> list[tuple[str, str]]:
    lines = [("Số biên nhận", r.number), ("Ngày", r.date), ("Người (đơn vị) ủng hộ", r.donor)]
    if r.unit:
        lines.append(("Đơn vị", r.unit))
    lines += [
        ("Cuộc vận động", r.campaign),
        ("Số tiền", r.amount),
        ("Bằng chữ", r.words),
        ("Hình thức", r.method),
    ]
    return lines


TITLE = "GIẤY BIÊN NHẬN TIỀN ỦNG HỘ QUỸ “VÌ NGƯỜI NGHÈO”"
THANKS = "Xin trân trọng cảm ơn tấm lòng vì người nghèo của Quý vị."


def register_fonts() -> None:
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)


def receipt_pdf(r: Receipt) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=TITLE,
        author=r.organisation,
    )
    base = ParagraphStyle("base", fontName=FONT, fontSize=11, leading=15)
    head = ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=14, leading=19, alignment=1)
    org = ParagraphStyle("org", parent=base, fontName=FONT_BOLD, alignment=0)
    rows = [
        [Paragraph(escape(label) + ":", base), Paragraph(escape(value), base)] for label, value in _lines(r)
    ]
    table = Table(rows, colWidths=[5 * cm, 11.5 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    story = [
        Paragraph(escape(r.organisation), org),
        Spacer(1, 0.8 * cm),
        Paragraph(escape(TITLE), head),
        Spacer(1, 0.8 * cm),
        table,
        Spacer(1, 0.6 * cm),
        Paragraph(escape(THANKS), base),
        Spacer(1, 1.2 * cm),
        Table(
            [[Paragraph("<b>Người nộp tiền</b>", base), Paragraph("<b>Người nhận tiền</b>", base)]],
            colWidths=[8.25 * cm, 8.25 * cm],
        ),
    ]
    doc.build(story)
    return out.getvalue()


def receipt_docx(r: Receipt) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    p = document.add_paragraph()
    p.add_run(r.organisation).bold = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(14)
    table = document.add_table(rows=0, cols=2)
    for label, value in _lines(r):
        cells = table.add_row().cells
        cells[0].text = f"{label}:"
        cells[1].text = value
        cells[0].width, cells[1].width = Cm(5), Cm(11)
    document.add_paragraph(THANKS)
    signs = document.add_table(rows=1, cols=2)
    for cell, text in zip(signs.rows[0].cells, ("Người nộp tiền", "Người nhận tiền"), strict=True):
        cell.text = ""
        para = cell.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run(text).bold = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
