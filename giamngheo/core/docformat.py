"""The layout of Vietnamese administrative documents (Decree 30/2020/NĐ-CP) for python-docx: the one
formatter of every generated DOCX (the review's certificates, minutes and decisions, the emulation dossiers,
the department's reports). Facts: shared/domain/document-format.md.

A4 portrait, margins 20/20/30/15 mm, Times New Roman; two-column header (issuing body and number on the left,
national motto and place/date on the right), centred title, body in 14 pt with 6 pt between paragraphs,
signature block on the right with "Nơi nhận:" on the left. The documents are Vietnamese whatever the
interface language: they are official papers.

Tables carry explicit widths that both Word and LibreOffice honour: a fixed layout, the table width
(``w:tblW``), the grid (``w:tblGrid/w:gridCol``) and every cell's width (``w:tcW``), all in twips. Without
the grid LibreOffice shares the width out evenly, and the national motto no longer fits on one line.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Emu, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from giamngheo.core.text import fold

FONT = "Times New Roman"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
DIVISION_WORD = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# A4 with margins left 30 / right 15 mm: 165 mm of text. The header's right column holds the national
# motto on one line: 13 pt bold Times New Roman is 8.9 cm wide, the column 10 cm less 2 × 0.1 cm of cell
# margin. Landscape pages (annexed lists) have 297 − 20 − 20 mm of text.
TEXT_WIDTH = Mm(165)
LANDSCAPE_TEXT_WIDTH = Mm(257)
LEFT_COLUMN = Cm(6.5)
RIGHT_COLUMN = Cm(10)
MOTTO_SIZE = 13
MOTTO_2_SIZE = 14
MOTTO_2_LINE = Cm(5.8)  # the length of "Độc lập - Tự do - Hạnh phúc" at 14 pt bold
PARAGRAPH_GAP = 6  # pt between the paragraphs of the body (Decree 30/2020: at least 6 pt)
CELL_MARGIN = Cm(0.1)


def vn_date(day: dt.date) -> str:
    """ "ngày 05 tháng 01 năm 2027": days below 10 and months 1–2 take a leading zero (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_short_date(day: dt.date) -> str:
    """ "05/01/2027" (dates inside sentences and tables)."""
    return f"{day:%d/%m/%Y}"


def vn_number(value: int) -> str:
    """ "1.234": thousands grouped with a dot."""
    return f"{value:,}".replace(",", ".")


def vn_percent(numerator: int, denominator: int) -> str:
    """ "66,7%": one decimal, a decimal comma; "" when there is nothing to divide by."""
    if not denominator:
        return ""
    return f"{100 * numerator / denominator:.1f}".replace(".", ",") + "%"


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


def full_address(address: str, *units: str) -> str:
    """The address followed by the village, commune and province, each named once: parts of ``address``
    that repeat one of the units (as the registry often stores "Thôn 3, Xã Bù Gia Mập") are dropped and the
    units are written after the rest, in their in-text form."""
    wanted = [unit for unit in units if unit]
    folded_units = {fold(unit) for unit in wanted}
    bare_units = {fold(place_name(unit)) for unit in wanted} | {
        fold(unit.split(" ", 1)[1]) for unit in wanted if unit.startswith(("tỉnh ", "thành phố "))
    }
    kept = [
        part.strip()
        for part in address.split(",")
        if part.strip() and fold(part) not in folded_units and fold(part) not in bare_units
    ]
    return ", ".join([*kept, *wanted])


def decision_symbol(number: str) -> str:
    """The number of the chairperson's decision as printed: "123" -> "123/QĐ-UBND" (Decree 30/2020: number
    and symbol); a number that already carries its symbol is kept."""
    number = number.strip()
    return number if not number or "/" in number else f"{number}/QĐ-UBND"


# Page and paragraphs ---------------------------------------------------------------------------------------


def new_document(*, page_numbers: bool = False, line_spacing: float = 1.15) -> DocumentType:
    """An empty A4 portrait document in Times New Roman 14 pt with the margins of Decree 30/2020 (line
    spacing from single to 1.5 lines)."""
    document = Document()
    section = document.sections[0]
    portrait(section)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), line_spacing
    if page_numbers:
        number_pages(section)
    return document


