"""The review's documents to sign, as DOCX: the minutes of a village meeting (Biên bản họp thôn/ấp) and the
commune chairperson's recognition decision with its attached lists (Quyết định công nhận hộ nghèo, hộ cận
nghèo, hộ thoát nghèo, hộ thoát cận nghèo; Danh sách … kèm theo Quyết định).

Layout of Decree 30/2020/NĐ-CP through the helpers of ``certificates`` (A4, Times New Roman, margins
20/20/30/15 mm, page numbers from page 2, tables of fixed widths). The texts are Vietnamese whatever the
interface language. Facts: shared/domain/legal-facts.md §3.2 (the village meeting: chaired by the village
head, ≥ 50 % agreement, minutes in two copies), document-format.md (the layout).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Length, Pt

from giamngheo.core.docformat import (
    LANDSCAPE_TEXT_WIDTH,
    TEXT_WIDTH,
    body,
    cell_text,
    decision_symbol,
    fix_widths,
    header,
    in_text_name,
    landscape_section,
    new_document,
    para,
    place_name,
    portrait_section,
    province_in_text,
    repeat_header,
    rule,
    run,
    save,
    signature,
    spacer,
    table,
    vn_date,
    vn_number,
    vn_percent,
    vn_short_date,
)
from giamngheo.core.text import fold
from giamngheo.poverty.standard import Standard

from .document_selectors import DecisionData, ListedHousehold, MinutesData, MinutesRow

CATEGORY_LABEL = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "middle": "Hộ có mức sống trung bình",
    "not_poor": "Hộ không nghèo",
}
UNDETERMINED = "Chưa đủ thông tin"
VILLAGE_WORD = {
    "thon": "thôn",
    "ap": "ấp",
    "ban": "bản",
    "soc": "sóc",
    "khu_pho": "khu phố",
    "to_dan_pho": "tổ dân phố",
}
DECISION_24 = (
    "Căn cứ Quyết định số 24/2021/QĐ-TTg ngày 16 tháng 7 năm 2021 của Thủ tướng Chính phủ quy định "
    "quy trình rà soát hộ nghèo, hộ cận nghèo hằng năm và quy trình xác định hộ làm nông nghiệp, lâm nghiệp, "
    "ngư nghiệp và diêm nghiệp có mức sống trung bình giai đoạn 2022 - 2025;"
)
CIRCULAR_07 = (
    "Căn cứ Thông tư số 07/2021/TT-BLĐTBXH ngày 18 tháng 7 năm 2021 của Bộ trưởng Bộ Lao động - Thương binh "
    "và Xã hội hướng dẫn phương pháp rà soát, phân loại hộ nghèo, hộ cận nghèo; xác định thu nhập của hộ làm "
    "nông nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp có mức sống trung bình giai đoạn 2022 - 2025 và mẫu "
    "biểu báo cáo;"
)
LOCAL_GOVERNMENT_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
# What each standard's legal document regulates, for its "Căn cứ" line (legal-facts.md §0).
STANDARD_SUBJECT = {
    "ND07-2021": "quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025",
    "ND351-2025": "quy định chuẩn nghèo đa chiều giai đoạn 2026 - 2030",
}


def village_in_text(name: str, division_type: str) -> str:
    """ "Thôn Bù Tam" -> "thôn Bù Tam"; "Thôn 3" stays; a bare name gets its word ("thôn Bù Tam")."""
    word = VILLAGE_WORD.get(division_type, "thôn")
    for known in sorted(VILLAGE_WORD.values(), key=len, reverse=True):
        if fold(name).startswith(fold(known) + " "):
            rest = name[len(known) + 1 :]
            return name if rest[:1].isdigit() else name[: len(known)].lower() + name[len(known) :]
    return f"{word} {name}"


def village_words(village_types: Sequence[str]) -> str:
    """What the commune calls its villages, for "các thôn, ấp": its kinds, most frequent first."""
    words = [VILLAGE_WORD[kind] for kind in village_types if kind in VILLAGE_WORD]
    return ", ".join(dict.fromkeys(words)) or "thôn"


def standard_basis(standard: Standard, province: str = "") -> str:
    """The "Căn cứ …" line of a poverty standard, from its legal document ("Nghị định 07/2021/NĐ-CP");
    ``province`` ("tỉnh Đồng Nai") names the issuer of a provincial standard."""
    found = re.search(r"\(((Nghị định|Quyết định) ([^)]+))\)", standard.name_vi)
    if found is None:
        return f"Căn cứ {standard.name_vi};"
    kind, number = found.group(2), found.group(3)
    issuer = "Chính phủ" if standard.is_national else f"Ủy ban nhân dân {province or 'tỉnh'}"
    subject = STANDARD_SUBJECT.get(standard.code, "")
    if not subject:
        name = standard.name_vi.split(" (", 1)[0]
        subject = "ban hành " + name[:1].lower() + name[1:].replace("–", " - ")
    return f"Căn cứ {kind} số {number} {vn_date(standard.issued)} của {issuer} {subject};"


def _label(category: str) -> str:
    return CATEGORY_LABEL.get(category, UNDETERMINED)


def _title(document: DocumentType, kind: str, subject: str) -> None:
    para(document, kind, bold=True, space_before=18)
    para(document, subject, bold=True)
    rule(document, TEXT_WIDTH, Cm(5))


def _two_signers(document: DocumentType, left: tuple[str, str], right: tuple[str, str]) -> None:
    """Two signers side by side (title, note, room to sign, name), e.g. THƯ KÝ and CHỦ TRÌ."""
    half = Cm(8.25)
    tbl = table(document, 1, [half, half], borders=False)
    for cell, (title, name) in zip(tbl.rows[0].cells, (left, right), strict=True):
        cell_text(cell, title, size=14, bold=True).paragraph_format.space_before = Pt(12)
        para(cell, "(Ký, ghi rõ họ tên)", size=13, italic=True)
        for _ in range(4):
            para(cell)
        para(cell, name, bold=True)


def _grid(
    document: DocumentType,
    headings: Sequence[str],
    widths: Sequence[Length],
    rows: Sequence[Sequence[str]],
    *,
    left_columns: Sequence[int] = (),
    total: Sequence[str] | None = None,
) -> None:
    """A bordered table: a bold heading row repeated on every page, one row per item, an optional total."""
    spacer(document)
    tbl = table(document, 1 + len(rows) + (1 if total else 0), widths)
    repeat_header(tbl, 1)
    for i, text in enumerate(headings):
        cell_text(tbl.cell(0, i), text, size=12, bold=True)
    for r, values in enumerate(rows, start=1):
        for c, text in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.LEFT if c in left_columns else WD_ALIGN_PARAGRAPH.CENTER
            cell_text(tbl.cell(r, c), text, size=12, align=align)
    if total:
        last = len(rows) + 1
        for c, text in enumerate(total):
            if text:
                cell_text(tbl.cell(last, c), text, size=12, bold=True)
    fix_widths(tbl, widths)


# Village meeting minutes ---------------------------------------------------------------------------------

MINUTES_WIDTHS = [Cm(1.1), Cm(2.8), Cm(3.7), Cm(2.7), Cm(2.1), Cm(1.6), Cm(2.5)]
MINUTES_HEADINGS = [
    "STT",
    "Mã hộ",
    "Họ và tên chủ hộ",
    "Kết quả rà soát theo chuẩn",
    "Số người đồng ý / số người dự họp",
    "Tỷ lệ (%)",
    "Kết luận",
]


def _minutes_row(n: int, row: MinutesRow) -> list[str]:
    votes = ""
    if row.votes_for is not None and row.attendance:
        votes = f"{vn_number(row.votes_for)}/{vn_number(row.attendance)}"
    share = vn_percent(row.votes_for or 0, row.attendance or 0) if row.votes_for is not None else ""
    conclusion = _label(row.decided_category) if row.agreed else "Rà soát lại"
    return [
        str(n),
        row.household_code,
        row.head_name,
        _label(row.proposed_category),
        votes,
        share,
        conclusion,
    ]


def minutes(data: MinutesData) -> bytes:
    """Biên bản họp thôn/ấp … về kết quả rà soát hộ nghèo, hộ cận nghèo năm …"""
    document = new_document(page_numbers=True)
    commune = in_text_name(data.place.commune)
    village = village_in_text(data.village, data.village_division_type)
    word = VILLAGE_WORD.get(data.village_division_type, "thôn")
    header(
        document,
        parent=f"ỦY BAN NHÂN DÂN\n{data.place.commune.upper()}",
        issuer=data.village.upper(),
        number="",
        place=place_name(data.place.commune),
        day=data.held_on,
    )
    _title(
        document,
        "BIÊN BẢN",
        f"Họp {village} về kết quả rà soát hộ nghèo, hộ cận nghèo năm {data.year}",
    )
    body(document, f"Thời gian: vào lúc …… giờ …… phút, {vn_date(data.held_on)}.")
    body(document, f"Địa điểm: {data.venue or '……………………………………'}, {village}, {commune}.")
    body(document, "I. THÀNH PHẦN THAM DỰ", bold=True)
    body(document, f"- Chủ trì: {data.chair}.")
    body(document, f"- Thư ký: {data.secretary or '……………………………………'}.")
    body(
        document,
        f"- Số người dự họp: {vn_number(data.attendance)} người, gồm: đại diện Ban Chỉ đạo rà soát hộ "
        f"nghèo, hộ cận nghèo {commune}; công chức phụ trách công tác giảm nghèo; Bí thư chi bộ; đại diện "
        f"các tổ chức đoàn thể; rà soát viên và đại diện các hộ gia đình trong {word}. Ủy ban Mặt trận Tổ "
        f"quốc Việt Nam {commune} được "
        "mời tham dự, giám sát.",
    )
    body(document, "II. NỘI DUNG", bold=True)
    standard = "; ".join(s.name_vi for s in data.standards)
    by = f" theo {standard}" if standard else ""
    body(
        document,
        f"Hội nghị nghe rà soát viên báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo năm {data.year} "
        f"của {village}{by}; thảo luận và biểu quyết đối với từng hộ. Kết quả của hộ được thông qua khi có "
        "từ 50% trở lên số người dự họp đồng ý. Kết quả biểu quyết như sau:",
    )
    rows = [_minutes_row(n, row) for n, row in enumerate(data.rows, start=1)]
    if rows:
        _grid(document, MINUTES_HEADINGS, MINUTES_WIDTHS, rows, left_columns=(2,))
    else:
        body(document, "(Chưa có hộ nào được biểu quyết.)", italic=True)
    body(document, "III. KẾT LUẬN", bold=True)
    agreed = [r for r in data.rows if r.agreed]
    counts = [
        f"{_label(category).lower()}: {vn_number(n)} hộ"
        for category in CATEGORY_LABEL
        if (n := sum(1 for r in agreed if r.decided_category == category))
    ]
    again = len(data.rows) - len(agreed)
    conclusion = f"Hội nghị đã biểu quyết {vn_number(len(data.rows))} hộ; thống nhất kết quả của " + (
        f"{vn_number(len(agreed))} hộ ({'; '.join(counts)})" if counts else f"{vn_number(len(agreed))} hộ"
    )
    if again:
        conclusion += (
            f"; {vn_number(again)} hộ chưa được từ 50% trở lên số người dự họp đồng ý, "
            "rà soát lại và tổ chức họp lại"
        )
    body(document, conclusion + ".")
    if data.note:
        body(document, f"Ý kiến khác: {data.note}")
    body(
        document,
        "Hội nghị kết thúc vào lúc …… giờ …… cùng ngày. Biên bản được lập thành 02 bản: 01 bản lưu tại "
        f"{village}, 01 bản gửi Ban Chỉ đạo rà soát hộ nghèo, hộ cận nghèo {commune}./.",
    )
    spacer(document)
    _two_signers(document, ("THƯ KÝ", data.secretary), ("CHỦ TRÌ", data.chair))
    return save(document)


def minutes_filename(data: MinutesData) -> str:
    village = re.sub(r"[^A-Za-z0-9]+", "-", fold(data.village)).strip("-")
    return f"BB_hop_thon_{data.year}_{village}.docx"


# The recognition decision and its lists -----------------------------------------------------------------

LIST_WIDTHS = [Cm(1.1), Cm(2.8), Cm(5.0), Cm(3.4), Cm(2.2), Cm(2.0)]
LIST_HEADINGS = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Thôn/ấp", "Dân tộc", "Số nhân khẩu"]
# A list with notes (escaped into near-poverty) takes a wider page: the note column.
NOTED_WIDTHS = [Cm(1.2), Cm(3.0), Cm(6.5), Cm(4.5), Cm(3.0), Cm(2.5), Cm(5.0)]


def _lists(data: DecisionData) -> list[tuple[str, str, list[ListedHousehold]]]:
    year = data.year
    return [
        ("I", f"DANH SÁCH HỘ NGHÈO NĂM {year}", data.poor),
        ("II", f"DANH SÁCH HỘ CẬN NGHÈO NĂM {year}", data.near_poor),
        ("III", f"DANH SÁCH HỘ THOÁT NGHÈO NĂM {year}", data.escaped_poverty),
        ("IV", f"DANH SÁCH HỘ THOÁT CẬN NGHÈO NĂM {year}", data.escaped_near_poverty),
    ]


def _count(households: list[ListedHousehold]) -> str:
    persons = sum(h.persons for h in households)
    return f"{vn_number(len(households))} hộ, {vn_number(persons)} nhân khẩu"


def decision_reference(data: DecisionData) -> str:
    day = vn_date(data.decision_date) if data.decision_date else "ngày …… tháng …… năm ……"
    commune = in_text_name(data.place.commune)
    number = decision_symbol(data.decision_number)
    return f"(Kèm theo Quyết định số {number} {day} của Chủ tịch Ủy ban nhân dân {commune})"


def _decision_body(document: DocumentType, data: DecisionData) -> None:
    commune = in_text_name(data.place.commune)
    header(
        document,
        parent="",
        issuer=f"ỦY BAN NHÂN DÂN\n{data.place.commune.upper()}",
        number=decision_symbol(data.decision_number),
        place=place_name(data.place.commune),
        day=data.decision_date,
    )
    para(document, "QUYẾT ĐỊNH", bold=True, space_before=18)
    para(
        document,
        "Về việc công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo "
        f"năm {data.year} trên địa bàn {commune}",
        bold=True,
    )
    rule(document, TEXT_WIDTH, Cm(5))
    para(document, f"CHỦ TỊCH ỦY BAN NHÂN DÂN {data.place.commune.upper()}", bold=True, space_before=12)
    villages = village_words(data.place.village_types)
    province = province_in_text(data.place.province, data.place.province_division_type)
    bases = [
        LOCAL_GOVERNMENT_LAW,
        *(standard_basis(s, province) for s in data.standards),
        DECISION_24,
        CIRCULAR_07,
    ]
    if data.posting_from and data.posting_to:
        bases.append(
            f"Căn cứ biên bản họp các {villages} và kết quả niêm yết công khai từ ngày "
            f"{vn_short_date(data.posting_from)} đến ngày {vn_short_date(data.posting_to)};"
        )
    else:
        bases.append(f"Căn cứ biên bản họp các {villages} và kết quả niêm yết công khai;")
    bases.append(f"Theo đề nghị của Ban Chỉ đạo rà soát hộ nghèo, hộ cận nghèo {commune}.")
    for basis in bases:
        body(document, basis, italic=True)
    para(document, "QUYẾT ĐỊNH:", bold=True, space_before=12)
    article = body(document, "Điều 1. ", bold=True)
    run(
        article,
        f"Công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo năm {data.year} "
        f"trên địa bàn {commune}, cụ thể như sau:",
    )
    labels = ["Hộ nghèo", "Hộ cận nghèo", "Hộ thoát nghèo", "Hộ thoát cận nghèo"]
    for n, (label, (annex, _title_text, households)) in enumerate(
        zip(labels, _lists(data), strict=True), start=1
    ):
        body(document, f"{n}. {label}: {_count(households)} (Phụ lục {annex} kèm theo).")
    article = body(document, "Điều 2. ", bold=True)
    run(
        article,
        "Danh sách hộ nghèo, hộ cận nghèo tại Điều 1 được sử dụng từ "
        f"{vn_date(dt.date(data.lists_year, 1, 1))} làm căn cứ thực hiện các chính sách hỗ trợ theo quy "
        "định; các hộ nghèo, hộ cận nghèo được cấp Giấy chứng nhận hộ nghèo, hộ cận nghèo.",
    )
    article = body(document, "Điều 3. ", bold=True)
    run(
        article,
        "Quyết định này có hiệu lực kể từ ngày ký. Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, "
        f"Ban Chỉ đạo rà soát hộ nghèo, hộ cận nghèo {commune}, Trưởng các {villages} và các hộ gia đình có "
        "tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
    )
    spacer(document)
    recipients = [
        "- Như Điều 3;",
        f"- Sở Nông nghiệp và Môi trường {province} (để báo cáo);",
        f"- Ủy ban Mặt trận Tổ quốc Việt Nam {commune};",
        "- Lưu: VT.",
    ]
    signature(
        document,
        left=[
            ("Nơi nhận:", 12, True, True),
            *((text, 11, False, False) for text in recipients),
        ],
        right=["CHỦ TỊCH"],
        right_note="",
        widths=[Cm(8), Cm(8.5)],
    )


def _annex(
    document: DocumentType,
    data: DecisionData,
    annex: str,
    title: str,
    rows: list[ListedHousehold],
    width: Length,
) -> None:
    noted = any(h.became_near_poor for h in rows)
    para(document, f"Phụ lục {annex}", bold=True)
    para(document, title, bold=True)
    para(document, decision_reference(data), italic=True)
    rule(document, width, Cm(4))
    values = [
        [
            str(n),
            h.household_code,
            h.head_name,
            h.village,
            h.ethnic_group,
            vn_number(h.persons),
            *(["Trở thành hộ cận nghèo" if h.became_near_poor else ""] if noted else []),
        ]
        for n, h in enumerate(rows, start=1)
    ]
    if not values:
        body(document, "(Không có hộ nào.)", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        return
    total = ["", "", "Tổng cộng", "", "", vn_number(sum(h.persons for h in rows))]
    headings = [*LIST_HEADINGS, *(["Ghi chú"] if noted else [])]
    widths = NOTED_WIDTHS if noted else LIST_WIDTHS
    _grid(document, headings, widths, values, left_columns=(2, 3), total=[*total, *([""] if noted else [])])
    body(document, f"Tổng số: {_count(rows)}.", indent=False)


def decision(data: DecisionData) -> bytes:
    """The chairperson's decision, then its four attached lists, each list on its own pages (numbered on
    their own); a list with a note column is set on A4 landscape."""
    document = new_document(page_numbers=True)
    _decision_body(document, data)
    for annex, title, rows in _lists(data):
        if any(h.became_near_poor for h in rows):
            landscape_section(document)
            _annex(document, data, annex, title, rows, LANDSCAPE_TEXT_WIDTH)
        else:
            portrait_section(document)
            _annex(document, data, annex, title, rows, TEXT_WIDTH)
    return save(document)


def decision_filename(data: DecisionData) -> str:
    return (
        f"QD_cong_nhan_{data.year}_{re.sub(r'[^A-Za-z0-9]+', '-', fold(data.place.commune)).strip('-')}.docx"
    )