def portrait(section: Section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(12.5)


def portrait_section(document: DocumentType, *, page_numbers: bool = True) -> Section:
    """A new section on a new page, A4 portrait; its pages numbered from 1 (not shown on its first page)."""
    section = new_page_section(document)
    portrait(section)
    if page_numbers:
        number_pages(section, restart=True)
    return section


def landscape_section(document: DocumentType, *, page_numbers: bool = True) -> Section:
    """A new section on a new page, A4 landscape (tables that are too wide for portrait); its pages are
    numbered from 1, the number hidden on its first page (an annex is numbered on its own)."""
    section = new_page_section(document)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    if page_numbers:
        number_pages(section, restart=True)
    return section


def number_pages(section: Section, *, restart: bool = False) -> None:
    """Page numbers centred in the top margin, 13 pt, not shown on the first page (Decree 30/2020)."""
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(13)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text or ""
    if restart:
        for old in section._sectPr.findall(qn("w:pgNumType")):
            section._sectPr.remove(old)
        page_type = OxmlElement("w:pgNumType")
        page_type.set(qn("w:start"), "1")
        section._sectPr.insert_element_before(page_type, *_PGNUMTYPE_SUCCESSORS)


def para(
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
        run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def body(container: DocumentType | _Cell, text: str = "", **kwargs: object) -> Paragraph:
    """A paragraph of the body: justified, first line indented 1.27 cm, 6 pt before it."""
    kwargs = {"align": WD_ALIGN_PARAGRAPH.JUSTIFY, "indent": True, "space_before": PARAGRAPH_GAP} | kwargs
    return para(container, text, **kwargs)  # type: ignore[arg-type]


def run(
    paragraph: Paragraph, text: str, *, size: float = 14, bold: bool = False, italic: bool = False
) -> None:
    added = paragraph.add_run(text)
    added.font.size, added.bold, added.italic = Pt(size), bold, italic


def cell_text(
    cell: _Cell,
    text: str,
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: WD_PARAGRAPH_ALIGNMENT = WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    """Write into the empty paragraph a new cell starts with (the cell's content centred vertically)."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = 1.0
    run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def rule(container: DocumentType | _Cell, width: Length, line: Length) -> None:
    """A centred solid line of length ``line`` inside a column of ``width`` (a bordered empty paragraph)."""
    paragraph = container.add_paragraph()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_PBDR_SUCCESSORS)
    side = Emu(max(0, (int(width) - int(line)) // 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.space_before = Pt(1)
    paragraph.paragraph_format.line_spacing = Pt(2)


def _tiny(paragraph: Paragraph) -> Paragraph:
    paragraph.paragraph_format.line_spacing = Pt(1)
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    r_pr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    r_pr.append(size)
    paragraph._p.get_or_add_pPr().insert_element_before(r_pr, "w:sectPr", "w:pPrChange")
    return paragraph


def spacer(document: DocumentType) -> Paragraph:
    """A 1 pt paragraph: keeps two tables apart (Word would join them) without taking a line."""
    return _tiny(document.add_paragraph())


def new_page_section(document: DocumentType) -> Section:
    """A new section on a new page with the same page setup. The break rides on a 1 pt paragraph at the
    end of the previous page, so the next page starts with nothing in front of its first block."""
    section: Section = document.add_section(WD_SECTION.NEW_PAGE)
    _tiny(document.paragraphs[-1])
    return section


_PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_TBLW_SUCCESSORS = (
    "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
_TBLBORDERS_SUCCESSORS = _TBLW_SUCCESSORS[4:]
_PGNUMTYPE_SUCCESSORS = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
    "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip
_TBLCELLMAR_SUCCESSORS = _TBLW_SUCCESSORS[7:]


# Tables with widths that hold ------------------------------------------------------------------------------


def _twips(length: Length) -> int:
    return round(int(length) / 635)


def table(
    container: DocumentType | _Cell,
    rows: int,
    widths: Sequence[Length],
    *,
    borders: bool = True,
    cell_margin: Length = CELL_MARGIN,
) -> Table:
    """A table of ``len(widths)`` columns whose widths hold in Word and LibreOffice. Call ``fix_widths``
    again after merging cells."""
    added: Table = container.add_table(rows=rows, cols=len(widths))
    added.alignment = WD_TABLE_ALIGNMENT.CENTER
    added.autofit = False  # w:tblLayout w:type="fixed"
    tbl_pr = added._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(sum(_twips(w) for w in widths)))
    total.set(qn("w:type"), "dxa")
    tbl_pr.insert_element_before(total, *_TBLW_SUCCESSORS)
    lines = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        lines.append(element)
    tbl_pr.insert_element_before(lines, *_TBLBORDERS_SUCCESSORS)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(_twips(cell_margin)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.insert_element_before(margins, *_TBLCELLMAR_SUCCESSORS)
    grid = added._tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(_twips(width)))
        grid.append(col)
    fix_widths(added, widths)
    return added


def fix_widths(tbl: Table, widths: Sequence[Length]) -> None:
    """Every cell's ``w:tcW``: the sum of the grid columns it spans."""
    for tr in tbl._tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            width = sum(_twips(w) for w in widths[column : column + span])
            tc_pr = tc.get_or_add_tcPr()
            tc_w = tc_pr.find(qn("w:tcW"))
            if tc_w is None:
                tc_w = OxmlElement("w:tcW")
                tc_pr.insert(0, tc_w)
            tc_w.set(qn("w:w"), str(width))
            tc_w.set(qn("w:type"), "dxa")
            column += span


def repeat_header(tbl: Table, rows: int = 1) -> None:
    """The first ``rows`` rows repeat at the top of every page the table runs onto."""
    for row in tbl.rows[:rows]:
        tr_pr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        tr_pr.append(header)


def keep_row_together(tbl: Table) -> None:
    for row in tbl.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))


# The blocks of Decree 30/2020 -------------------------------------------------------------------------------


def header(
    document: DocumentType | _Cell,
    *,
    parent: str,
    issuer: str,
    number: str,
    place: str,
    day: dt.date | None,
) -> Table:
    """The two-column header: parent body (not bold) and issuing body (bold, a short line under it) and
    the number on the left; the motto, the slogan (a line as long as it) and the place and date on the right.
    ``parent`` may be empty; ``number`` may be empty (documents without a number)."""
    tbl = table(document, 2, [LEFT_COLUMN, RIGHT_COLUMN], borders=False)
    left, right = tbl.cell(0, 0), tbl.cell(0, 1)
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if parent:
        run(first, parent, size=13)
        first.add_run().add_break()
    run(first, issuer, size=13, bold=True)
    rule(left, LEFT_COLUMN, Cm(2.2))
    cell_text(right, MOTTO, size=MOTTO_SIZE, bold=True)
    para(right, MOTTO_2, size=MOTTO_2_SIZE, bold=True)
    rule(right, RIGHT_COLUMN, MOTTO_2_LINE)
    if number:
        cell_text(tbl.cell(1, 0), f"Số: {number}", size=13)
    when = vn_date(day) if day else "ngày      tháng      năm"
    dated = cell_text(tbl.cell(1, 1), f"{place}, {when}", size=13, italic=True)
    dated.paragraph_format.space_before = Pt(PARAGRAPH_GAP)
    tbl.cell(1, 0).paragraphs[0].paragraph_format.space_before = Pt(PARAGRAPH_GAP)
    return tbl


def signature(
    document: DocumentType,
    *,
    left: Sequence[tuple[str, float, bool, bool]] = (),
    right: Sequence[str],
    right_note: str = "(Ký, ghi rõ họ tên và đóng dấu)",
    right_name: str = "",
    widths: Sequence[Length] = (LEFT_COLUMN, RIGHT_COLUMN),
) -> Table:
    """The closing table: ``left`` lines (text, size, bold, italic: "Nơi nhận:" and its list) level with
    the title lines of the signer on the right, the signer's note, room to sign and the name."""
    tbl = table(document, 1, widths, borders=False)
    keep_row_together(tbl)
    left_cell, right_cell = tbl.cell(0, 0), tbl.cell(0, 1)
    for i, (text, size, bold, italic) in enumerate(left):
        if i == 0:
            cell_text(left_cell, text, size=size, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.LEFT)
        else:
            para(left_cell, text, size=size, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.LEFT)
    for i, text in enumerate(right):
        if i == 0:
            cell_text(right_cell, text, size=14, bold=True)
        else:
            para(right_cell, text, bold=True)
    if right_note:
        para(right_cell, right_note, size=13, italic=True)
    for _ in range(4):
        para(right_cell)
    para(right_cell, right_name, bold=True)
    return tbl


def save(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
